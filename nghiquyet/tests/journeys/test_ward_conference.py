"""Journey 2, on the demo data: the ward committee schedules a conference (1280 px), ticks
the roster on a phone (375 px), shows the QR code, a member checks in by its link (in a
busy minute: the receipt first, the outcome once the drain has applied it), the
committee downloads the attendance list and schedules a make-up briefing for the
absentee it ticks."""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from campaigns.services import campaign_create
from conferences import inbox, services
from conferences.models import Attendance, BridgePoint, Makeup, Status
from conferences.tests.inbox_builders import queue_busy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 740}
TITLE = "Hội nghị học tập chuyên đề năm 2026"


def _second_campaign(journey):
    """The city opens a second campaign on the demo resolution (journey 1 does it in the
    browser), so the ward's members have no marks yet."""
    return campaign_create(
        User.objects.get(username="tuyengiao"),
        owner=journey.root,
        documents=[journey.campaign.documents.get()],
        title="Học tập chuyên đề năm 2026",
        conference_deadline=timezone.localdate() + dt.timedelta(days=20),
    )


def test_the_ward_runs_its_conference_from_schedule_to_make_up(journey, tmp_path):
    campaign = _second_campaign(journey)
    today = timezone.localdate()
    page = journey.sign_in("bithu")
    page.goto(f"/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Lên lịch hội nghị").click()
    journey.choose("organizer", journey.ward)
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=starts_at]", f"{today:%Y-%m-%d}T00:05")
    page.fill("input[name=ends_at]", f"{today:%Y-%m-%d}T23:55")
    page.select_option("select[name=format]", "in_person")
    page.fill("input[name=venue]", "Hội trường Đảng ủy phường")
    page.fill("input[name=chair]", "Nguyễn Văn Hùng")
    page.fill("input[name=chair_title]", "Bí thư Đảng ủy phường")
    page.fill("textarea[name=topics_text]", "Những điểm mới của Nghị quyết | Đồng chí Bí thư")
    page.locator("button.primary").click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    facts = journey.read()
    assert journey.ward.name in facts and "Trực tiếp" in facts
    assert f"{today:%d/%m/%Y}" in facts and "Nguyễn Văn Hùng, Bí thư Đảng ủy phường" in facts
    point = BridgePoint.objects.get(conference__campaign=campaign)
    roster = list(services.roster(point).order_by("pk"))
    present, excused, unexcused = [m for m in roster if m.pk != journey.member.pk][:3]

    # On a phone: the roster, ticked one by one.
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name=point.name).first.click()
    expect(page.locator("h1")).to_have_text(point.name)
    assert f"{len(roster)} đảng viên phải dự" in journey.read()
    page.locator(f"#m-{present.pk}").get_by_role("button", name="Có mặt").click()
    expect(page.locator(f"#m-{present.pk} .status")).to_contain_text("Có mặt")
    row = page.locator(f"#m-{excused.pk}")
    row.locator("input[name=reason]").fill("Đi công tác")
    row.get_by_role("button", name="Vắng có lý do").click()
    expect(page.locator(f"#m-{excused.pk} .status")).to_contain_text("Vắng có lý do: Đi công tác")
    page.locator(f"#m-{unexcused.pk}").get_by_role("button", name="Vắng không lý do").click()
    expect(page.locator(f"#m-{unexcused.pk} .status")).to_contain_text("Vắng không lý do")
    expect(page.locator("#counts")).to_contain_text("Có mặt: 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The QR code on the hall's screen; a member's phone opens its link.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Hiện mã QR").click()
    expect(page.locator(".qr svg")).to_be_visible()
    scanned = page.locator(".qr").get_attribute("data-url")
    phone = page.context.browser.new_context(
        base_url=page.url.split("/conferences/")[0], viewport=PHONE, locale="vi-VN"
    )
    member = phone.new_page()
    member.goto("/accounts/login/")
    member.fill("input[name=username]", "dangvien")
    member.fill("input[name=password]", journey.password)
    member.click("button[type=submit]")
    member.wait_for_load_state()
    member.goto(scanned)
    expect(member.locator("h1")).to_have_text(TITLE)
    queue_busy()  # a province is checking in: the check-in waits for the drain
    member.get_by_role("button", name="Xác nhận có mặt").click()
    expect(member.get_by_role("status")).to_have_text("Đã nhận, đang ghi nhận điểm danh…")
    assert not Attendance.objects.filter(member=journey.member, campaign=campaign).exists()
    assert len(inbox.checkin_drain()) == 1
    # The receipt page reloads itself and shows the outcome.
    expect(member.get_by_role("status")).to_contain_text(
        f"Đã điểm danh có mặt lúc {timezone.localtime():%d/%m/%Y}"
    )
    due = Attendance.objects.get(member=journey.member, campaign=campaign).report_due
    assert f"Hạn nộp bài thu hoạch: {due:%d/%m/%Y}." in member.inner_text("main")
    assert member.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()

    # The attendance list, downloaded and opened.
    page.goto(f"/conferences/bridges/{point.pk}/")
    expect(page.locator(f"#m-{journey.member.pk} .status")).to_contain_text("Quét mã QR")
    expect(page.locator("#counts")).to_contain_text("Có mặt: 2")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Danh sách (XLSX)").click()
    path = Path(tmp_path) / "diem-danh.xlsx"
    caught.value.save_as(path)
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert rows[present.full_name][2:] == (
        present.card_number,
        present.organization.name,
        "Có mặt",
        None,
    )
    assert rows[excused.full_name][4:] == ("Vắng có lý do", "Đi công tác")
    assert rows[unexcused.full_name][4:] == ("Vắng không lý do", None)
    assert rows[journey.member.full_name][4] == "Có mặt"
    assert len([name for name in rows if name in {m.full_name for m in roster}]) == len(roster)

    # Make-up briefing for the absentee the committee ticks.
    page.goto(f"/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Vắng mặt và học bù").click()
    table = journey.read("table")
    assert excused.full_name in table and unexcused.full_name in table
    page.get_by_role("checkbox", name=unexcused.full_name).check()
    day = today + dt.timedelta(days=3)
    page.fill("input[name=held_on]", f"{day:%Y-%m-%d}")
    page.fill("input[name=venue]", "Nhà văn hóa khu phố")
    page.get_by_role("button", name="Lên lịch học bù").click()
    expect(page.get_by_text("Đã lên lịch học bù.")).to_be_visible()
    briefing = journey.read()
    assert f"Buổi học bù {day:%d/%m/%Y}" in briefing and unexcused.full_name in briefing
    assert excused.full_name not in briefing and "Nhà văn hóa khu phố" in briefing
    page.get_by_role("link", name="Vắng mặt và học bù").first.click()
    expect(page.locator("tr", has_text=unexcused.full_name)).to_contain_text(f"{day:%d/%m/%Y}")
    expect(page.locator("tr", has_text=excused.full_name)).to_contain_text("Chưa xếp lịch")
    makeup = Makeup.objects.get()
    assert [a.member_id for a in makeup.attendances.all()] == [unexcused.pk]
    assert Attendance.objects.get(member=excused, campaign=campaign).status == (
        Status.ABSENT_EXCUSED
    )
