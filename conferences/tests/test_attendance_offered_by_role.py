"""Attendance actions are offered to a role only where the policy lets it take them: the
city propaganda board (which may run rosters, docs/roles.md) is offered them and each
works; the inspection board, which may only look, is offered none and told who may."""

import re

from accounts import policy
from accounts.policy import Action
from conferences.models import Attendance


def _offered(html: str) -> list[str]:
    """Links and buttons whose words speak of taking attendance."""
    controls = re.findall(r"<(?:a|button)\b[^>]*>([^<]*)</(?:a|button)>", html)
    return [c.strip() for c in controls if re.search(r"điểm danh|có mặt", c, re.I)]


def test_the_city_propaganda_board_is_offered_attendance_and_may_take_it(
    world, conference, hall, client
):
    assert policy.can(world.propaganda, Action.MARK_ATTENDANCE, hall.host)
    client.force_login(world.propaganda)
    today = client.get("/accounts/today/").content.decode()
    assert "Danh sách điểm danh chưa kết thúc" in today
    detail = client.get(f"/conferences/{conference.pk}/").content.decode()
    assert "Điểm danh" in _offered(detail)
    roster = client.get(f"/conferences/bridges/{hall.pk}/").content.decode()
    assert "Có mặt tất cả" in _offered(roster)
    assert client.post(f"/conferences/bridges/{hall.pk}/all-present/").status_code == 302
    assert Attendance.objects.count() == 2


def test_the_inspection_board_is_offered_no_attendance_action(world, conference, hall, client):
    assert not policy.has_any_scope(world.inspector, Action.MARK_ATTENDANCE)
    client.force_login(world.inspector)
    today = client.get("/accounts/today/").content.decode()
    assert "điểm danh" not in today.lower()
    detail = client.get(f"/conferences/{conference.pk}/")
    assert detail.status_code == 200 and _offered(detail.content.decode()) == []
    page = client.get(f"/conferences/bridges/{hall.pk}/")
    roster = page.content.decode()
    assert page.status_code == 200 and _offered(roster) == []
    assert "Có mặt tất cả" not in roster
    assert client.post(f"/conferences/bridges/{hall.pk}/all-present/").status_code == 403
    assert not Attendance.objects.exists()
