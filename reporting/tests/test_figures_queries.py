"""The campaign dashboard and a report's figures (which the API and the DOCX, XLSX and PDF
files state) read the subtree rows of the unit and its children: the same number of
queries for a city of 3 units below and one of 12, each with members, marks and reports."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences import services as conferences
from conferences.models import Status
from conferences.tests.builders import conference_for
from conftest import add_member, add_unit
from reporting import services
from reporting.figures import collect
from reporting.models import Kind
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db


def _grow(world, campaign, hall, how_many, start):
    for n in range(start, start + how_many):
        ward = add_unit(world.city, f"Đảng bộ phường số {n}", f"HNA-P{n}", "ĐU", "ĐU")
        for c in range(2):
            cell = add_unit(ward, f"Chi bộ {c}", f"HNA-P{n}-{c}", "CB", "CB")
            member = add_member(cell, f"Đảng viên {n} {c}", f"07{n:02d}{c:02d}")
            conferences.attendance_mark(world.clerk, hall, member, Status.PRESENT)
            sections = [essay(n * 10 + c * 2 + 700), essay(n * 10 + c * 2 + 701)]
            submit(world, campaign, member, sections, actor=world.admin)


def test_the_dashboard_and_the_report_figures_do_not_grow_with_units(world, campaign, client):
    hall = conference_for(world, campaign, organizer=world.city).bridge_points.get(is_main=True)
    _grow(world, campaign, hall, 1, 0)
    snapshot = services.snapshot_draft(
        world.propaganda,
        world.city,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=timezone.localdate() - dt.timedelta(days=30),
        period_to=timezone.localdate(),
        title="Kết quả học tập, quán triệt Nghị quyết số 23-NQ/TU",
        place="Hà Nam",
    )
    client.force_login(world.propaganda)
    url = reverse("reporting:dashboard", args=[campaign.pk])
    client.get(url)
    collect(snapshot)
    with CaptureQueriesContext(connection) as page_small:
        client.get(url)
    with CaptureQueriesContext(connection) as figures_small:
        small = collect(snapshot)
    _grow(world, campaign, hall, 9, 1)
    with CaptureQueriesContext(connection) as page_large:
        page = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as figures_large:
        large = collect(snapshot)
    assert (len(small["rows"]), len(large["rows"])) == (3, 12)
    assert (large["total"]["attended"], large["total"]["submitted"]) == (20, 20)
    assert "Đảng bộ phường số 9" in page
    assert len(page_large) == len(page_small)
    assert len(figures_large) == len(figures_small)
