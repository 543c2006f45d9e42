"""A reviewer works through a blind campaign in the browser and meets no name."""

import pytest

from accounts.models import Role, RoleGrant, User
from conftest import login
from reports.tests.builders import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_opens_a_blind_list_and_rates_a_report_known_by_its_number(
    world, campaign, page
):
    campaign.blind_review = True
    campaign.save(update_fields=["blind_review"])
    report = submit(world, campaign, world.an).report
    reviewer = User.objects.create_user("chambai", password="pw")
    RoleGrant.objects.create(user=reviewer, organization=world.ward, role=Role.REVIEWER)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "chambai")
    page.goto(f"/campaigns/{campaign.pk}/")
    page.click("a.button:text-is('Bài thu hoạch')")
    page.click(f"a:text-is('Bài số {report.pk}')")
    page.wait_for_selector("h1")
    body = page.inner_text("main")
    assert f"Bài số {report.pk}" in body
    assert "Nguyễn Văn An" not in body and "Chi bộ khu phố 1" not in body
    page.check("input[name=rating][value='Đạt']")
    page.click("button[value=rate]")
    page.wait_for_selector("text=Đã ghi nhận đánh giá")
