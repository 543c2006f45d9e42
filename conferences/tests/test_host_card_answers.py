"""A bridge-point host who marks members by card number learns nothing about anyone
outside the point's own roster: every such card gets one neutral answer."""

import pytest

from accounts.models import ApiToken
from conferences import services
from conferences.models import Attendance, Status
from conftest import add_member
from members.models import Member

NEUTRAL = "Không tìm thấy đảng viên này trong danh sách của điểm cầu."


@pytest.fixture
def host(world, client):
    _token, raw = ApiToken.issue(world.secretary, "máy điểm danh")

    def mark(point, card, status="present", reason=""):
        return client.post(
            f"/api/v1/conferences/bridge-points/{point.pk}/marks",
            {"card_number": card, "status": status, "reason": reason},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return mark


def _outside_cards(world, cell2_point):
    hoa = add_member(world.cell2, "Đỗ Thị Hoa", "010299")  # at the other bridge point
    Member.objects.filter(pk=world.binh.pk).update(left_on="2025-01-01")  # struck off
    return {
        "does not exist": "777777",
        "another province": world.stranger.card_number,
        "another unit of the city": world.cuong.card_number,
        "another bridge point": hoa.card_number,
        "struck off": world.binh.card_number,
    }


def test_every_card_outside_the_roster_gets_the_same_neutral_answer(world, hall, cell2_point, host):
    answers = {case: host(hall, card) for case, card in _outside_cards(world, cell2_point).items()}
    assert {case: r.status_code for case, r in answers.items()} == dict.fromkeys(answers, 422)
    assert {case: r.json() for case, r in answers.items()} == dict.fromkeys(
        answers, {"detail": NEUTRAL}
    )
    assert not Attendance.objects.exists()


def test_a_member_of_the_roster_is_marked_and_gets_specific_answers(world, hall, host):
    first = host(hall, world.an.card_number)
    assert first.status_code == 201 and first.json()["status"] == "present"
    corrected = host(hall, world.an.card_number, "absent_excused", "Ốm")
    assert corrected.status_code == 200 and corrected.json()["reason"] == "Ốm"
    no_reason = host(hall, world.binh.card_number, "absent_excused")
    assert no_reason.status_code == 422
    assert no_reason.json() == {"detail": "Vắng có lý do thì cần ghi lý do."}


def test_a_roster_member_already_made_up_is_told_so_by_name(world, hall, host):
    mark, _changed = services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    Attendance.objects.filter(pk=mark.pk).update(made_up=True)
    refused = host(hall, world.an.card_number, "absent_unexcused")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Đồng chí Nguyễn Văn An đã học bù; không sửa điểm danh được."
