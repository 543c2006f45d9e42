"""Every unit chooser is a search box answered by the server as one types: each unit
with its parent and code, only units the policy allows, closed ones hidden unless asked,
in name order (a renamed unit sorts by its new name), never a select of every unit."""

import datetime as dt

from conferences.forms import BridgePointForm
from conftest import add_unit
from organizations import services
from organizations.models import Organization


def choose(client, q="", **params):
    response = client.get("/units/choose/", {"field": "to", "to__q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_matches_show_parent_and_code_and_search_name_or_code(world, client):
    client.force_login(world.clerk)
    html = choose(client, "khu phố")
    assert "Chi bộ khu phố 1" in html and "Chi bộ khu phố 2" in html
    assert "Đảng bộ phường Lam Hạ · HNA-LH-KP1" in html
    assert "Đồng Ao" not in html
    assert "Chi bộ thôn Đồng Ao" in choose(client, "HNA-TT-DA")


def test_the_answers_come_from_the_policy(world, client):
    client.force_login(world.outsider)
    assert "Lam Hạ" not in choose(client, "Lam")
    assert "Vân Giang" in choose(client, "Vân")
    client.force_login(world.ward_clerk)
    html = choose(client, "", action="manage_units")
    assert "Chi bộ khu phố 1" in html and "Tiên Tân" not in html
    assert client.get("/units/choose/", {"action": "nonsense"}).status_code == 404


def test_closed_units_are_hidden_unless_asked_for(world, client):
    services.organization_close(
        world.clerk, world.cell2, closed_on=dt.date(2025, 7, 1), note="Sáp nhập"
    )
    client.force_login(world.clerk)
    assert "Chi bộ khu phố 2" not in choose(client, "khu phố")
    shown = choose(client, "khu phố", closed="1")
    assert "Chi bộ khu phố 2" in shown and "đã giải thể" in shown


def test_a_renamed_unit_sorts_by_its_new_name(world, client):
    services.organization_update(
        world.clerk, world.cell, renamed_on=dt.date(2026, 1, 1), name="Chi bộ Ánh Dương"
    )
    client.force_login(world.clerk)
    html = choose(client, "Chi bộ")
    assert html.index("Chi bộ Ánh Dương") < html.index("Chi bộ khu phố 2")


def test_chosen_units_stay_ticked_while_searching_for_more(world, client):
    client.force_login(world.clerk)
    html = choose(client, "Đồng Ao", to=[world.cell.pk], multiple="1")
    assert f'value="{world.cell.pk}" checked' in html
    assert 'type="checkbox"' in html and "Chi bộ thôn Đồng Ao" in html


def test_a_form_never_lists_every_unit_in_scope(world):
    for i in range(30):
        add_unit(world.commune, f"Chi bộ thôn {i:02d}", f"HNA-TT-{i:02d}", "CB", "CB")
    units = Organization.objects.filter(path__startswith=world.city.path)
    html = BridgePointForm(units=units).as_div()
    assert html.count('name="units"') <= 20
    assert "/units/choose/?field=units" in html and "within=" in html
