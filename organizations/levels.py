"""The usual tiers of the hierarchy. Provinces may rename them or add their own."""

from organizations.models import Level

# (name, code, rank, members belong directly)
DEFAULT_LEVELS = [
    ("Trung ương", "TW", 0, False),
    ("Tỉnh ủy / Thành ủy", "TU", 1, False),
    ("Huyện ủy / Quận ủy", "HU", 2, False),
    ("Đảng bộ cơ sở", "ĐU", 3, False),
    ("Chi bộ cơ sở", "CBCS", 3, True),
    ("Đảng bộ bộ phận", "ĐBBP", 4, False),
    ("Chi bộ", "CB", 5, True),
]


def levels_ensure() -> dict[str, Level]:
    """Create the default levels that are missing; return all levels by code."""
    for name, code, rank, holds in DEFAULT_LEVELS:
        Level.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "holds_members": holds}
        )
    return {level.code: level for level in Level.objects.all()}
