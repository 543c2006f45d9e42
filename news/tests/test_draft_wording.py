"""The news draft states the roll-up's figures and reads as a clerk writes: exempt members
counted apart, the chair named once as "đồng chí", documents cited without their type
said twice."""

import datetime as dt
import re

import pytest

from conferences import services as conferences
from conferences.models import Status, Topic
from conferences.rollup import campaign_rollup
from conftest import add_member
from documents.models import Document
from members.models import MemberStatus
from news.drafting import draft_for
from organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world, conference):
    """An and an exempt veteran came, Bình was excused; one guest."""
    veteran = add_member(world.cell, "Đỗ Văn Cụ", "010299", MemberStatus.EXEMPT)
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    conferences.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm"
    )
    conferences.attendance_mark(world.secretary, hall, veteran, Status.PRESENT)
    conferences.guests_set(world.secretary, hall, 3)
    return conference


def test_exempt_members_who_came_are_not_counted_as_required(world, campaign, held):
    total = campaign_rollup(campaign, world.ward).total
    assert (total.attended, total.required, total.counts["encouraged"]) == (1, 2, 1)
    body = draft_for(held).body
    assert "1/2 đảng viên phải học tập đã tham dự, đạt 50,00%" in body
    assert "1 đảng viên được miễn sinh hoạt tự nguyện tham dự" in body
    assert "3 đại biểu khách mời" in body
    assert "100,00%" not in body


def test_the_chair_and_the_reporters_are_called_comrade_once(world, held):
    conferences.conference_update(
        world.propaganda,
        held,
        chair="Đ/c Nguyễn Văn Hùng",
        chair_title="Bí thư Đảng ủy phường",
    )
    Topic.objects.create(
        conference=held,
        position=0,
        title="Chuyển đổi số ở cơ sở",
        reporter="Đồng chí Trần Văn Tâm, Phó Trưởng Ban Tuyên giáo",
    )
    body = draft_for(held).body
    assert "Đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy phường chủ trì hội nghị." in body
    assert "đồng chí Trần Văn Tâm, Phó Trưởng Ban Tuyên giáo trình bày chuyên đề" in body
    assert not re.search(r"đồng chí\s+(đồng chí|đ/c)", body, re.IGNORECASE)


@pytest.mark.parametrize(
    ("title", "cited"),
    [
        ("Về chuyển đổi số", "của Thành ủy Hà Nam về chuyển đổi số"),
        (
            "Nghị quyết Hội nghị lần thứ 12 Ban Chấp hành Đảng bộ tỉnh về chuyển đổi số",
            "của Hội nghị lần thứ 12 Ban Chấp hành Đảng bộ tỉnh về chuyển đổi số",
        ),
        (
            "Chuyển đổi số trong hệ thống chính trị.",
            "của Thành ủy Hà Nam về chuyển đổi số trong hệ thống chính trị",
        ),
    ],
)
def test_the_document_is_cited_without_its_type_said_twice(world, held, title, cited):
    Document.objects.filter(symbol_raw="23-NQ/TU").update(title=title)
    body = draft_for(held).body
    assert f"Nghị quyết số 23-NQ/TU ngày 01/09/2025 {cited}" in body
    assert not re.search(r"về\s+“?về", body, re.IGNORECASE)
    assert "“Nghị quyết" not in body


def test_no_sentence_names_the_same_unit_twice(world, campaign):
    from conferences.tests.builders import conference_for

    city_conference = conference_for(
        world,
        campaign,
        organizer=world.city,
        starts_at=dt.datetime(2026, 3, 5, 8, tzinfo=dt.UTC),
    )
    body = draft_for(city_conference).body
    names = list(Organization.objects.values_list("name", flat=True))
    for sentence in re.split(r"(?<=[.;])\s+", body):
        for name in names:
            assert sentence.count(name) <= 1, sentence
