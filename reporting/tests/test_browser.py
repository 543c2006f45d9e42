"""The campaign dashboard with its charts, as a propaganda officer sees it."""

from pathlib import Path

import pytest

from conferences import services as conferences
from conferences.models import Status
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_screenshot_with_charts(world, campaign, conference, page, tmp_path):
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    login(page, "tuyengiao")
    page.goto(f"/reporting/campaign/{campaign.pk}/")
    page.wait_for_selector("figure.chart svg rect")
    assert page.locator("figure.chart").count() >= 3
    assert "1/3 đảng viên phải học tập đã tham dự, đạt 33,33%." in page.inner_text("#phrases")
    shot = Path(tmp_path) / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.click(f"a[href='?unit={world.ward.pk}']")
    page.wait_for_url(f"**/reporting/campaign/{campaign.pk}/?unit={world.ward.pk}")
    assert "Chi bộ khu phố 1" in page.inner_text("main")
