"""Journey 4, on the demo data at 1280 px: the ward committee reviews the reports of its
cell: it compares the two look-alike reports the demo holds, rates one report, returns
one for rewriting, rates the rest, and confirms the cell's results on a page that lists
the members still due and asks before it closes them out."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Member, MemberStatus
from reports.models import Confirmation, Pair, Report, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _percent(share: float) -> str:
    return f"{share * 100:.2f}".replace(".", ",") + "%"


def test_a_reviewer_compares_rates_returns_and_confirms_the_cell(journey):
    pair = Pair.objects.get()
    cell = pair.a.member.organization
    page = journey.sign_in("bithu")
    page.goto(f"/campaigns/{journey.campaign.pk}/")
    page.get_by_role("link", name="Bài thu hoạch", exact=True).click()
    expect(page.locator("h1")).to_contain_text(journey.ward.name)
    journey.read()

    # The look-alikes: flagged in the list, compared side by side.
    page.check("input[name=flagged]")
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("table.grid:not(.rollup) tbody tr")
    expect(rows).to_have_count(2)
    assert "Nghi sao chép: 2" in journey.read(".report-figures")
    closest = max(pair.jaccard, pair.containment)  # the list shows the higher of the two
    for row in range(2):
        expect(rows.nth(row)).to_contain_text(_percent(closest))
    page.get_by_role("link", name=pair.a.member.full_name).click()
    similar = journey.read(".similar")
    assert f"Bài số {pair.b_id}\t{_percent(pair.jaccard)}\t{_percent(pair.containment)}" in similar
    assert 0.7 <= pair.jaccard < 1
    page.locator(".similar").get_by_role("link", name="So sánh").click()
    expect(page.locator("h1")).to_have_text("So sánh bài thu hoạch")
    lead = journey.read(".lead")
    assert f"{_percent(pair.containment)} nội dung riêng của" in lead
    assert page.locator("#left mark").count() > 0 and page.locator("#right mark").count() > 0
    shared = page.locator("#left mark").all_inner_texts()
    assert any("Điều lệ Đảng" in text for text in shared)

    # Rate one report and return another, each seen on its page.
    waiting = list(
        Report.objects.filter(campaign=journey.campaign, state=State.SUBMITTED)
        .exclude(pk__in=[pair.a_id, pair.b_id])
        .exclude(member__status=MemberStatus.EXEMPT)  # they write by choice, listed apart
        .select_related("member")
        .order_by("pk")
    )
    rated, returned = waiting[0], waiting[1]
    page.goto(f"/reports/{rated.pk}/")
    page.check("input[name=rating][value='Đạt']")
    page.get_by_role("button", name="Ghi xếp loại").click()
    expect(page.get_by_text("Đã ghi nhận đánh giá")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Đạt")
    page.goto(f"/reports/{returned.pk}/")
    page.fill("textarea[name=comment]", "Cần nêu việc cụ thể của đồng chí ở khu phố.")
    rewrite_by = timezone.localdate() + dt.timedelta(days=5)
    page.fill("input[name=new_due]", f"{rewrite_by:%Y-%m-%d}")
    page.get_by_role("button", name="Yêu cầu viết lại").click()
    expect(page.get_by_text("Đã ghi nhận đánh giá")).to_be_visible()
    reviews = journey.read()
    assert f"(hạn {rewrite_by:%d/%m/%Y})" in reviews and "Cần nêu việc cụ thể" in reviews
    assert Report.objects.get(pk=returned.pk).state == State.RETURNED, reviews

    # Confirming waits until every submitted report is rated or returned.
    page.goto(f"/reports/campaign/{journey.campaign.pk}/?unit={journey.ward.pk}")
    page.get_by_role("link", name="Xác nhận kết quả…").click()
    left = Report.objects.filter(campaign=journey.campaign, state=State.SUBMITTED).count()
    assert left > 0
    expect(page.get_by_role("alert")).to_contain_text(f"Còn {left} bài đã nộp chưa được đánh giá")
    assert page.locator(".confirm-panel").count() == 0
    page.get_by_role("link", name="Xem các bài chờ đánh giá").click()
    expect(page.locator("table.grid:not(.rollup) tbody tr")).to_have_count(left)
    for report in Report.objects.filter(campaign=journey.campaign, state=State.SUBMITTED):
        page.goto(f"/reports/{report.pk}/")
        page.check("input[name=rating][value='Đạt']")
        page.get_by_role("button", name="Ghi xếp loại").click()
        expect(page.get_by_text("Đã ghi nhận đánh giá")).to_be_visible()

    page.goto(f"/reports/campaign/{journey.campaign.pk}/?unit={journey.ward.pk}")
    page.get_by_role("link", name="Xác nhận kết quả…").click()
    handed_in = Report.objects.filter(campaign=journey.campaign, state=State.RATED)
    still_due = (
        Member.objects.active()
        .filter(organization=cell)
        .exclude(status=MemberStatus.EXEMPT)
        .exclude(pk__in=handed_in.values("member_id"))
    )
    names = sorted(m.full_name for m in still_due)
    listed = page.locator("#pending tbody tr td:first-child").all_inner_texts()
    assert sorted(listed) == names
    expect(page.locator("h2").first).to_contain_text(
        f"{len(names)} đảng viên chưa nộp hoặc đang viết lại"
    )
    expect(page.locator("#pending tr", has_text=returned.member.full_name)).to_contain_text(
        "Yêu cầu viết lại"
    )
    expect(page.locator("#pending tr", has_text=journey.member.full_name)).to_contain_text(
        "Chưa nộp"
    )
    panel = journey.read(".confirm-panel")
    assert f"{len(names)} đảng viên trong danh sách trên sẽ không nộp được bài nữa" in panel
    page.locator(".confirm-panel").get_by_role("button", name="Xác nhận kết quả").click()
    assert Confirmation.objects.count() == 0  # the box about those still due is unticked
    page.check("input[name=close_pending]")
    page.locator(".confirm-panel").get_by_role("button", name="Xác nhận kết quả").click()
    expect(page.get_by_text(f"Đã xác nhận kết quả của {cell.name}.")).to_be_visible()
    expect(page.locator("ul.plain li", has_text=cell.name)).to_contain_text("Đã xác nhận")
    assert Confirmation.objects.get().closed_pending == len(names)
