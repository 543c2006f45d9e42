"""A roll-up lists open units in name order; closed ones only at the reader's request,
and the page says how many it left out."""

import datetime as dt

from organizations import services


def test_a_closed_cell_is_hidden_from_the_rollup_until_asked_for(world, campaign, client):
    services.organization_close(
        world.clerk, world.cell2, closed_on=dt.date(2025, 7, 1), note="Sáp nhập"
    )
    client.force_login(world.secretary)
    url = f"/conferences/campaign/{campaign.pk}/rollup/?unit={world.ward.pk}"
    page = client.get(url)
    assert [f.unit for f in page.context["rollup"].children] == [world.cell]
    assert "1 đơn vị đã giải thể, sáp nhập được ẩn" in page.content.decode()
    shown = client.get(url + "&closed=1")
    assert [f.unit for f in shown.context["rollup"].children] == [world.cell, world.cell2]
    assert "Đã giải thể" in shown.content.decode()


def test_an_outsider_cannot_ask_for_the_closed_units_of_another_province(world, campaign, client):
    client.force_login(world.outsider)
    url = f"/conferences/campaign/{campaign.pk}/rollup/?unit={world.ward.pk}&closed=1"
    assert client.get(url).status_code == 404
