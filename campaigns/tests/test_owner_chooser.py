"""The campaign form picks its unit with the unit chooser (typed, with parent and code),
never a select of every unit the officer may run a campaign for."""

import pytest

from conftest import add_unit

pytestmark = pytest.mark.django_db


def test_the_owner_is_chosen_by_typing_not_from_a_select(world, client):
    client.force_login(world.propaganda)
    html = client.get("/campaigns/new/").content.decode()
    assert 'select name="owner"' not in html
    assert "/units/choose/?field=owner&amp;action=manage_campaigns" in html


def test_the_form_lists_a_few_units_however_many_there_are(world, client):
    for i in range(30):
        add_unit(world.commune, f"Chi bộ thôn {i:02d}", f"HNA-TT-{i:02d}", "CB", "CB")
    client.force_login(world.propaganda)
    html = client.get("/campaigns/new/").content.decode()
    assert html.count('name="owner"') <= 20


def test_typing_finds_the_units_a_campaign_may_be_opened_for(world, client):
    client.force_login(world.propaganda)
    query = {"field": "owner", "owner__q": "lam ha", "action": "manage_campaigns"}
    html = client.get("/units/choose/", query).content.decode()
    assert "Đảng bộ phường Lam Hạ" in html and "Thành ủy Hà Nam · HNA-LH" in html
    client.force_login(world.outsider)
    assert "Lam Hạ" not in client.get("/units/choose/", query).content.decode()
