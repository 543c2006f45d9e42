"""Rates on the dashboard and the report page: one format everywhere ("33,33"), "—" where
nothing is required, and a total row that is the sum of the rows."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences import services as conferences
from conferences.models import Status
from conftest import add_unit
from organizations.services import organization_close
from reporting import services
from reporting.models import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(world, conference):
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    conferences.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm"
    )
    return conference


def _cells(html: str, label: str) -> list[str]:
    row = re.search(rf"<tr[^>]*>\s*<td[^>]*>(?:<[^>]+>)*{label}.*?</tr>", html, re.S)
    assert row, label
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row[0], re.S)]


def test_a_closed_unit_shows_a_dash_never_none_on_the_dashboard(world, campaign, marked, client):
    old = add_unit(world.city, "Quận ủy Kim Bảng (cũ)", "HNA-KB", "HU", "HU")
    organization_close(world.clerk, old, closed_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.propaganda)
    url = reverse("reporting:dashboard", args=[campaign.pk]) + "?closed=1"
    page = client.get(url).content.decode()
    assert "None" not in page
    assert "Có 0/2 đơn vị trực thuộc đã tổ chức hội nghị" in page  # the closed one has no cells
    rate_column = 3  # unit, members, required, attended, rate
    assert _cells(page, "Quận ủy Kim Bảng")[rate_column + 1] == "—"
    assert _cells(page, "Đảng bộ phường Lam Hạ")[rate_column + 1] == "50,00"


def test_the_total_row_states_its_rate_as_the_rows_do(world, campaign, marked, client):
    snapshot = services.snapshot_draft(
        world.propaganda,
        world.city,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=timezone.localdate() - dt.timedelta(days=30),
        period_to=timezone.localdate(),
        title="Kết quả học tập, quán triệt",
        place="Hà Nam",
    )
    figures = snapshot.figures
    for key in ("members", "required", "attended", "submitted", "missing", "cells"):
        assert figures["total"][key] == sum(row[key] for row in figures["rows"]), key
    client.force_login(world.propaganda)
    page = client.get(reverse("reporting:detail", args=[snapshot.pk])).content.decode()
    assert _cells(page, "Đảng bộ phường Lam Hạ")[4] == "50,00"
    assert _cells(page, "Đảng bộ xã Tiên Tân")[4] == "0,00"
    assert _cells(page, "Tổng cộng")[4] == "33,33"
