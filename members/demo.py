"""Deterministic synthetic data: a city's Party tree, its members and demo logins.

Everything comes from random.Random instances seeded from `seed`, never the global random
state, so one seed and size give the same names, card numbers and tree paths on any
database. Rows go in through bulk inserts with treebeard paths computed here, because
500,000 members must load in minutes, not hours.
"""

import datetime as dt
import math
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, RoleGrant, User
from audit.models import AuditEntry
from members.models import Gender, Member, MemberStatus, RosterImport, Transfer
from members.services import member_derive
from organizations.models import Level, Organization, OrganizationRename
from organizations.services import unit_subtrees_rebuild
from vn.formats import format_int
from vn.text import natural_key, normalize

DEMO_PASSWORD = "demo12345"
ROOT_NAME = "Thành ủy Hà Nội"
ROOT_CODE = "TP"
BATCH_SIZE = 5_000
MIN_MEMBERS = 50
CELL_MIN, CELL_MAX = 3, 29
# Cells per grassroots committee from which part of them is grouped into đảng bộ bộ phận.
SUBDIVIDE_FROM = 40
MERGED_ON = dt.date(2025, 7, 1)
MERGER_NOTE = "Sáp nhập theo Nghị quyết 60-NQ/TW"
FEMALE_SHARE = 0.36

# Relative frequencies close to the national ones; Nguyễn is about 38%.
FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 365, "Trần": 110, "Lê": 95, "Phạm": 70, "Hoàng": 35, "Huỳnh": 15,
    "Phan": 45, "Vũ": 25, "Võ": 15, "Đặng": 21, "Bùi": 20, "Đỗ": 14, "Hồ": 13,
    "Ngô": 13, "Dương": 10, "Lý": 5, "Đinh": 8, "Trịnh": 6, "Đào": 6, "Đoàn": 5,
    "Lương": 4, "Mai": 4, "Cao": 4, "Hà": 5, "Lưu": 3, "Tạ": 3, "Chu": 3, "Lâm": 3,
    "Phùng": 3, "Tô": 2, "Vương": 2, "Kiều": 2, "Triệu": 2, "Thái": 2, "Nông": 2,
    "Lại": 2, "Quách": 1, "Tăng": 1, "Nghiêm": 1, "Hứa": 1, "Khúc": 1, "La": 1,
    "Giáp": 1, "Lò": 1,
}  # fmt: skip
MALE_MIDDLE: dict[str, float] = {
    "Văn": 26, "Đức": 8, "Hữu": 6, "Quang": 6, "Minh": 7, "Công": 5, "Xuân": 4,
    "Mạnh": 3, "Ngọc": 4, "Thành": 4, "Quốc": 5, "Tiến": 3, "Trọng": 3, "Đình": 5,
    "Duy": 3, "Anh": 3, "Hoàng": 3, "Việt": 3, "Bá": 2, "Thế": 3, "Khắc": 2, "Huy": 2,
    "Tuấn": 2, "Gia": 2, "Trung": 2, "Hồng": 2, "Thanh": 3,
}  # fmt: skip
FEMALE_MIDDLE: dict[str, float] = {
    "Thị": 30, "Ngọc": 6, "Thu": 6, "Thanh": 6, "Kim": 4, "Thúy": 3, "Hồng": 4,
    "Phương": 3, "Minh": 4, "Bích": 3, "Mai": 2, "Lan": 2, "Khánh": 2, "Hải": 2,
    "Diệu": 1, "Thùy": 3, "Bảo": 2, "Cẩm": 2, "Hoài": 2, "Hương": 2, "Tuyết": 1,
    "Quỳnh": 2, "Thị Thu": 3, "Thị Ngọc": 2, "Thị Minh": 2, "Thị Thanh": 2, "Thị Kim": 1,
}  # fmt: skip
MALE_GIVEN = (
    "An", "Anh", "Bảo", "Bình", "Chiến", "Công", "Cường", "Dũng", "Duy", "Dương", "Đạt",
    "Định", "Đông", "Đức", "Giang", "Hải", "Hào", "Hậu", "Hiển", "Hiệp", "Hiếu", "Hòa",
    "Hoàng", "Hùng", "Huy", "Hưng", "Khải", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Lộc",
    "Lợi", "Long", "Luân", "Lực", "Minh", "Nam", "Nghĩa", "Nhân", "Phong", "Phúc", "Phương",
    "Quân", "Quang", "Quý", "Sơn", "Tài", "Tâm", "Tân", "Thái", "Thắng", "Thành", "Thanh",
    "Thịnh", "Thông", "Thuận", "Tiến", "Toàn", "Trí", "Trung", "Trường", "Tú", "Tuấn",
    "Tùng", "Vinh", "Việt", "Vũ", "Vượng",
)  # fmt: skip
FEMALE_GIVEN = (
    "An", "Anh", "Bích", "Châu", "Chi", "Cúc", "Diệp", "Dung", "Duyên", "Đào", "Giang",
    "Hà", "Hạnh", "Hảo", "Hằng", "Hiền", "Hoa", "Hoài", "Hồng", "Huệ", "Hương", "Huyền",
    "Khuê", "Lan", "Lệ", "Liên", "Liễu", "Linh", "Loan", "Lụa", "Mai", "Mơ", "My", "Nga",
    "Ngân", "Ngọc", "Nguyệt", "Nhàn", "Nhung", "Oanh", "Phương", "Phượng", "Quyên", "Quỳnh",
    "Sen", "Sương", "Tâm", "Thảo", "Thắm", "Thanh", "Thoa", "Thơ", "Thu", "Thúy", "Thủy",
    "Thư", "Trang", "Trâm", "Tuyết", "Tươi", "Uyên", "Vân", "Vy", "Xuân", "Yến",
)  # fmt: skip

