"""A member writes on a phone; a reviewer compares two look-alike reports."""

import pytest

from conftest import login
from reports.models import Version
from reports.tests.builders import essay, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_submits_from_a_phone_sized_screen(world, campaign, page):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "an")
    page.goto(f"/reports/campaign/{campaign.pk}/write/")
    assert page.locator("#due").is_visible()
    page.fill("#section_1", essay(1, 120))
    page.fill("#section_2", "Trách nhiệm của bản thân: gương mẫu thực hiện nghị quyết.")
    page.wait_for_selector("#saved:has-text('Đã lưu nháp')", timeout=10_000)
    page.reload()  # nothing typed is lost
    assert "gương mẫu" in page.input_value("#section_2")
    page.click("button.primary")
    page.wait_for_selector("#receipt")
    assert "Đã nộp lần 1" in page.inner_text("#receipt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert Version.objects.count() == 1


def test_reviewer_compares_two_reports_side_by_side(world, campaign, page):
    text = [essay(100, 300), essay(101, 200)]
    mine = submit(world, campaign, world.an, text).report
    other = submit(
        world, campaign, world.binh, [text[0], text[1][:-50]], actor=world.secretary
    ).report
    login(page, "bithu")
    page.goto(f"/reports/{mine.pk}/")
    page.click(f"a[href='/reports/{mine.pk}/compare/{other.pk}/']")
    page.wait_for_selector("#left mark")
    assert page.locator("#left mark").count() >= 1 and page.locator("#right mark").count() >= 1
    page.goto(f"/reports/{mine.pk}/")
    page.check("input[name=rating][value='Đạt']")
    page.click("button[value=rate]")
    page.wait_for_selector("text=Đã ghi nhận đánh giá")
