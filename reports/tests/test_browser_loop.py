"""The learning-report loop in Chromium: a reviewer compares, rates, returns and then
confirms a cell with its pending members listed; the reminded member sees the notice on
a phone, and after the confirmation sees that submission is closed."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import login
from notices.models import Notice
from reports.models import Confirmation, Report, State
from reports.tests.builders import crowd, essay, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_rates_returns_compares_and_confirms_with_pending_members_listed(
    world, campaign, page
):
    others = crowd(world.cell, 4)
    text = [essay(100, 300), essay(101, 200)]
    first = submit(world, campaign, others[0], text, actor=world.secretary).report
    second = submit(
        world, campaign, others[1], [text[0], text[1][:-60]], actor=world.secretary
    ).report
    third = submit(world, campaign, others[2], actor=world.secretary).report
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "bithu")

    page.goto(f"/reports/{first.pk}/")
    page.click(f"a[href='/reports/{first.pk}/compare/{second.pk}/']")
    page.wait_for_selector("#left mark")
    for report in (first, second):
        page.goto(f"/reports/{report.pk}/")
        page.check("input[name=rating][value='Đạt']")
        page.click("button[value=rate]")
        page.wait_for_selector("text=Đã ghi nhận đánh giá")
    page.goto(f"/reports/{third.pk}/")
    page.fill("textarea[name=comment]", "Cần liên hệ với nhiệm vụ của khu phố.")
    page.click("button[value=return]")
    page.wait_for_selector("text=Hãy chọn hạn viết lại.")
    due = timezone.localdate() + dt.timedelta(days=5)
    page.fill("input[name=new_due]", due.isoformat())  # the date picker takes ISO
    page.click("button[value=return]")
    page.wait_for_selector("text=Đã ghi nhận đánh giá")
    assert Report.objects.get(pk=third.pk).state == State.RETURNED

    # The pending list: remind An, who then has a notice.
    page.goto(f"/reports/campaign/{campaign.pk}/pending/?unit={world.cell.pk}")
    page.check(f"input[name=member][value='{world.an.pk}']")
    page.click("button:has-text('Nhắc những đồng chí đã chọn')")
    page.wait_for_selector("text=Đã nhắc 1 đồng chí.")
    assert Notice.objects.filter(member=world.an).count() == 1

    page.goto(f"/reports/campaign/{campaign.pk}/?unit={world.ward.pk}")
    page.click(f"a[href='/reports/campaign/{campaign.pk}/confirm/{world.cell.pk}/']")
    pending = page.locator("#pending tbody tr")
    assert pending.count() == 4  # An, Bình and one of the crowd due; one returned
    assert page.locator("#pending").inner_text().count("Yêu cầu viết lại") == 1
    page.check("input[name=close_pending]")
    page.click(".confirm-panel button:has-text('Xác nhận kết quả')")
    page.wait_for_selector("text=Đã xác nhận kết quả của Chi bộ khu phố 1.")
    assert Confirmation.objects.get().closed_pending == 4


def test_a_pending_member_on_a_phone_sees_the_reminder_then_that_submission_closed(
    world, campaign, page
):
    from reports import reminders, services

    reminders.reminders_send(world.secretary, campaign, world.ward, [world.an.pk])
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "an")
    assert page.locator("text=1 chưa đọc").is_visible()
    assert page.locator("button:has-text('Nộp bài')").is_visible()
    services.confirm(world.secretary, campaign, world.cell, close_pending=True)
    page.reload()
    assert page.locator("text=không nhận bài nữa").is_visible()
    assert page.locator("button:has-text('Nộp bài')").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
