"""Journey 1, on the demo data at 1280 px: the city office registers a document, the city
propaganda officer opens a study campaign on it and finds it listed with its rules."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Về phát triển văn hóa đọc trong cán bộ, đảng viên"


def test_a_document_registered_becomes_a_campaign_listed_with_its_rules(journey):
    page = journey.sign_in("vanphong")
    page.goto("/documents/new/")
    journey.choose("owner", journey.root)
    page.fill("input[name=symbol_raw]", "41- NQ/TU")
    expect(page.locator("#symbol-preview")).to_contain_text("41-NQ/TU")
    page.fill("input[name=issuer_name]", journey.root.name)
    page.fill("input[name=issued_on]", "2026-11-02")
    page.fill("input[name=term]", "20")
    page.fill("textarea[name=title]", TITLE)
    page.locator("button.primary").click()
    expect(page.locator("h1")).to_contain_text("41-NQ/TU")
    shown = journey.read()
    assert TITLE in shown and "02/11/2026" in shown

    page = journey.sign_in("tuyengiao")
    page.goto("/campaigns/new/")
    page.fill("input[name=title]", "Học tập, quán triệt Nghị quyết 41-NQ/TU")
    journey.choose("owner", journey.root)
    page.select_option("select[name=documents]", label=f"41-NQ/TU — {TITLE}")
    deadline = timezone.localdate() + dt.timedelta(days=25)
    page.fill("input[name=conference_deadline]", f"{deadline:%Y-%m-%d}")
    page.fill("input[name=report_days]", "10")
    page.fill("input[name=scale_text]", "Tốt, Đạt, Không đạt")
    page.locator("button.primary").click()
    expect(page.locator("h1")).to_have_text("Học tập, quán triệt Nghị quyết 41-NQ/TU")

    page.goto("/campaigns/")
    row = page.locator("tr", has_text="Học tập, quán triệt Nghị quyết 41-NQ/TU")
    expect(row).to_contain_text(journey.root.name)
    expect(row).to_contain_text(f"{deadline:%d/%m/%Y}")
    journey.read()
    row.get_by_role("link").click()
    rules = journey.read()
    assert f"Hạn tổ chức hội nghị\n{deadline:%d/%m/%Y}" in rules
    assert "10 ngày sau hội nghị" in rules
    assert "Tốt / Đạt / Không đạt" in rules
    assert f"Nghị quyết 41-NQ/TU — {TITLE}" in rules
    assert "Nhận thức của bản thân" in page.inner_text("ol")
