""" "Có mặt tất cả" marks the roster in place: the page does not reload, the rows show
present and the live count follows."""

import pytest
from playwright.sync_api import expect

from conferences.models import Attendance, Status
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_marking_everyone_present_updates_the_page_without_a_reload(world, page, hall):
    login(page, "bithu")
    page.goto(f"/conferences/bridges/{hall.pk}/")
    expect(page.locator("#counts")).to_contain_text("Có mặt: 0")
    page.evaluate("window.marker = 1")
    page.get_by_role("button", name="Có mặt tất cả").click()
    for member in (world.an, world.binh):
        expect(page.locator(f"#m-{member.pk} .status")).to_contain_text("Có mặt")
    expect(page.locator("#counts")).to_contain_text("Có mặt: 2")
    expect(page.locator("#mark-all-result")).to_contain_text("Đã ghi có mặt 2 đảng viên")
    assert page.evaluate("window.marker") == 1
    statuses = set(Attendance.objects.values_list("status", flat=True))
    assert statuses == {Status.PRESENT}
