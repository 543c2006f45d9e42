"""Members check in by scanning the rotating QR code at their bridge point."""

import time

import pytest
from django.urls import reverse

from accounts.models import ApiToken, User
from conferences import checkin as tokens
from conferences import services
from conferences.models import Attendance, Channel, CheckinInbox, Status
from conferences.tests.builders import conference_for
from members.models import Member


def _old_token(monkeypatch, point, seconds: int) -> str:
    real = time.time
    monkeypatch.setattr(tokens.signing.time, "time", lambda: real() - seconds)
    token = tokens.token_make(point)
    monkeypatch.setattr(tokens.signing.time, "time", real)
    return token


def _scan(client, conference, token):
    url = reverse("conferences:checkin", kwargs={"conference_pk": conference.pk})
    return client.post(url, {"t": token})


def test_a_member_checks_in_by_scanning_the_code(world, client, hall):
    client.force_login(world.member_user)
    landing = client.get(
        reverse("conferences:checkin", kwargs={"conference_pk": hall.conference_id}),
        {"t": tokens.token_make(hall)},
    )
    assert "Xác nhận có mặt" in landing.content.decode()
    assert not Attendance.objects.exists()  # looking at the page records nothing

    response = _scan(client, hall.conference, tokens.token_make(hall))
    assert "Đã điểm danh có mặt" in response.content.decode()
    mark = Attendance.objects.get()
    assert (mark.member, mark.status, mark.channel) == (world.an, Status.PRESENT, Channel.QR)
    assert mark.marked_by == world.member_user
    hall.refresh_from_db()
    assert hall.present == 1


def test_an_expired_code_is_refused(world, client, hall, monkeypatch):
    token = _old_token(monkeypatch, hall, tokens.MAX_AGE_SECONDS + 5)
    client.force_login(world.member_user)
    assert "đã hết hạn" in _scan(client, hall.conference, token).content.decode()
    assert not Attendance.objects.exists()


def test_a_code_a_few_seconds_old_still_works(world, client, hall, monkeypatch):
    token = _old_token(monkeypatch, hall, tokens.ROTATE_SECONDS)
    client.force_login(world.member_user)
    _scan(client, hall.conference, token)
    assert Attendance.objects.filter(member=world.an).exists()


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature altered
        lambda t: "eyJjIjoxLCJiIjoxfQ:1u:" + t.rsplit(":", 1)[1],  # payload swapped
        lambda t: "",
        lambda t: "x" * 5000,
    ],
)
def test_a_forged_code_is_refused(world, client, hall, forge):
    client.force_login(world.member_user)
    body = _scan(client, hall.conference, forge(tokens.token_make(hall))).content.decode()
    assert "không hợp lệ" in body
    assert not Attendance.objects.exists()


def test_a_code_from_another_conference_is_refused(world, client, campaign, hall):
    other = conference_for(world, campaign, title="Hội nghị khác")
    client.force_login(world.member_user)
    body = _scan(client, hall.conference, tokens.token_make(other.bridge_points.get()))
    assert "thuộc một hội nghị khác" in body.content.decode()
    assert not Attendance.objects.exists()


def test_a_second_scan_counts_once_and_shows_the_first_outcome(world, client, hall):
    client.force_login(world.member_user)
    token = tokens.token_make(hall)
    _scan(client, hall.conference, token)
    first = Attendance.objects.get()
    assert "Đã điểm danh có mặt" in _scan(client, hall.conference, token).content.decode()

    time.sleep(1.1)  # a later token differs in its timestamp
    fresh = tokens.token_make(hall)
    assert fresh != token
    assert "Đã điểm danh có mặt" in _scan(client, hall.conference, fresh).content.decode()
    again = Attendance.objects.get()
    assert (again.marked_at, again.token_digest) == (first.marked_at, first.token_digest)
    assert CheckinInbox.objects.count() == 1
    hall.refresh_from_db()
    assert hall.present == 1


def test_a_member_the_host_marked_present_is_told_when(world, client, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    client.force_login(world.member_user)
    body = _scan(client, hall.conference, tokens.token_make(hall)).content.decode()
    assert "đã điểm danh lúc" in body
    assert Attendance.objects.get().channel == Channel.ROSTER


def test_a_member_of_another_unit_cannot_check_in(world, client, hall, cell2_point):
    stranger = User.objects.create_user("xa", password="pw")
    Member.objects.filter(pk=world.stranger.pk).update(user=stranger)
    client.force_login(stranger)
    response = _scan(client, hall.conference, tokens.token_make(hall))
    assert response.status_code == 404  # the conference is not theirs to see

    # A member of the ward scanning at the wrong bridge point is told where to go.
    client.force_login(world.member_user)
    body = _scan(client, hall.conference, tokens.token_make(cell2_point)).content.decode()
    assert "dự tại điểm cầu" in body and "Hội trường chính" in body
    assert not Attendance.objects.exists()


def test_after_the_conference_closed_no_one_checks_in(world, client, hall):
    services.conference_close(world.secretary, hall.conference)
    client.force_login(world.member_user)
    body = _scan(client, hall.conference, tokens.token_make(hall)).content.decode()
    assert "đã kết thúc điểm danh" in body
    assert Attendance.objects.get(member=world.an).status == Status.ABSENT_UNEXCUSED


def test_a_member_marked_absent_by_the_host_is_sent_to_the_host(world, client, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    client.force_login(world.member_user)
    body = _scan(client, hall.conference, tokens.token_make(hall)).content.decode()
    assert "báo người chủ trì" in body
    assert Attendance.objects.get().status == Status.ABSENT_UNEXCUSED


def test_the_check_in_api_answers_202_with_a_receipt_and_the_same_one_again(world, client, hall):
    _token, raw = ApiToken.issue(world.member_user, "điện thoại")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/conferences/{hall.conference_id}/checkin"
    ok = client.post(
        url, {"token": tokens.token_make(hall)}, content_type="application/json", **auth
    )
    assert ok.status_code == 202
    receipt = ok.json()
    assert receipt["state"] == "done" and receipt["mark"]["status"] == "present"
    looked_up = client.get(receipt["url"], **auth)
    assert looked_up.status_code == 200 and looked_up.json() == receipt

    again = client.post(
        url, {"token": tokens.token_make(hall)}, content_type="application/json", **auth
    )
    assert again.status_code == 202 and again.json()["id"] == receipt["id"]
    bad = client.post(url, {"token": "nonsense"}, content_type="application/json", **auth)
    assert bad.status_code == 422 and "không hợp lệ" in bad.json()["detail"]
    assert Attendance.objects.count() == 1


def test_the_api_tells_a_refusal_and_whether_it_conflicts_with_a_mark(world, client, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    _token, raw = ApiToken.issue(world.member_user, "điện thoại")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/conferences/{hall.conference_id}/checkin"
    answer = client.post(
        url, {"token": tokens.token_make(hall)}, content_type="application/json", **auth
    ).json()
    assert answer["state"] == "refused" and answer["conflict"] is True
    assert "báo người chủ trì" in answer["detail"] and answer["mark"] is None


def test_the_screen_shows_a_fresh_qr_code_only_to_those_who_run_the_point(world, client, hall):
    url = reverse("conferences:qr", kwargs={"bridge_pk": hall.pk})
    client.force_login(world.member_user)
    assert client.get(url).status_code in (403, 404)
    client.force_login(world.secretary)
    first = client.get(url)
    assert first.status_code == 200 and "<svg" in first.content.decode()
    assert first["Cache-Control"] == "no-store"
