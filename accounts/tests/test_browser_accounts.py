"""In a real browser: the office finds a member and makes them a reviewer; six wrong
passwords leave the sign-in page saying to wait."""

import pytest

from accounts import policy
from accounts.models import User
from accounts.policy import Action
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_finds_a_member_and_makes_them_a_reviewer(world, page):
    binh = User.objects.create_user("binh", password="pw")
    world.binh.user = binh
    world.binh.save(update_fields=["user"])
    login(page, "vanphong")
    page.goto(f"/accounts/roles/unit/{world.ward.pk}/")
    page.fill("input[name=q]", "tran thi binh")
    page.click("form[role=search] button")
    page.check("input[name=member]")
    page.select_option("select[name=role]", "reviewer")
    page.click("#grant form[method=post] button.primary")
    assert "Đã phân quyền." in page.inner_text(".messages")
    assert "Trần Thị Bình (binh)" in page.inner_text("table.grid")
    assert policy.can(binh, Action.REVIEW_REPORTS, world.cell)


def test_six_wrong_passwords_leave_the_sign_in_page_saying_to_wait(world, page):
    for _ in range(6):
        login(page, "bithu", "sai")
    login(page, "bithu", "pw")
    assert page.url.endswith("/accounts/login/")
    assert "Hãy thử lại sau 1 phút." in page.inner_text(".errors")
