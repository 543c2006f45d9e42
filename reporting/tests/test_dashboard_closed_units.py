"""The campaign dashboard lists open units below in name order; closed ones only at the
reader's request, while their figures stay in the totals."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import add_unit
from organizations.services import organization_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world):
    old = add_unit(world.city, "Quận ủy Kim Bảng (cũ)", "HNA-KB", "HU", "HU")
    organization_close(world.clerk, old, closed_on=timezone.localdate() - dt.timedelta(days=1))
    return old


def test_a_closed_unit_is_hidden_from_the_dashboard_until_asked_for(
    world, campaign, closed, client
):
    client.force_login(world.propaganda)
    url = reverse("reporting:dashboard", args=[campaign.pk])
    page = client.get(url)
    names = [row["unit"]["name"] for row, _values in page.context["panels"]()["table"]]
    assert names == ["Đảng bộ phường Lam Hạ", "Đảng bộ xã Tiên Tân"]
    html = page.content.decode()
    assert "1 đơn vị đã giải thể, sáp nhập được ẩn" in html
    assert "Kim Bảng" not in html
    shown = client.get(url + "?closed=1")
    names = [row["unit"]["name"] for row, _values in shown.context["panels"]()["table"]]
    assert names == ["Đảng bộ phường Lam Hạ", "Đảng bộ xã Tiên Tân", "Quận ủy Kim Bảng (cũ)"]
    assert "Đã giải thể" in shown.content.decode()
    assert "Ẩn đơn vị đã giải thể, sáp nhập" in shown.content.decode()


def test_the_totals_are_the_same_with_closed_units_hidden_or_shown(world, campaign, closed, client):
    client.force_login(world.propaganda)
    url = reverse("reporting:dashboard", args=[campaign.pk])
    assert client.get(url).context["total"] == client.get(url + "?closed=1").context["total"]


def test_a_dashboard_without_closed_units_offers_no_switch(world, campaign, client):
    client.force_login(world.propaganda)
    page = client.get(reverse("reporting:dashboard", args=[campaign.pk]))
    assert "giải thể" not in page.content.decode()
