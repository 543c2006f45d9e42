"""Officers land on "Việc cần làm": what is due in their scope this week, each item a
link to the list behind it; nothing of another subtree; a bounded number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from conferences.tests.builders import conference_for
from conftest import _user
from documents import services as documents
from documents.models import Kind
from programmes import services as programmes
from reporting import services as reporting
from reporting.models import Kind as ReportKind
from reports.tests.builders import submit


@pytest.fixture
def busy_week(world, campaign, conference):
    """A conference begun an hour ago (roll-call open), one tomorrow, a report waiting
    for review, an overdue task led by the ward, and a request from the city."""
    today = timezone.localdate()
    conference_for(
        world,
        campaign,
        title="Hội nghị chi bộ khu phố 1",
        organizer=world.cell,
        starts_at=timezone.now() + dt.timedelta(days=1),
    )
    submit(world, campaign, world.an)
    plan = documents.document_register(
        world.clerk,
        owner=world.city,
        symbol_raw="30-CTr/TU",
        kind=Kind.PROGRAMME,
        issuer_name="Thành ủy Hà Nam",
        issued_on=today - dt.timedelta(days=40),
        term=20,
        title="Chương trình hành động thực hiện Nghị quyết 23-NQ/TU",
    )
    programme = programmes.programme_create(world.clerk, plan)
    programmes.target_add(
        world.clerk,
        programme,
        name="Tỷ lệ hồ sơ trực tuyến",
        unit_of_measure="%",
        baseline=Decimal("40"),
        low=Decimal("80"),
        high=None,
        year=today.year + 1,
    )
    programmes.task_add(
        world.clerk,
        programme,
        position="1",
        content="Số hóa hồ sơ đảng viên của phường",
        lead=world.ward,
        product="Báo cáo",
        deadline=today - dt.timedelta(days=3),
        partners=[],
    )
    reporting.request_create(
        world.clerk,
        world.city,
        kind=ReportKind.CAMPAIGN,
        campaign=campaign,
        due_on=today + dt.timedelta(days=3),
        period_from=today - dt.timedelta(days=30),
        period_to=today,
    )
    return world


def sections(client):
    response = client.get("/accounts/today/")
    assert response.status_code == 200
    return {s.key: s for s in response.context["sections"]}, response.content.decode()


def test_officers_land_on_what_is_due_after_signing_in(world, client):
    response = client.post(
        "/accounts/login/", {"username": "vanphong_lamha", "password": "pw"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/today/"
    assert "Việc cần làm" in response.content.decode()


def test_a_plain_member_lands_on_their_own_page_and_not_on_office_tools(world, client):
    client.force_login(world.member_user)
    response = client.get("/", follow=True)
    assert response.redirect_chain == [] or "/accounts/today/" not in response.redirect_chain[-1][0]
    assert "Việc của đồng chí" in response.content.decode()
    assert client.get("/accounts/today/").status_code == 403


def test_the_ward_office_sees_its_conferences_rosters_tasks_and_the_citys_request(
    busy_week, client
):
    world = busy_week
    client.force_login(world.ward_clerk)
    found, html = sections(client)
    assert found["conferences"].count == 1 and "Hội nghị chi bộ khu phố 1" in html
    assert found["rosters"].count == 1
    assert found["tasks"].count == 1 and "Số hóa hồ sơ đảng viên" in html
    assert found["asked"].count == 1
    assert found["asked"].lines[0].when == (timezone.localdate() + dt.timedelta(days=3)).strftime(
        "%d/%m/%Y"
    )
    assert "reviews" not in found  # the office does not rate reports
    for section in found.values():
        for line in section.lines:
            assert client.get(line.url).status_code == 200, line.url
        if section.url:
            assert client.get(section.url).status_code == 200, section.url


def test_the_city_office_sees_which_units_have_not_reported(busy_week, client):
    client.force_login(busy_week.clerk)
    found, _html = sections(client)
    assert found["units"].count == 2  # the ward and the commune
    assert "asked" not in found or found["asked"].count == 0


def test_a_reviewer_sees_the_reports_waiting_for_them(busy_week, client):
    reviewer = _user("chambai", Role.REVIEWER, busy_week.ward)
    client.force_login(reviewer)
    found, _html = sections(client)
    assert set(found) == {"reviews"}
    assert found["reviews"].count == 1
    opened = client.get(found["reviews"].lines[0].url, follow=True)
    assert opened.status_code == 200 and "Nguyễn Văn An" in opened.content.decode()
    assert "/reports/campaign/" in found["reviews"].url


def test_nothing_of_another_province_shows(busy_week, client):
    client.force_login(busy_week.outsider)
    found, html = sections(client)
    assert all(section.count == 0 for section in found.values())
    assert "Lam Hạ" not in html and "Số hóa" not in html


def _queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/accounts/today/").status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_page_costs_the_same_queries_however_much_is_due(busy_week, campaign, client):
    client.force_login(busy_week.secretary)
    client.get("/accounts/today/")  # the session and content types, read once
    before = _queries(client)
    for i in range(4):
        conference_for(
            busy_week,
            campaign,
            title=f"Hội nghị số {i}",
            organizer=busy_week.cell2,
            starts_at=timezone.now() + dt.timedelta(days=2),
        )
    submit(busy_week, campaign, busy_week.binh)
    after = _queries(client)
    assert len(after) == len(before), after
    assert len(before) <= 25, before


def test_a_member_is_told_to_check_in_while_their_conference_is_under_way(
    world, campaign, conference, client
):
    client.force_login(world.member_user)
    page = client.get("/accounts/mine/").content.decode()
    assert "Đang diễn ra: quét mã QR tại điểm cầu để điểm danh" in page
    assert "/accounts/today/" not in page and "/audit/" not in page
