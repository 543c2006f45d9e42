"""The unit chooser finds a unit typed without diacritics ("lam ha" finds "Lâm Hạ", "d"
stands for "đ"), best match first, then in name order; every write of a name keeps the
folded name it searches."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from conftest import add_unit
from organizations import services
from organizations.choosers import matching
from organizations.models import Organization

pytestmark = pytest.mark.django_db


def choose(client, q):
    response = client.get("/units/choose/", {"field": "to", "to__q": q})
    assert response.status_code == 200
    return response.content.decode()


def _names(query: str) -> list[str]:
    return [unit.name for unit in matching(Organization.objects.all(), query)]


def test_a_name_typed_without_diacritics_finds_the_unit(world, client):
    client.force_login(world.clerk)
    assert "Chi bộ khu phố 1" in choose(client, "khu pho 1")
    assert "Đảng bộ phường Lam Hạ" in choose(client, "lam ha")
    assert "Chi bộ thôn Đồng Ao" in choose(client, "dong ao")
    assert "Chi bộ thôn Đồng Ao" in choose(client, "ĐỒNG AO")


def test_diacritics_typed_still_find_the_unit(world):
    assert _names("Lam Hạ") == ["Đảng bộ phường Lam Hạ"]
    assert _names("Tiên Tân") == ["Đảng bộ xã Tiên Tân"]


def test_the_best_match_comes_first_then_the_name_order(world):
    add_unit(world.commune, "Chi bộ thôn Tiên Tân Bắc", "HNA-TT-TB", "CB", "CB")
    add_unit(world.ward, "Chi bộ khu phố 10", "HNA-LH-KP10", "CB", "CB")
    assert _names("tien tan") == ["Đảng bộ xã Tiên Tân", "Chi bộ thôn Tiên Tân Bắc"]
    assert _names("dang bo xa tien tan") == ["Đảng bộ xã Tiên Tân"]
    assert _names("khu pho 1") == ["Chi bộ khu phố 1", "Chi bộ khu phố 10"]
    assert _names("chi bo") == [
        "Chi bộ khu phố 1",
        "Chi bộ khu phố 2",
        "Chi bộ khu phố 10",
        "Chi bộ phố Vân Giang",
        "Chi bộ thôn Đồng Ao",
        "Chi bộ thôn Tiên Tân Bắc",
    ]


def test_a_unit_whose_name_starts_with_the_words_comes_before_one_that_holds_them(world):
    add_unit(world.city, "Lam Hạ mới", "HNA-LHM", "ĐU", "ĐU")
    assert _names("lam ha") == ["Lam Hạ mới", "Đảng bộ phường Lam Hạ"]


def test_the_code_is_still_searched(world):
    assert _names("HNA-TT-DA") == ["Chi bộ thôn Đồng Ao"]


def test_a_new_unit_is_found_without_diacritics(world):
    services.organization_create(
        world.clerk,
        parent=world.commune,
        name="Chi bộ thôn Đại Lộc",
        code="HNA-TT-DL",
        level=world.commune_cell.level,
    )
    assert _names("dai loc") == ["Chi bộ thôn Đại Lộc"]


def test_a_renamed_unit_is_found_by_its_new_name_only(world):
    services.organization_update(
        world.clerk, world.cell, renamed_on=dt.date(2026, 1, 1), name="Chi bộ Ánh Dương"
    )
    world.cell.refresh_from_db()
    assert world.cell.name_folded == "chi bo anh duong"
    assert _names("anh duong") == ["Chi bộ Ánh Dương"]
    assert "Chi bộ Ánh Dương" not in _names("khu pho")


def test_the_migration_folds_the_names_of_existing_units(world):
    Organization.objects.update(name_folded="")
    fill = importlib.import_module("organizations.migrations.0006_fill_organization_name_folded")
    fill.BATCH = 2  # several batches over the eight units
    fill.fill(apps, None)
    for name, folded in Organization.objects.values_list("name", "name_folded"):
        assert folded == Organization.folded_name(name)
    assert Organization.objects.get(pk=world.commune_cell.pk).name_folded == "chi bo thon dong ao"
