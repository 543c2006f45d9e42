"""A new campaign's form comes with the unit the board serves already chosen; one who
serves several units chooses."""

import re

import pytest

from accounts.models import Role
from conftest import _user

pytestmark = pytest.mark.django_db


def _selected_owner(client) -> list[str]:
    html = client.get("/campaigns/new/").content.decode()
    return re.findall(r'name="owner" value="(\d+)" checked', html)


def test_the_city_board_finds_the_city_chosen(world, client):
    client.force_login(world.propaganda)
    assert _selected_owner(client) == [str(world.city.pk)]


def test_a_board_of_two_wards_chooses_itself(world, client):
    board = _user("tuyengiao_2", Role.PROPAGANDA, world.ward)
    board.role_grants.create(organization=world.commune, role=Role.PROPAGANDA)
    client.force_login(board)
    assert _selected_owner(client) == []
