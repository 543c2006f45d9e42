"""A reviewer goes through their list with the keyboard."""

import pytest
from playwright.sync_api import expect

from conftest import add_member, login
from reports.models import Report
from reports.tests.builders import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_j_and_k_move_through_the_list_but_not_while_typing_a_comment(world, campaign, page):
    add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    for member in world.cell.members.all():
        submit(world, campaign, member)
    login(page, "bithu")
    page.goto(f"/reports/campaign/{campaign.pk}/?unit={world.ward.pk}")
    page.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page.locator("nav.queue")).to_contain_text("Bài 1/2 trong danh sách")
    expect(page.locator("nav.queue")).to_contain_text("J — bài sau")
    first = page.url

    # The keys are the deferred script's: they act once the page has run it.
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press("j")
    expect(page.locator("nav.queue")).to_contain_text("Bài 2/2 trong danh sách")
    second = page.url
    assert second != first and f"unit={world.ward.pk}" in second
    page.wait_for_load_state("domcontentloaded")

    page.locator("textarea[name=comment]").fill("")
    page.locator("textarea[name=comment]").press("k")
    expect(page.locator("textarea[name=comment]")).to_have_value("k")
    assert page.url == second

    page.locator("h1").click()
    page.keyboard.press("k")
    expect(page.locator("nav.queue")).to_contain_text("Bài 1/2 trong danh sách")
    assert Report.objects.count() == 2
