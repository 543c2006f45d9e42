"""The attendance screens on real devices: a host's phone at 375 px and the hall's
projector at 1280×720 and 1920×1080, through network drops."""

import pytest
from playwright.sync_api import expect

from conferences import checkin as tokens
from conferences import services
from conferences import views as conference_views
from conferences.models import Attendance, Status
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
PROJECTORS = [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]


def test_a_host_marks_everyone_present_then_the_exceptions_and_the_count_follows(world, page, hall):
    page.set_viewport_size(PHONE)
    login(page, "bithu")
    page.goto(f"/conferences/bridges/{hall.pk}/")
    page.get_by_role("button", name="Có mặt tất cả").click()
    expect(page.locator("#mark-all-result")).to_contain_text("Đã ghi có mặt 2 đảng viên")
    expect(page.locator("#counts")).to_contain_text("Có mặt: 2")

    binh = page.locator(f"#m-{world.binh.pk}")
    binh.locator("input[name=reason]").fill("Đi công tác")
    binh.get_by_role("button", name="Vắng có lý do").click()
    expect(page.locator(f"#m-{world.binh.pk} .status")).to_contain_text("Đi công tác")
    # The headcount above the roster follows without reloading the page.
    expect(page.locator("#counts")).to_contain_text("Có mặt: 1")
    expect(page.locator("#counts")).to_contain_text("Vắng: 1")

    small = page.evaluate(
        """() => [...document.querySelectorAll(
              '.roster-page button, .roster-page input:not([type=hidden]), .roster-page select')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    marks = dict(Attendance.objects.values_list("member_id", "status"))
    assert marks == {world.an.pk: Status.PRESENT, world.binh.pk: Status.ABSENT_EXCUSED}


@pytest.mark.parametrize("size", PROJECTORS, ids=["720p", "1080p"])
def test_the_projector_screen_fits_without_scrolling_and_shows_no_menu(world, page, hall, size):
    page.set_viewport_size(size)
    login(page, "bithu")
    page.goto(f"/conferences/bridges/{hall.pk}/screen/")
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.locator("#present")).to_have_text("0")
    assert page.evaluate("document.documentElement.scrollHeight") <= page.evaluate(
        "window.innerHeight"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    qr = page.locator(".qr svg").bounding_box()
    assert qr["y"] + qr["height"] <= size["height"] and qr["height"] >= size["height"] * 0.6
    counts = page.locator("#headcount").bounding_box()
    assert counts["y"] + counts["height"] <= size["height"]
    text = page.inner_text("body")
    assert "bithu" not in text and "Đăng xuất" not in text
    assert page.locator("header.topbar, nav").count() == 0


def test_the_projector_screen_recovers_after_the_network_drops(world, page, hall, monkeypatch):
    monkeypatch.setattr(tokens, "ROTATE_SECONDS", 2)
    monkeypatch.setattr(conference_views, "SCREEN_COUNTS_SECONDS", 1)
    login(page, "bithu")
    page.set_viewport_size(PROJECTORS[0])
    page.goto(f"/conferences/bridges/{hall.pk}/screen/")
    first = page.locator(".qr").get_attribute("data-url")

    page.route("**/counts/**", lambda route: route.abort("internetdisconnected"))
    page.route("**/qr/", lambda route: route.fulfill(status=502, body="Bad gateway"))
    expect(page.locator("#offline")).to_be_visible()
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    expect(page.locator("#present")).to_have_text("0")  # nothing new can arrive

    page.unroute("**/counts/**")
    page.unroute("**/qr/")
    expect(page.locator("#present")).to_have_text("1", timeout=15_000)
    expect(page.locator("#offline")).to_be_hidden(timeout=15_000)
    page.wait_for_function(
        "url => document.querySelector('.qr').dataset.url !== url", arg=first, timeout=15_000
    )
    expect(page.locator(".qr svg")).to_be_visible()


def test_a_code_that_expired_during_an_outage_is_taken_off_the_screen(
    world, page, hall, monkeypatch
):
    monkeypatch.setattr(tokens, "ROTATE_SECONDS", 1)
    monkeypatch.setattr(tokens, "MAX_AGE_SECONDS", 3)
    login(page, "bithu")
    page.goto(f"/conferences/bridges/{hall.pk}/screen/")
    page.route("**/qr/", lambda route: route.abort("internetdisconnected"))
    expect(page.locator("#qr-box")).to_have_class("qr-box stale", timeout=15_000)
    expect(page.locator(".qr")).to_be_hidden()
    page.unroute("**/qr/")
    expect(page.locator(".qr svg")).to_be_visible(timeout=15_000)
