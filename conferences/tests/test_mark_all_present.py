"""A host marks everyone present in one tap, then corrects the exceptions."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from conferences import services
from conferences.models import Attendance, Channel, Status, Tally
from conftest import add_member


def _url(point):
    return reverse("conferences:mark-all", kwargs={"bridge_pk": point.pk})


def test_everyone_unmarked_becomes_present_and_the_marked_keep_their_mark(world, campaign, hall):
    services.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm nằm viện"
    )
    added = services.attendance_mark_all_present(world.secretary, hall)

    assert added == 1
    marks = {m.member_id: (m.status, m.channel) for m in Attendance.objects.all()}
    assert marks == {
        world.an.pk: (Status.PRESENT, Channel.ROSTER),
        world.binh.pk: (Status.ABSENT_EXCUSED, Channel.ROSTER),
    }
    hall.refresh_from_db()
    assert (hall.present, hall.absent) == (1, 1)
    tally = Tally.objects.get(campaign=campaign, organization=world.cell)
    assert (tally.present, tally.absent_excused) == (1, 1)
    assert AuditEntry.objects.filter(action="attendance.mark_all_present").count() == 1
    assert AuditEntry.objects.filter(
        action="attendance.mark", object_id=str(Attendance.objects.get(member=world.an).pk)
    ).exists()


def test_the_exceptions_are_then_corrected_one_by_one(world, campaign, hall):
    services.attendance_mark_all_present(world.secretary, hall)
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    hall.refresh_from_db()
    assert (hall.present, hall.absent) == (1, 1)
    tally = Tally.objects.get(campaign=campaign, organization=world.cell)
    assert (tally.present, tally.absent_unexcused) == (1, 1)


def test_a_second_tap_marks_nobody_twice(world, campaign, hall):
    assert services.attendance_mark_all_present(world.secretary, hall) == 2
    assert services.attendance_mark_all_present(world.secretary, hall) == 0
    hall.refresh_from_db()
    assert hall.present == 2 and Attendance.objects.count() == 2


def test_members_of_another_bridge_point_are_left_to_it(world, campaign, hall, cell2_point):
    hoa = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    services.attendance_mark_all_present(world.secretary, hall)
    assert not Attendance.objects.filter(member=hoa).exists()
    assert services.attendance_mark_all_present(world.secretary, cell2_point) == 1


def test_after_closing_nobody_is_marked_present(world, campaign, hall):
    services.conference_close(world.secretary, hall.conference)
    with pytest.raises(services.MarkRefused, match="kết thúc điểm danh"):
        services.attendance_mark_all_present(world.secretary, hall)
    assert not Attendance.objects.filter(status=Status.PRESENT).exists()


def test_the_roster_page_offers_it_and_says_what_happened(world, client, campaign, hall):
    client.force_login(world.secretary)
    page = client.get(reverse("conferences:roster", kwargs={"bridge_pk": hall.pk}))
    assert "Có mặt tất cả" in page.content.decode()
    response = client.post(_url(hall), follow=True)
    assert "Đã ghi có mặt 2 đảng viên chưa điểm danh" in response.content.decode()
    assert Attendance.objects.filter(status=Status.PRESENT).count() == 2


@pytest.mark.parametrize("who", ["outsider", "member_user", "inspector"])
def test_nobody_who_does_not_run_the_point_can_mark_everyone(world, client, campaign, hall, who):
    client.force_login(getattr(world, who))
    response = client.post(_url(hall))
    assert response.status_code in (403, 404)
    assert not Attendance.objects.exists()


def test_without_javascript_the_button_posts_and_returns_to_the_roster(
    world, campaign, hall, client
):
    client.force_login(world.secretary)
    response = client.post(_url(hall))
    assert response.status_code == 302
    assert response.url == reverse("conferences:roster", kwargs={"bridge_pk": hall.pk})
    assert Attendance.objects.filter(status=Status.PRESENT).count() == 2


def test_from_the_page_the_answer_is_the_rows_and_a_signal_to_recount(
    world, campaign, hall, client
):
    client.force_login(world.secretary)
    response = client.post(_url(hall), {"show": "unmarked"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "headcount"
    html = response.content.decode()
    assert 'id="roster-rows"' in html and "Đã ghi có mặt 2 đảng viên" in html
    assert "Nguyễn Văn An" not in html  # the filter kept: nobody is left unmarked
