import datetime as dt
import io
import unicodedata
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role, RoleGrant, User
from members.demo import (
    CELL_MAX,
    CELL_MIN,
    DEMO_PASSWORD,
    MERGED_ON,
    MERGER_NOTE,
    DemoError,
    demo_build,
    demo_plan,
)
from members.models import Member, MemberStatus, Transfer
from members.services import member_problems
from organizations.models import Organization
from organizations.services import member_counts_rebuild

SIZE, SEED = 300, 7


@pytest.fixture
def built(db):
    return demo_build(SIZE, SEED)


def _members() -> list[tuple[str, str, str]]:
    return list(
        Member.objects.order_by("card_number").values_list(
            "card_number", "full_name", "organization__code"
        )
    )


def _units() -> list[tuple[str, str, str, int]]:
    return list(Organization.objects.values_list("code", "path", "name", "numchild"))


def test_the_tree_is_valid_for_treebeard(built):
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Organization.objects.get_root_nodes().count() == 1
    assert built.units == Organization.objects.count()
    assert Organization.objects.get(pk=built.root_pk).code == "TP"


def test_every_member_sits_in_an_open_cell_of_three_to_twenty_nine(built):
    assert Member.objects.count() == SIZE == built.members
    assert not Member.objects.exclude(organization__level__holds_members=True).exists()
    assert not Member.objects.filter(organization__valid_to__isnull=False).exists()
    sizes = Counter(Member.objects.values_list("organization", flat=True))
    holding = Organization.objects.open_now().filter(level__holds_members=True)
    assert set(sizes) == set(holding.values_list("pk", flat=True))
    assert all(CELL_MIN <= n <= CELL_MAX for n in sizes.values())


def test_the_counters_match_a_recount(built):
    root = Organization.objects.get(pk=built.root_pk)
    assert Organization.objects.member_total(root) == SIZE
    assert member_counts_rebuild() == 0


def test_the_former_district_is_history_only(built):
    district = Organization.objects.get(level__code="HU")
    assert district.name.startswith("Quận ủy") and district.name.endswith("(cũ)")
    assert district.valid_to == MERGED_ON == dt.date(2025, 7, 1)
    assert district.closing_note == MERGER_NOTE
    cells = Organization.objects.get_children(district)
    assert [cell.valid_to for cell in cells] == [MERGED_ON]
    assert Organization.objects.member_total(district) == 0
    # Its members moved to the new ward on the merger day.
    assert Transfer.objects.filter(from_organization=cells[0], transferred_on=MERGED_ON).exists()


def test_member_records_pass_the_applications_own_rules(built):
    today = timezone.localdate()
    members = Member.objects.select_related("organization__level")
    for member in members:
        values = {
            "date_of_birth": member.date_of_birth,
            "admitted_on": member.admitted_on,
            "official_on": member.official_on,
            "status": member.status,
            "organization": member.organization,
        }
        assert member_problems(values, today) == {}, member
        assert dt.date(1940, 1, 1) <= member.date_of_birth <= dt.date(2003, 12, 31)
        assert 6 <= len(member.card_number) <= 8 and member.card_number.isdigit()
        if member.status == MemberStatus.PROBATIONARY:
            assert member.official_on is None
            assert (today - member.admitted_on).days <= 366
        else:
            assert 365 <= (member.official_on - member.admitted_on).days <= 400
    statuses = Counter(members.values_list("status", flat=True))
    assert statuses[MemberStatus.OFFICIAL] > SIZE * 0.75
    assert statuses[MemberStatus.PROBATIONARY] and statuses[MemberStatus.EXEMPT]


def test_names_are_nfc_vietnamese_with_diacritics(built):
    names = list(Member.objects.values_list("full_name", flat=True))
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert sum(not name.isascii() for name in names) > SIZE * 0.8
    families = Counter(name.split()[0] for name in names)
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert 0.28 < families["Nguyễn"] / SIZE < 0.48
    units = Organization.objects.values_list("name", flat=True)
    assert all(unicodedata.is_normalized("NFC", name) for name in units)


def test_the_same_seed_rebuilds_the_same_data(built):
    members, units = _members(), _units()
    demo_build(SIZE, SEED, reset=True)
    assert _members() == members
    assert _units() == units


def test_another_seed_gives_other_people(built):
    names = [name for _, name, _ in _members()]
    demo_build(SIZE, SEED + 1, reset=True)
    assert [name for _, name, _ in _members()] != names


def test_the_demo_logins_have_their_grants(built):
    root = Organization.objects.get(pk=built.root_pk)
    grants = {
        grant.user.username: (grant.role, grant.organization)
        for grant in RoleGrant.objects.select_related("user", "organization__level")
    }
    assert grants["vanphong"] == (Role.OFFICE, root)
    assert grants["tuyengiao"] == (Role.PROPAGANDA, root)
    assert grants["kiemtra"] == (Role.INSPECTION, root)
    role, ward = grants["bithu"]
    assert role == Role.COMMITTEE and ward.level.code == "ĐU"
    assert grants["vanphong_co_so"] == (Role.OFFICE, ward)
    assert User.objects.get(username="admin").is_superuser
    member = Member.objects.get(user__username="dangvien")
    assert member.organization.path.startswith(ward.path)
    for username, (_role, unit) in grants.items():
        cadre = Member.objects.get(user__username=username)
        assert cadre.organization.path.startswith(unit.path) and cadre != member
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user


def test_existing_data_needs_reset(built):
    with pytest.raises(DemoError, match="--reset"):
        demo_build(SIZE, SEED)
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", members=SIZE, seed=SEED, stdout=io.StringIO())
    assert Member.objects.count() == SIZE


def test_the_command_prints_a_summary_and_the_logins(db):
    out = io.StringIO()
    call_command("seed_demo", members=200, seed=3, stdout=out)
    text = out.getvalue()
    assert "Đảng viên: 200" in text
    assert "Chi bộ" in text and "Đảng bộ cơ sở" in text
    assert "vanphong_co_so" in text and DEMO_PASSWORD in text
    call_command("seed_demo", members=200, seed=3, reset=True, no_users=True, stdout=out)
    assert not User.objects.filter(username="vanphong").exists()
    assert Member.objects.count() == 200


@pytest.mark.parametrize(("members", "committees"), [(2_000, (8, 12)), (500_000, (120, 200))])
def test_the_plan_scales_like_a_real_city(members, committees):
    root = demo_plan(members, SEED)
    units = list(root.walk())
    levels = Counter(unit.level for unit in units)
    assert committees[0] <= levels["ĐU"] <= committees[1]
    assert sum(unit.members for unit in units) == members
    assert len({unit.code for unit in units}) == len(units)
    if members >= 100_000:
        assert 17_000 <= len(units) <= 25_000
        assert levels["ĐBBP"] and {unit.depth for unit in units} == {1, 2, 3, 4}


def test_every_unit_can_be_found_without_diacritics(built):
    for name, folded in Organization.objects.values_list("name", "name_folded"):
        assert folded == Organization.folded_name(name)
