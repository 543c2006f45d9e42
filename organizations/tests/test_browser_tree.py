"""A clerk clicks through the tree and the member list in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_browses_the_tree_and_finds_a_member_without_diacritics(world, page):
    login(page, "vanphong")
    page.wait_for_url("**/accounts/today/")  # officers land on what is due
    page.click("#menu nav >> text=Tổ chức")
    page.wait_for_url("**/units/*/")
    assert page.locator("h1").inner_text().startswith("Thành ủy Hà Nam")
    page.get_by_role("link", name="Đảng bộ phường Lam Hạ").click()
    row = page.locator("tr", has_text="Chi bộ khu phố 1")
    assert row.locator("td.num").inner_text() == "2"
    page.get_by_role("link", name="Danh sách đảng viên").click()
    page.fill("input[name=q]", "nguyen van an")
    rows = page.locator("#member-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nguyễn Văn An")
    expect(page).to_have_url(re.compile(r"q=nguyen(\+|%20)van(\+|%20)an"))
    assert "Ninh Bình" not in page.content()


def test_a_clerk_adds_a_unit_and_sees_a_vietnamese_error_first(world, page):
    login(page, "vanphong")
    page.goto(f"/units/{world.ward.pk}/add/")
    page.fill("input[name=name]", "Chi bộ khu phố 3")
    page.fill("input[name=code]", "HNA-LH-KP1")  # taken
    page.select_option("select[name=level]", label="Chi bộ")
    page.click("button.primary")
    assert "đã được dùng" in page.locator(".error").inner_text()
    page.fill("input[name=code]", "HNA-LH-KP3")
    page.click("button.primary")
    page.wait_for_url("**/units/*/")
    assert page.locator("h1").inner_text() == "Chi bộ khu phố 3"


def test_the_layout_fits_a_phone(world, page):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "vanphong")
    page.goto(f"/members/unit/{world.city.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
