"""Attendance in a real browser: a member checks in by QR; a host ticks a roster on a phone."""

import pytest
from playwright.sync_api import expect

from conferences.models import Attendance, Channel, Status
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_a_member_checks_in_by_scanning_the_qr_code_on_the_screen(world, page, live_server, hall):
    login(page, "bithu")
    page.goto(f"/conferences/bridges/{hall.pk}/screen/")
    code = page.locator(".qr svg")
    expect(code).to_be_visible()
    scanned = page.locator(".qr").get_attribute("data-url")
    assert scanned.startswith(live_server.url) and "?t=" in scanned

    phone = page.context.browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN"
    )
    member = phone.new_page()
    login(member, "an")
    member.goto(scanned)
    member.get_by_role("button", name="Xác nhận có mặt").click()
    expect(member.get_by_role("status")).to_contain_text("Đã điểm danh có mặt")
    assert member.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()

    mark = Attendance.objects.get()
    assert (mark.member_id, mark.status, mark.channel) == (world.an.pk, Status.PRESENT, Channel.QR)
    page.goto(f"/conferences/bridges/{hall.pk}/")
    expect(page.locator(f"#m-{world.an.pk}")).to_contain_text("Quét mã QR")


def test_a_host_ticks_the_roster_on_a_phone(world, page, hall):
    page.set_viewport_size(PHONE)
    login(page, "bithu")
    page.goto(f"/conferences/{hall.conference_id}/")
    page.get_by_role("link", name="Hội trường chính").click()
    an = page.locator(f"#m-{world.an.pk}")
    an.get_by_role("button", name="Có mặt").click()
    expect(page.locator(f"#m-{world.an.pk} .status")).to_contain_text("Có mặt")

    binh = page.locator(f"#m-{world.binh.pk}")
    binh.get_by_role("button", name="Vắng có lý do").click()
    expect(page.locator(f"#m-{world.binh.pk}")).to_contain_text("cần ghi lý do")
    page.locator(f"#m-{world.binh.pk} input[name=reason]").fill("Đi công tác")
    page.locator(f"#m-{world.binh.pk}").get_by_role("button", name="Vắng có lý do").click()
    expect(page.locator(f"#m-{world.binh.pk} .status")).to_contain_text("Đi công tác")
    expect(page.locator("#counts")).to_contain_text("Có mặt: 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    marks = dict(Attendance.objects.values_list("member_id", "status"))
    assert marks == {world.an.pk: Status.PRESENT, world.binh.pk: Status.ABSENT_EXCUSED}
