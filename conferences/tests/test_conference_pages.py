"""Scheduling a conference, its bridge points and roster ticking, through the pages."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from conferences.models import Attendance, BridgePoint, Conference, Format, Status


def _when(**delta) -> str:
    return timezone.localtime(timezone.now() + dt.timedelta(**delta)).strftime("%d/%m/%Y %H:%M")


def _form(world, **changes):
    return {
        "organizer": world.ward.pk,
        "title": "Hội nghị học tập Nghị quyết 23-NQ/TU",
        "starts_at": _when(days=3),
        "ends_at": _when(days=3, hours=3),
        "format": Format.HYBRID,
        "venue": "Hội trường UBND phường Lam Hạ",
        "agenda": "Khai mạc\nQuán triệt\nBế mạc",
        "topics_text": "Những nội dung cơ bản của Nghị quyết | Đ/c Trần Văn Hải, Phó Trưởng Ban"
        "\nChương trình hành động | Đ/c Lê Thị Mai",
        **changes,
    }


def test_a_ward_schedules_a_hybrid_conference_with_topics(world, client, campaign):
    client.force_login(world.secretary)
    url = reverse("conferences:create", kwargs={"campaign_pk": campaign.pk})
    response = client.post(url, _form(world))
    conference = Conference.objects.get()
    assert response.status_code == 302
    assert [(t.title, t.reporter) for t in conference.topics.all()] == [
        ("Những nội dung cơ bản của Nghị quyết", "Đ/c Trần Văn Hải, Phó Trưởng Ban"),
        ("Chương trình hành động", "Đ/c Lê Thị Mai"),
    ]
    hall = conference.bridge_points.get()
    assert hall.is_main and list(hall.units.all()) == [world.ward]
    assert AuditEntry.objects.filter(action="conference.create").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Hội trường chính" in page and "Đ/c Lê Thị Mai" in page


def test_bad_conference_input_gets_vietnamese_messages(world, client, campaign):
    client.force_login(world.secretary)
    url = reverse("conferences:create", kwargs={"campaign_pk": campaign.pk})
    cases = [
        ({"ends_at": _when(days=2)}, "Giờ kết thúc phải sau giờ bắt đầu"),
        ({"starts_at": "31/02/2026 08:00"}, "Nhập một ngày/thời gian hợp lệ"),
        ({"topics_text": "Chuyên đề không có báo cáo viên"}, "tên chuyên đề | báo cáo viên"),
        ({"organizer": world.commune.pk}, "lựa chọn hợp lệ"),  # not the secretary's unit
        ({"title": ""}, "bắt buộc"),
    ]
    for changes, message in cases:
        body = client.post(url, _form(world, **changes)).content.decode()
        assert message in body, changes
    assert not Conference.objects.exists()


def test_an_in_person_conference_cannot_relay_and_only_a_higher_one_is_relayed(
    world, client, campaign
):
    from conferences.tests.builders import conference_for

    city = conference_for(world, campaign, organizer=world.city, title="Hội nghị Thành ủy")
    client.force_login(world.secretary)
    url = reverse("conferences:create", kwargs={"campaign_pk": campaign.pk})
    body = client.post(
        url, _form(world, format=Format.IN_PERSON, relayed_from=city.pk)
    ).content.decode()
    assert "Hội nghị trực tiếp không tiếp sóng" in body
    response = client.post(url, _form(world, format=Format.ONLINE, relayed_from=city.pk))
    assert response.status_code == 302
    assert Conference.objects.get(organizer=world.ward).relayed_from == city


def test_a_bridge_point_is_added_and_a_unit_cannot_be_given_twice(world, client, conference):
    client.force_login(world.secretary)
    url = reverse("conferences:bridge-add", kwargs={"conference_pk": conference.pk})
    data = {"name": "Nhà văn hóa KP2", "host": world.cell2.pk, "units": [world.cell2.pk]}
    assert client.post(url, data).status_code == 302
    body = client.post(url, {**data, "name": "Khác"}).content.decode()
    assert "đã được giao cho điểm cầu" in body
    body = client.post(url, {**data, "units": [world.commune_cell.pk]}).content.decode()
    assert "lựa chọn hợp lệ" in body  # the commune is not the ward's
    assert BridgePoint.objects.filter(conference=conference).count() == 2


def test_a_host_ticks_the_roster_and_a_stranger_cannot(world, client, hall):
    roster = reverse("conferences:roster", kwargs={"bridge_pk": hall.pk})
    mark = reverse("conferences:mark", kwargs={"bridge_pk": hall.pk})
    client.force_login(world.secretary)
    page = client.get(roster).content.decode()
    assert "Nguyễn Văn An" in page and "Trần Thị Bình" in page and "Lê Quốc Cường" not in page
    row = client.post(mark, {"member": world.an.pk, "status": Status.PRESENT}, HTTP_HX_REQUEST="1")
    assert row.status_code == 200 and "Có mặt" in row.content.decode()
    row = client.post(
        mark, {"member": world.binh.pk, "status": Status.ABSENT_EXCUSED}, HTTP_HX_REQUEST="1"
    )
    assert "cần ghi lý do" in row.content.decode()
    refused = client.post(mark, {"member": world.cuong.pk, "status": Status.PRESENT})
    assert refused.status_code == 400
    assert list(Attendance.objects.values_list("member", "status")) == [
        (world.an.pk, Status.PRESENT)
    ]

    client.force_login(world.outsider)
    assert client.get(roster).status_code == 404
    assert client.post(mark, {"member": world.binh.pk, "status": "present"}).status_code == 404
    client.force_login(world.member_user)  # sees the conference, may not mark
    assert client.post(mark, {"member": world.binh.pk, "status": "present"}).status_code == 403
    assert Attendance.objects.count() == 1


def test_the_roster_filters_unmarked_members_and_searches_without_diacritics(world, client, hall):
    client.force_login(world.secretary)
    from conferences import services

    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    url = reverse("conferences:roster", kwargs={"bridge_pk": hall.pk})
    body = client.get(url, {"show": "unmarked"}).content.decode()
    assert "Trần Thị Bình" in body and "Nguyễn Văn An" not in body
    body = client.get(url, {"q": "tran thi binh", "rows": "1"}, HTTP_HX_REQUEST="1")
    assert "Trần Thị Bình" in body.content.decode()
    assert "Nguyễn Văn An" not in body.content.decode()


def test_a_member_sees_the_conference_of_their_ward_but_not_of_the_commune(
    world, client, campaign, conference
):
    from conferences.tests.builders import conference_for

    commune = conference_for(world, campaign, organizer=world.commune, title="Xã Tiên Tân")
    client.force_login(world.member_user)
    detail = reverse("conferences:detail", kwargs={"conference_pk": conference.pk})
    assert client.get(detail).status_code == 200
    other = reverse("conferences:detail", kwargs={"conference_pk": commune.pk})
    assert client.get(other).status_code == 404
    edit = reverse("conferences:edit", kwargs={"conference_pk": conference.pk})
    assert client.get(edit).status_code == 404


def test_closing_from_the_page_marks_the_rest_absent(world, client, hall):
    client.force_login(world.secretary)
    url = reverse("conferences:close", kwargs={"conference_pk": hall.conference_id})
    response = client.post(url, {"confirmed": "yes"}, follow=True)
    assert "2 đảng viên chưa điểm danh" in response.content.decode()
    assert Attendance.objects.filter(status=Status.ABSENT_UNEXCUSED).count() == 2
    edit = reverse("conferences:edit", kwargs={"conference_pk": hall.conference_id})
    body = client.post(edit, _form(world)).content.decode()
    assert "đã kết thúc điểm danh" in body


def test_the_roster_page_costs_the_same_queries_for_few_or_many_members(world, client, hall):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conferences import services
    from conftest import add_member

    client.force_login(world.secretary)
    url = reverse("conferences:roster", kwargs={"bridge_pk": hall.pk})
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(25):
        member = add_member(world.cell2, f"Thành viên {n}", f"0800{n:02d}")
        services.attendance_mark(world.secretary, hall, member, Status.LEFT_EARLY)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
