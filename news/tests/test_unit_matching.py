"""An article's organiser is matched to a unit by its whole folded name, level words understood."""

import pytest

from conftest import add_unit
from news.matching import candidates, core, is_certain, score


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Đảng bộ Sở Tài nguyên và Môi trường", "so tai nguyen va moi truong"),
        ("Đảng ủy Sở TN&MT", "so tai nguyen va moi truong"),
        ("Ban Thường vụ Quận ủy Tây Hồ", "quan tay ho"),
        ("Thành ủy Hà Nội", "thanh pho ha noi"),
        ("Đảng bộ Thành phố Hà Nội", "thanh pho ha noi"),
        ("Tỉnh ủy Nghệ An", "tinh nghe an"),
        ("BCH Đảng bộ xã Tiên Tân", "xa tien tan"),
        ("Chi bộ UBND phường", "uy ban nhan dan phuong"),
    ],
)
def test_names_written_either_way_come_to_the_same_core(written, expected):
    assert core(written) == expected


def test_a_place_after_the_name_is_explained_by_the_units_above():
    organiser = core("Sở Tài nguyên và Môi trường Hà Nội")
    unit = core("Đảng bộ Sở Tài nguyên và Môi trường")
    assert score(organiser, unit, core("Đảng bộ Thành phố Hà Nội")) == 0.95
    assert score(organiser, unit, core("Đảng bộ tỉnh Nghệ An")) == 0.75


def test_a_name_sharing_only_some_words_scores_low():
    assert score(core("Đảng ủy phường Lam Hạ"), core("Đảng bộ phường Lam Sơn")) < 0.6
    assert score(core("Đảng ủy phường Lam Hạ"), core("Đảng bộ phường Lam Hạ")) == 1.0


@pytest.mark.django_db
def test_the_unit_whose_name_is_written_differently_ranks_first_and_is_certain(world):
    from organizations.models import Organization

    department = add_unit(world.city, "Đảng bộ Sở Tài nguyên và Môi trường", "HNA-TNMT", "ĐU")
    add_unit(world.city, "Đảng bộ Sở Tài chính", "HNA-TC", "ĐU")
    found = candidates(Organization.objects.all(), "Sở Tài nguyên và Môi trường Hà Nam")
    assert found[0].unit == department and found[0].percent == 95
    assert is_certain(found)


@pytest.mark.django_db
def test_two_close_candidates_are_ranked_but_not_certain(world):
    from organizations.models import Organization

    add_unit(world.city, "Đảng bộ phường Lam Hạ Bắc", "HNA-LHB", "ĐU")
    found = candidates(Organization.objects.all(), "Đảng ủy phường Lam")
    assert {c.unit.name for c in found} >= {"Đảng bộ phường Lam Hạ", "Đảng bộ phường Lam Hạ Bắc"}
    assert not is_certain(found)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


@pytest.mark.django_db
def test_candidates_come_only_from_the_units_given(world):
    from accounts import policy
    from accounts.policy import Action

    theirs = add_unit(world.other, "Đảng bộ phường Lam Hạ", "NBI-LH", "ĐU", "ĐU")
    visible = policy.organizations_for(world.outsider, Action.VIEW)
    assert [c.unit for c in candidates(visible, "Đảng ủy phường Lam Hạ")] == [theirs]
