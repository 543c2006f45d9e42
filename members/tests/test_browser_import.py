"""A clerk imports a roster file in a real browser: upload, dry run, apply."""

import pytest
from playwright.sync_api import expect

from conftest import login
from members.models import Member
from members.tests.roster_files import newcomer, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_uploads_checks_and_applies_a_roster(world, page, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(
        xlsx([newcomer("777001", "Đinh Thị Mơ"), newcomer("777002", "Lò Văn Páo", "HNA-LH-KP1")])
    )
    login(page, "vanphong")
    page.goto(f"/members/unit/{world.ward.pk}/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    apply = page.get_by_role("button", name="Nhập 2 dòng")
    expect(apply).to_be_visible()
    expect(page.locator("body")).to_contain_text("Đinh Thị Mơ")
    assert not Member.objects.filter(card_number="777001").exists()  # a dry run writes nothing
    apply.click()
    page.get_by_role("link", name="Xem danh sách đảng viên").click()
    expect(page.locator("#member-rows")).to_contain_text("Lò Văn Páo")
    assert Member.objects.get(card_number="777002").organization == world.cell


def test_a_bad_file_gets_a_vietnamese_message_on_the_form(world, page, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(b"%PDF-1.4 not a roster")
    login(page, "vanphong")
    page.goto(f"/members/unit/{world.ward.pk}/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator(".error")).to_contain_text("không phải XLSX hoặc CSV")
