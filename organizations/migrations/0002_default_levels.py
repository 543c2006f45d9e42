from django.db import migrations

LEVELS = [
    ("Trung ương", "TW", 0, False),
    ("Tỉnh ủy / Thành ủy", "TU", 1, False),
    ("Huyện ủy / Quận ủy", "HU", 2, False),
    ("Đảng bộ cơ sở", "ĐU", 3, False),
    ("Chi bộ cơ sở", "CBCS", 3, True),
    ("Đảng bộ bộ phận", "ĐBBP", 4, False),
    ("Chi bộ", "CB", 5, True),
]


def add_levels(apps, schema_editor):
    Level = apps.get_model("organizations", "Level")
    for name, code, rank, holds in LEVELS:
        Level.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "holds_members": holds}
        )


def remove_levels(apps, schema_editor):
    Level = apps.get_model("organizations", "Level")
    Level.objects.filter(code__in=[code for _, code, _, _ in LEVELS], organization=None).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(add_levels, remove_levels)]