# Two of these make a plausible ward, commune or village name ("Tân Hòa", "Phú Lộc").
PLACE_SYLLABLES = (
    "An", "Bình", "Hòa", "Phú", "Tân", "Vĩnh", "Long", "Phước", "Đông", "Tây", "Nam", "Bắc",
    "Xuân", "Hưng", "Thịnh", "Quang", "Minh", "Thanh", "Trung", "Hiệp", "Đức", "Lộc",
    "Thái", "Mỹ", "Gia", "Ngọc", "Kim", "Hồng", "Phúc", "Thọ", "Khánh", "Lạc", "Yên",
    "Thạch", "Thượng", "Cát", "Sơn", "Hà", "Lâm", "Định", "Thuận", "Hải", "Thủy", "Mai",
    "Đình", "Hội", "Liên", "Nghĩa", "Phong", "Tiên",
)  # fmt: skip
VILLAGE_SINGLES = (
    "Đông", "Đoài", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tiền", "Hậu", "Chùa", "Đình",
    "Chợ",
)  # fmt: skip
SCHOOL_NAMESAKES = (
    "Lê Quý Đôn", "Nguyễn Du", "Chu Văn An", "Trần Phú", "Lý Thường Kiệt", "Nguyễn Trãi",
    "Ngô Quyền", "Quang Trung", "Hoàng Hoa Thám", "Phan Chu Trinh", "Lê Lợi",
    "Trưng Vương", "Võ Thị Sáu", "Kim Đồng", "Tô Hiến Thành", "Nguyễn Huệ",
)  # fmt: skip
KINDERGARTENS = (
    "Hoa Sen", "Hoa Mai", "Sơn Ca", "Họa Mi", "Ánh Dương", "Tuổi Thơ", "Hoa Hồng", "Bình Minh",
)  # fmt: skip
AGENCIES = (
    "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Tài chính", "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường", "Sở Công Thương", "Sở Văn hóa và Thể thao", "Sở Nội vụ",
    "Sở Tư pháp", "Sở Khoa học và Công nghệ", "Bệnh viện Đa khoa thành phố", "Bệnh viện Nhi",
    "Bệnh viện Phụ sản", "Trường Cao đẳng Y tế", "Trường Chính trị thành phố",
    "Đài Phát thanh và Truyền hình thành phố", "Công ty TNHH MTV Môi trường đô thị",
    "Công ty Cổ phần Nước sạch", "Tổng công ty Vận tải thành phố",
    "Bảo hiểm xã hội thành phố", "Ngân hàng Chính sách xã hội chi nhánh thành phố",
    "Ban Quản lý các khu công nghiệp và chế xuất", "Thuế thành phố",
    "Kho bạc Nhà nước khu vực I", "Bộ Chỉ huy Quân sự thành phố",
)  # fmt: skip
DEPARTMENTS = (
    "Văn phòng", "Phòng Tổ chức - Hành chính", "Phòng Kế hoạch - Tài chính",
    "Phòng Thanh tra", "Phòng Pháp chế", "Phòng Tổng hợp", "Phòng Kỹ thuật",
    "Phòng Quản lý chất lượng", "Phòng Công nghệ thông tin", "Phòng Kinh doanh",
    "Phòng Đào tạo", "Phòng Nghiên cứu khoa học", "Phòng Hợp tác quốc tế", "Phòng Quản trị",
    "Phòng Truyền thông", "Trung tâm Dịch vụ", "Trung tâm Đào tạo", "Xí nghiệp số 1",
    "Xí nghiệp số 2", "Đội Kiểm tra",
)  # fmt: skip
AGENCY_BLOCKS = (
    "Khối Văn phòng", "Khối Nghiệp vụ", "Khối Kỹ thuật", "Khối Kinh doanh", "Khối Đào tạo",
    "Khối Dịch vụ", "Khối Sản xuất", "Khối Hỗ trợ", "Khối Quản lý", "Khối Vận hành",
    "Khối Tài chính - Kế toán", "Khối Hành chính - Tổng hợp", "Khối Nghiên cứu - Phát triển",
    "Khối Kiểm soát", "Khối Chi nhánh phía Bắc", "Khối Chi nhánh phía Nam",
)  # fmt: skip
SMALL_UNITS = (
    "Ban Quản lý dự án đầu tư xây dựng", "Trung tâm Phát triển quỹ đất",
    "Hội Luật gia thành phố", "Liên minh Hợp tác xã thành phố", "Trung tâm Xúc tiến đầu tư",
    "Viện Nghiên cứu phát triển", "Ban Quản lý đường sắt đô thị", "Nhà xuất bản thành phố",
    "Hội Chữ thập đỏ thành phố", "Công ty Cổ phần Sách và Thiết bị trường học",
    "Trung tâm Lưu trữ lịch sử", "Quỹ Đầu tư phát triển",
)  # fmt: skip

