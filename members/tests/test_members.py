import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from members import services
from members.models import Gender, Member, MemberStatus
from organizations.models import Organization

NEW = {
    "gender": Gender.FEMALE,
    "date_of_birth": dt.date(1990, 2, 3),
    "card_number": "030405",
    "status": MemberStatus.PROBATIONARY,
    "admitted_on": dt.date(2025, 9, 2),
    "official_on": None,
}


def test_creating_a_member_stores_the_name_in_nfc_and_counts_them(world):
    decomposed = unicodedata.normalize("NFD", "Hoàng Thị Thuỷ")
    member = services.member_create(
        world.clerk, full_name=decomposed, organization=world.cell2, **NEW
    )
    assert member.full_name == "Hoàng Thị Thủy"
    assert unicodedata.is_normalized("NFC", member.full_name)
    assert Organization.objects.member_total(world.ward) == 3
    entry = AuditEntry.objects.about(member).get()
    assert entry.actor == world.clerk and entry.action == "member.create"
    assert entry.changes["full_name"] == [None, "Hoàng Thị Thủy"]


def test_a_duplicate_card_number_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.member_create(
            world.clerk,
            full_name="Ai Đó",
            organization=world.cell,
            **{**NEW, "card_number": "010203"},
        )
    assert "card_number" in error.value.error_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date_of_birth": dt.date(2030, 1, 1)}, "date_of_birth"),
        ({"admitted_on": dt.date(2000, 1, 1)}, "admitted_on"),
        ({"status": MemberStatus.OFFICIAL}, "official_on"),
        ({"official_on": dt.date(2020, 1, 1)}, "official_on"),
    ],
)
def test_impossible_dates_are_refused_in_vietnamese(world, changes, field):
    with pytest.raises(ValidationError) as error:
        services.member_create(
            world.clerk, full_name="Ai Đó", organization=world.cell, **{**NEW, **changes}
        )
    assert field in error.value.error_dict


def test_members_belong_to_a_cell_not_a_committee(world):
    with pytest.raises(ValidationError) as error:
        services.member_create(world.clerk, full_name="Ai Đó", organization=world.ward, **NEW)
    assert "chi bộ" in str(error.value)


def test_a_transfer_keeps_a_dated_history_and_moves_the_counts(world):
    services.member_transfer(world.clerk, world.an, world.commune_cell, on=dt.date(2024, 6, 1))
    services.member_transfer(world.clerk, world.an, world.cell2, on=dt.date(2025, 1, 15))
    history = list(world.an.transfers.values_list("from_organization", "to_organization"))
    assert history == [
        (world.commune_cell.pk, world.cell2.pk),
        (world.cell.pk, world.commune_cell.pk),
    ]
    assert Organization.objects.get(pk=world.cell.pk).member_count == 1
    assert Organization.objects.get(pk=world.cell2.pk).member_count == 1
    assert Organization.objects.member_total(world.commune) == 1


def test_a_transfer_dated_before_the_previous_one_is_refused(world):
    services.member_transfer(world.clerk, world.an, world.commune_cell, on=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError):
        services.member_transfer(world.clerk, world.an, world.cell2, on=dt.date(2024, 1, 1))


def test_a_member_who_leaves_stops_counting_but_keeps_the_record(world):
    services.member_leave(world.clerk, world.binh, on=dt.date(2025, 3, 1), reason="deceased")
    assert Organization.objects.member_total(world.city) == 2
    assert Member.objects.filter(pk=world.binh.pk).exists()
    assert world.binh not in Member.objects.active()


def test_editing_records_only_the_changed_fields(world):
    services.member_update(world.clerk, world.an, full_name="nguyễn văn  an", gender=Gender.MALE)
    assert not AuditEntry.objects.about(world.an).exists()  # same name after normalising
    services.member_update(world.clerk, world.an, full_name="Nguyễn Văn Ân")
    entry = AuditEntry.objects.about(world.an).get()
    assert entry.changes == {"full_name": ["Nguyễn Văn An", "Nguyễn Văn Ân"]}


def test_search_works_with_or_without_diacritics(world):
    found = Member.objects.search
    assert list(found("nguyen van an")) == [world.an]
    assert list(found("Nguyễn Văn An")) == [world.an]
    assert list(found("BINH")) == [world.binh]
    assert list(found("010204")) == [world.binh]
    assert list(found("van a")) == [world.an]  # "a" starts a word; "xa" is not matched by "a"
    assert not found("guyen").exists()


def test_lists_sort_by_given_name_then_middle_then_family(world):
    for name, card in [("Đỗ Thị Ánh", "1"), ("Vũ Văn Anh", "2"), ("Bùi Thị Ân", "3")]:
        services.member_create(
            world.clerk, full_name=name, organization=world.cell2, **{**NEW, "card_number": card}
        )
    names = list(
        Member.objects.within(world.city).in_vietnamese_order().values_list("full_name", flat=True)
    )
    assert names == [
        "Nguyễn Văn An",
        "Vũ Văn Anh",
        "Đỗ Thị Ánh",
        "Bùi Thị Ân",
        "Trần Thị Bình",
        "Lê Quốc Cường",
    ]