_LEVEL_ISSUERS = {"TU": "TU", "HU": "HU", "ĐU": "ĐU", "CBCS": "CB", "ĐBBP": "ĐBBP", "CB": "CB"}


class DemoError(Exception):
    """The demo data cannot be built as asked; the message says what to do."""


@dataclass
class PlannedUnit:
    """A unit before it is written: its place in the tree and its direct member count."""

    name: str
    level: str  # Level.code
    prefix: str  # code step: "P" gives TP-P03
    members: int = 0
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    closing_note: str = ""
    children: list["PlannedUnit"] = field(default_factory=list)
    code: str = ""
    path: str = ""
    depth: int = 0

    def walk(self) -> Iterator["PlannedUnit"]:
        """Pre-order, which is path order once the tree is numbered."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    unit: str
    does: str = ""


@dataclass
class DemoSummary:
    seed: int
    members: int
    units_by_level: list[tuple[str, int]]  # (level name, units), highest level first
    root_pk: int
    seconds: float
    logins: list[DemoLogin]

    @property
    def units(self) -> int:
        return sum(n for _, n in self.units_by_level)


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message if message.endswith("\n") else message + "\n")


# --- the tree ----------------------------------------------------------------------------


def _split(rng: random.Random, total: int, scales: list[float], floor: int) -> list[int]:
    """`total` cut into uneven shares of at least `floor`, one per scale, roughly in proportion."""
    weights = [scale * rng.lognormvariate(0, 0.5) for scale in scales]
    spare = total - floor * len(scales)
    shares = [floor + int(spare * w / sum(weights)) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % len(shares)] += 1
    return shares


def _cell_size(rng: random.Random) -> int:
    if rng.random() < 0.07:  # schools, clinics, small villages
        return rng.randint(CELL_MIN, 12)
    return min(CELL_MAX, max(CELL_MIN, round(rng.gauss(25, 3))))


def _cell_sizes(rng: random.Random, total: int) -> list[int]:
    """Sizes in [CELL_MIN, CELL_MAX] that add up to exactly `total` members."""
    n = min(max(1, round(total / 25), math.ceil(total / CELL_MAX)), total // CELL_MIN)
    sizes = [_cell_size(rng) for _ in range(n)]
    order = list(range(n))
    rng.shuffle(order)
    diff = total - sum(sizes)
    while diff:
        step = 1 if diff > 0 else -1
        for i in order:
            if diff and CELL_MIN <= sizes[i] + step <= CELL_MAX:
                sizes[i] += step
                diff -= step
    return sizes


def _place_pairs() -> list[str]:
    return [f"{a} {b}" for a in PLACE_SYLLABLES for b in PLACE_SYLLABLES if a != b]


def _cell(name: str, members: int, valid_from: dt.date | None) -> PlannedUnit:
    return PlannedUnit(name, "CB", "CB", members=members, valid_from=valid_from)


def _local_cells(rng: random.Random, kind: str, place: str, sizes: list[int]) -> list[PlannedUnit]:
    """Cells of a ward or commune: its offices and schools, then its neighbourhoods."""
    tier = "phường" if kind == "ward" else "xã"
    first = [
        f"Chi bộ Cơ quan Đảng - Đoàn thể {tier}",
        f"Chi bộ Công an {tier}",
        f"Chi bộ Quân sự {tier}",
        f"Chi bộ Trường THCS {rng.choice(SCHOOL_NAMESAKES)}",
    ]
    more = [
        f"Chi bộ Cơ quan Ủy ban nhân dân {tier}",
        f"Chi bộ Trạm Y tế {tier}",
        f"Chi bộ Trường Tiểu học {place}",
        f"Chi bộ Trường Mầm non {rng.choice(KINDERGARTENS)}",
    ]
    if kind == "commune":
        more.append(f"Chi bộ Hợp tác xã nông nghiệp {place}")
    rng.shuffle(more)
    offices = (first + more)[: min(len(first) + len(more), len(sizes) // 5)]
    n_local = len(sizes) - len(offices)
    units = [_cell(name, size, MERGED_ON) for name, size in zip(offices, sizes, strict=False)]
    local_sizes = sizes[len(offices) :]

    # Big committees group most neighbourhood cells under đảng bộ bộ phận.
    groups: list[int] = []
    if len(sizes) >= SUBDIVIDE_FROM:
        grouped = round(n_local * 0.7)
        while sum(groups) < grouped:
            groups.append(min(rng.randint(6, 14), grouped - sum(groups)))
    direct = n_local - sum(groups)

    if kind == "ward":
        style = rng.choice(("khu phố {}", "tổ dân phố số {}", "tổ dân phố {}"))
        names = iter(f"Chi bộ {style.format(n)}" for n in range(1, n_local + 1))
        group_names = iter(f"Đảng bộ bộ phận khu dân cư số {k}" for k in range(1, 99_999))
    else:
        villages = list(VILLAGE_SINGLES)
        rng.shuffle(villages)
        villages += rng.sample(_place_pairs(), max(0, len(groups) + direct - len(villages)))
        names_direct = [f"Chi bộ thôn {v}" for v in villages[:direct]]
        names = iter(names_direct + [f"Chi bộ xóm {n}" for n in range(1, n_local + 1)])
        group_names = iter(f"Đảng bộ bộ phận thôn {v}" for v in villages[direct:])

    sized = iter(local_sizes)
    units += [_cell(next(names), next(sized), MERGED_ON) for _ in range(direct)]
    for count in groups:
        group = PlannedUnit(next(group_names), "ĐBBP", "BP", valid_from=MERGED_ON)
        group.children = [_cell(next(names), next(sized), MERGED_ON) for _ in range(count)]
        units.append(group)
    return units


def _agency_cells(rng: random.Random, sizes: list[int]) -> list[PlannedUnit]:
    since = dt.date(2015, 1, 1)
    departments = list(DEPARTMENTS)
    rng.shuffle(departments)
    n = len(sizes)
    groups: list[int] = []
    if n >= SUBDIVIDE_FROM:
        while sum(groups) < n - len(departments):
            groups.append(min(rng.randint(6, 14), n - len(departments) - sum(groups)))
    direct = n - sum(groups)
    names = departments[:direct] + [
        f"Phòng Nghiệp vụ {k}" for k in range(1, direct - len(departments) + 1)
    ]
    units = [_cell(f"Chi bộ {name}", size, since) for name, size in zip(names, sizes, strict=False)]
    sized = iter(sizes[direct:])
    numbers = iter(range(1, n + 1))
    for k, count in enumerate(groups):
        block = AGENCY_BLOCKS[k] if k < len(AGENCY_BLOCKS) else f"Khối {k + 1}"
        group = PlannedUnit(f"Đảng bộ bộ phận {block}", "ĐBBP", "BP", valid_from=since)
        group.children = [
            _cell(f"Chi bộ số {next(numbers)}", next(sized), since) for _ in range(count)
        ]
        units.append(group)
    return units


def _plan(rng: random.Random, members: int, root_name: str) -> PlannedUnit:
    root = PlannedUnit(normalize(root_name), "TU", ROOT_CODE)
    # Grassroots committees grow with the square root of the membership: 2,000 members
    # make about 10 of them, 500,000 about 155 of some 3,000 members each.
    n_committees = max(2, round(0.22 * math.sqrt(members)))
    n_small = max(1, round(n_committees / 4))
    small_sizes = [rng.randint(9, CELL_MAX) for _ in range(n_small)]
    kinds = ["ward"]  # the demo committee logins need a ward
    for _ in range(n_committees - 1):
        kind = rng.choices(("ward", "commune", "agency"), (55, 30, 15))[0]
        kinds.append("ward" if kind == "agency" and kinds.count(kind) == len(AGENCIES) else kind)
    # An agency's committee is a fraction of a ward's: a hospital, not a neighbourhood.
    scales = [0.4 if kind == "agency" else 1.0 for kind in kinds]
    quotas = _split(rng, members - sum(small_sizes), scales, floor=CELL_MIN)

    places = _place_pairs()
    rng.shuffle(places)
    agencies = list(AGENCIES)
    rng.shuffle(agencies)
    for kind, quota in zip(kinds, quotas, strict=True):
        sizes = _cell_sizes(rng, quota)
        if kind == "agency":
            unit = PlannedUnit(
                f"Đảng bộ {agencies.pop()}", "ĐU", "CQ", valid_from=dt.date(2015, 1, 1)
            )
            unit.children = _agency_cells(rng, sizes)
        else:
            place = places.pop()
            tier, prefix = ("phường", "P") if kind == "ward" else ("xã", "X")
            unit = PlannedUnit(f"Đảng bộ {tier} {place}", "ĐU", prefix, valid_from=MERGED_ON)
            unit.children = _local_cells(rng, kind, place, sizes)
        root.children.append(unit)

    small_names = list(SMALL_UNITS)
    rng.shuffle(small_names)
    small_names += [f"Công ty Cổ phần {places.pop()}" for _ in range(n_small)]
    for name, size in zip(small_names, small_sizes, strict=False):
        root.children.append(
            PlannedUnit(
                f"Chi bộ {name}", "CBCS", "CS", members=size, valid_from=dt.date(2015, 1, 1)
            )
        )

    # A district abolished in the 2025 reform: kept for history, nobody active in it.
    closed = {"valid_to": MERGED_ON, "closing_note": MERGER_NOTE}
    district = PlannedUnit(
        f"Quận ủy {places.pop()} (cũ)", "HU", "HU", valid_from=dt.date(2008, 8, 1), **closed
    )
    district.children = [
        PlannedUnit(
            "Chi bộ Văn phòng Quận ủy", "CB", "CB", valid_from=dt.date(2008, 8, 1), **closed
        )
    ]
    root.children.append(district)
    return root


def _number(unit: PlannedUnit, parent_path: str = "", step: int = 1) -> None:
    """Give every unit its treebeard path and readable code, siblings in name order."""
    unit.depth = 1 if not parent_path else len(parent_path) // Organization.steplen + 1
    unit.path = Organization._get_path(parent_path, unit.depth, step)
    unit.children.sort(key=lambda u: natural_key(u.name))
    per_prefix: Counter[str] = Counter()
    for i, child in enumerate(unit.children, start=1):
        per_prefix[child.prefix] += 1
        child.code = f"{unit.code}-{child.prefix}{per_prefix[child.prefix]:02d}"
        _number(child, unit.path, i)


def demo_plan(members: int, seed: int, *, root_name: str = ROOT_NAME) -> PlannedUnit:
    """The numbered unit tree that `demo_build` would write, without touching the database."""
    if members < MIN_MEMBERS:
        raise DemoError(f"Cần ít nhất {MIN_MEMBERS} đảng viên để dựng cây mẫu.")
    root = _plan(random.Random(f"{seed}:tree"), members, root_name)
    root.code = ROOT_CODE
    _number(root)
    return root


# --- the people --------------------------------------------------------------------------


def _weighted(table: dict[str, float]) -> tuple[list[str], list[float]]:
    cumulative, running = [], 0.0
    for weight in table.values():
        running += weight
        cumulative.append(running)
    return list(table), cumulative


_FAMILY = _weighted(FAMILY_NAMES)
_MALE_MIDDLE = _weighted(MALE_MIDDLE)
_FEMALE_MIDDLE = _weighted(FEMALE_MIDDLE)


def _pick(rng: random.Random, table: tuple[list[str], list[float]]) -> str:
    return rng.choices(table[0], cum_weights=table[1])[0]


def _full_name(rng: random.Random, female: bool, born: int) -> str:
    # Văn and Thị dominate older generations and thin out among the young.
    classic = 0.55 if born < 1975 else 0.25
    if female:
        middle = "Thị" if rng.random() < classic else _pick(rng, _FEMALE_MIDDLE)
        pool = FEMALE_GIVEN
    else:
        middle = "Văn" if rng.random() < classic else _pick(rng, _MALE_MIDDLE)
        pool = MALE_GIVEN
    given = rng.choice(pool)
    while given == middle.split()[-1]:
        given = rng.choice(pool)
    return f"{_pick(rng, _FAMILY)} {middle} {given}"


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _dates(
    rng: random.Random, status: str, today: dt.date
) -> tuple[dt.date, dt.date, dt.date | None]:
    """(born, admitted, official): adult at admission, official about a year later."""
    if status == MemberStatus.EXEMPT:
        year = rng.randint(1940, 1955)
    elif status == MemberStatus.PROBATIONARY:
        year = round(rng.triangular(1975, 2003, 1999))
    else:
        year = round(rng.triangular(1945, 2003, 1978))
    born = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    adult = _years_later(born, 18)
    if status == MemberStatus.PROBATIONARY:
        admitted = max(adult, today - dt.timedelta(days=rng.randint(14, 360)))
        return born, admitted, None
    # Admitted early enough that the official date (a year and up to a month on) has passed.
    latest = today - dt.timedelta(days=400)
    span = (latest - adult).days
    if span < 0:
        born, adult, span = born + dt.timedelta(days=span), latest, 0
    typical = int(rng.triangular(0, 30 * 365, 5 * 365))
    admitted = adult + dt.timedelta(days=typical if typical <= span else rng.randint(0, span))
    return born, admitted, admitted + dt.timedelta(days=365 + rng.randint(0, 30))


def _card(rng: random.Random, used: set[str], admitted: dt.date) -> str:
    """Older cards are shorter: 6 digits before 1990, 7 before 2010, then 8."""
    digits = 6 if admitted.year < 1990 else 7 if admitted.year < 2010 else 8
    while True:
        card = str(rng.randrange(10 ** (digits - 1), 10**digits))
        if card not in used:
            used.add(card)
            return card


def _member(rng: random.Random, today: dt.date, used: set[str], unit_pk: int) -> Member:
    female = rng.random() < FEMALE_SHARE
    roll = rng.random()
    if roll < 0.85:
        status = MemberStatus.OFFICIAL
    elif roll < 0.92:
        status = MemberStatus.PROBATIONARY
    else:
        status = MemberStatus.EXEMPT
    born, admitted, official = _dates(rng, status, today)
    return member_derive(
        Member(
            full_name=_full_name(rng, female, born.year),
            gender=Gender.FEMALE if female else Gender.MALE,
            date_of_birth=born,
            card_number=_card(rng, used, admitted),
            status=status,
            admitted_on=admitted,
            official_on=official,
            organization_id=unit_pk,
        )
    )


def _analyze(*models) -> None:
    """Statistics for the tables just filled, before the queries that pick the demo logins'
    members: the whole seed is one transaction, so autovacuum has seen none of its rows and
    the planner, guessing a handful, loops over every unit (minutes at 500,000 members).
    ANALYZE inside the transaction counts the transaction's own rows."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _insert_members(
    rng: random.Random, root: PlannedUnit, pks: dict[str, int], today: dt.date, stdout
) -> int:
    total = sum(unit.members for unit in root.walk())
    report_every = max(BATCH_SIZE, total // 10 // BATCH_SIZE * BATCH_SIZE)
    used: set[str] = set()
    batch: list[Member] = []
    made = 0
    exempt: Counter[int] = Counter()
    for unit in root.walk():
        for _ in range(unit.members):
            member = _member(rng, today, used, pks[unit.code])
            exempt[member.organization_id] += member.status == MemberStatus.EXEMPT
            batch.append(member)
            if len(batch) == BATCH_SIZE:
                Member.objects.bulk_create(batch, batch_size=BATCH_SIZE)
                made += len(batch)
                batch = []
                if made % report_every == 0:
                    _say(stdout, f"  … {format_int(made)}/{format_int(total)} đảng viên")
    Member.objects.bulk_create(batch, batch_size=BATCH_SIZE)
    Organization.objects.bulk_update(
        [Organization(pk=pk, exempt_count=n) for pk, n in exempt.items() if n],
        ["exempt_count"],
        batch_size=BATCH_SIZE,
    )
    return made + len(batch)


def _merger_transfers(first_cell: Organization, closed_cell: Organization) -> int:
    """The closed district's cell moved its members to the new ward on the merger day."""
    moved = Member.objects.filter(organization=first_cell, admitted_on__lt=MERGED_ON)
    transfers = [
        Transfer(
            member_id=pk,
            from_organization=closed_cell,
            to_organization=first_cell,
            transferred_on=MERGED_ON,
            note="Chuyển sinh hoạt khi sắp xếp đơn vị hành chính",
        )
        for pk in moved.values_list("pk", flat=True)
    ]
    Transfer.objects.bulk_create(transfers, batch_size=BATCH_SIZE)
    return len(transfers)


# --- users -------------------------------------------------------------------------------

_GRANTS = (
    ("vanphong", Role.OFFICE, "root"),
    ("tuyengiao", Role.PROPAGANDA, "root"),
    ("kiemtra", Role.INSPECTION, "root"),
    ("bithu", Role.COMMITTEE, "ward"),
    ("vanphong_co_so", Role.OFFICE, "ward"),
    ("bithu_chibo", Role.COMMITTEE, "cell"),  # the secretary of the demo member's cell
    ("chambai", Role.REVIEWER, "ward"),
)


def _role_summary(role: str) -> str:
    """What the role may do, in the policy's own words (never a list kept beside it)."""
    from accounts.policy import ROLE_ACTIONS, Action

    labels = [str(action.label) for action in Action if action in ROLE_ACTIONS[role]]
    return "; ".join(label[0].lower() + label[1:] for label in labels)


ROLE_SUMMARY = {role: _role_summary(role) for role in Role.values}
DEMO_USERNAMES = ("admin", *(name for name, _, _ in _GRANTS), "dangvien")


def _create_users(root: Organization, ward: Organization, member: Member) -> list[DemoLogin]:
    cell = Organization.objects.get(pk=member.organization_id)
    taken = User.objects.filter(username__in=DEMO_USERNAMES)
    clash = sorted(
        taken.exclude(username="admin", is_superuser=True).values_list("username", flat=True)
    )
    if clash:
        raise DemoError(
            "Đã có tài khoản trùng tên tài khoản demo: "
            + ", ".join(clash)
            + ". Dùng --reset (xóa mọi tài khoản không phải superuser) hoặc --no-users."
        )
    password = make_password(DEMO_PASSWORD)  # one hash for all: seven PBKDF2 runs add nothing
    logins = []
    if taken.exists():
        logins.append(
            DemoLogin(
                "admin", "(giữ mật khẩu cũ)", "Quản trị hệ thống", "toàn hệ thống", "mọi việc"
            )
        )
    else:
        User.objects.create(username="admin", password=password, is_superuser=True, is_staff=True)
        logins.append(
            DemoLogin("admin", DEMO_PASSWORD, "Quản trị hệ thống", "toàn hệ thống", "mọi việc")
        )
    units = {"root": root, "ward": ward, "cell": cell}
    for username, role, where in _GRANTS:
        user = User.objects.create(username=username, password=password)
        RoleGrant.objects.create(user=user, organization=units[where], role=role)
        # Cadres are party members too: each login is a member of its own unit, so roles
        # can be granted to them and they appear in the role page's search.
        cadre = (
            Member.objects.active()
            .filter(
                organization__path__startswith=units[where].path,
                user__isnull=True,
                status=MemberStatus.OFFICIAL,
            )
            .exclude(pk=member.pk)
            .order_by("organization__path", "pk")
            .first()
        )
        if cadre is not None:
            Member.objects.filter(pk=cadre.pk).update(user=user)
        logins.append(
            DemoLogin(
                username, DEMO_PASSWORD, str(role.label), units[where].name, ROLE_SUMMARY[role]
            )
        )
    user = User.objects.create(username="dangvien", password=password)
    Member.objects.filter(pk=member.pk).update(user=user)
    logins.append(
        DemoLogin(
            "dangvien",
            DEMO_PASSWORD,
            "Đảng viên",
            f"{member.full_name} — {cell.name}",
            "đọc văn bản học tập, điểm danh hội nghị, viết và nộp bài thu hoạch, xem thông báo",
        )
    )
    return logins


# --- build and reset ---------------------------------------------------------------------


def _delete_all(model) -> None:
    """One DELETE; the ORM would load every row first to emulate cascades there are none of."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _truncate(model) -> None:
    """Empty a table at once. The audit trail refuses row deletes (the model, and a
    trigger on PostgreSQL); resetting the demo database drops the whole trail the way
    re-creating the database would."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of rows written earlier in this transaction
            # must run first: PostgreSQL refuses to truncate a table with pending ones.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys again
        else:
            cursor.execute(f"DELETE FROM {table}")


def demo_reset() -> None:
    """Delete members, units, grants, audit entries and non-superusers, children first,
    with the campaigns, conferences and documents that hang on them."""
    from campaigns.models import Campaign
    from conferences.models import (
        Attendance,
        BridgePoint,
        Conference,
        Makeup,
        SubtreeTally,
        Tally,
        Topic,
    )
    from documents.models import Attachment, Document, DocumentLink, Obligation
    from news import models as news
    from notices.models import Notice
    from reports import models as reports

    for model in (
        Notice,
        reports.Reminder,
        reports.RebuildBatch,
        reports.Rebuild,
        reports.Pair,
        reports.BandKey,
        reports.CrowdedMark,
        reports.Fingerprint,
        reports.Boilerplate,
        reports.AllowedText,
        reports.Review,
        reports.Version,
        reports.Extension,
        reports.Confirmation,
        reports.ReportTally,
        reports.RatingTally,
        reports.ReportSubtree,
        reports.RatingSubtree,
        reports.Export,
        reports.Report,
    ):
        _delete_all(model)
    for model in (
        news.Feature,
        news.Photo,
        news.ArticleDay,
        news.Article.categories.through,
        news.Article,
        news.SiteDay,
        news.Site,
        news.Reading,
    ):
        _delete_all(model)
    from reports.copies import marks_drop

    # Each campaign's marks partition goes with it: its rows are gone already, the empty
    # table would stay behind.
    for campaign_id in Campaign.objects.values_list("pk", flat=True):
        marks_drop(campaign_id)
    conference_rows = (Attendance, Makeup, Tally, SubtreeTally, BridgePoint.units.through, Topic)
    for model in (*conference_rows, BridgePoint):
        _delete_all(model)
    Conference.objects.update(relayed_from=None)
    for model in (Conference, Campaign.documents.through, Campaign):
        _delete_all(model)
    for model in (DocumentLink, Obligation, Attachment, Document):
        _delete_all(model)
    _truncate(AuditEntry)
    Transfer.objects.all().delete()
    RosterImport.objects.all().delete()
    RoleGrant.objects.all().delete()
    _delete_all(Member)
    OrganizationRename.objects.all().delete()
    _delete_all(Organization)
    User.objects.filter(is_superuser=False).delete()


def demo_build(
    members: int,
    seed: int,
    *,
    root_name: str = ROOT_NAME,
    reset: bool = False,
    users: bool = True,
    today: dt.date | None = None,
    stdout: TextIO | None = None,
) -> DemoSummary:
    """Write a city tree with `members` members, the same for the same seed and size.

    Refuses a database that already has members or units unless `reset` is true, which
    deletes them first (see `demo_reset`). Everything happens in one transaction.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    root = demo_plan(members, seed, root_name=root_name)
    units = list(root.walk())
    _say(stdout, f"Cây mẫu: {format_int(len(units))} đơn vị cho {format_int(members)} đảng viên.")
    levels = {level.code: level for level in Level.objects.all()}
    missing = sorted({unit.level for unit in units} - set(levels))
    if missing:
        raise DemoError(f"Thiếu cấp tổ chức {', '.join(missing)}; hãy chạy manage.py migrate.")

    with transaction.atomic():
        existing = (Member.objects.count(), Organization.objects.count())
        if any(existing) and not reset:
            raise DemoError(
                f"Cơ sở dữ liệu đã có {format_int(existing[0])} đảng viên và "
                f"{format_int(existing[1])} đơn vị. Dùng --reset (reset=True) để xóa dữ liệu "
                "cũ (đảng viên, đơn vị, phân quyền, nhật ký, tài khoản không phải superuser) "
                "rồi tạo lại."
            )
        if any(existing) or reset:
            _say(stdout, "Xóa dữ liệu cũ…")
            demo_reset()

        Organization.objects.bulk_create(
            [
                Organization(
                    name=unit.name,
                    name_folded=Organization.folded_name(unit.name),
                    code=unit.code,
                    level=levels[unit.level],
                    issuer_code=_LEVEL_ISSUERS[unit.level],
                    valid_from=unit.valid_from,
                    valid_to=unit.valid_to,
                    closing_note=unit.closing_note,
                    member_count=unit.members,
                    path=unit.path,
                    depth=unit.depth,
                    numchild=len(unit.children),
                )
                for unit in units
            ],
            batch_size=BATCH_SIZE,
        )
        pks = dict(Organization.objects.values_list("code", "pk"))
        _say(stdout, f"Đã ghi {format_int(len(units))} đơn vị.")

        people = random.Random(f"{seed}:people")
        made = _insert_members(people, root, pks, today, stdout)
        unit_subtrees_rebuild()  # units and members went in by bulk, around the services
        _analyze(Organization, Member)
        _say(stdout, f"Đã ghi {format_int(made)} đảng viên.")

        top = Organization.objects.get(pk=pks[root.code])
        ward = next(u for u in units if u.level == "ĐU" and u.prefix == "P")
        ward_unit = Organization.objects.get(pk=pks[ward.code])
        first_cell = next(u for u in ward.walk() if u.members)
        closed_cell = next(u for u in units if u.valid_to and u.level == "CB")
        _merger_transfers(
            Organization.objects.get(pk=pks[first_cell.code]),
            Organization.objects.get(pk=pks[closed_cell.code]),
        )
        logins: list[DemoLogin] = []
        if users:
            in_ward = Member.objects.filter(organization__path__startswith=ward.path)
            in_ward = in_ward.order_by("organization__path", "pk")
            member = in_ward.filter(status=MemberStatus.OFFICIAL).first() or in_ward.first()
            logins = _create_users(top, ward_unit, member)

    counts = Counter(unit.level for unit in units)
    by_level = [(lv.name, counts[lv.code]) for lv in levels.values() if counts[lv.code]]
    return DemoSummary(
        seed=seed,
        members=made,
        units_by_level=by_level,
        root_pk=top.pk,
        seconds=time.perf_counter() - started,
        logins=logins,
    )
