"""A propaganda officer opens a campaign; a member finds it on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import login
from documents import services as documents
from documents.models import Kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_opens_a_campaign_and_a_member_reads_its_documents(world, page):
    documents.document_register(
        world.clerk, owner=world.city, symbol_raw="23-NQ/TU", kind=Kind.RESOLUTION,
        issuer_name="Thành ủy Hà Nam", issued_on=dt.date(2025, 9, 1), term=20,
        title="Về chuyển đổi số",
    )  # fmt: skip
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()  # the picker
    login(page, "tuyengiao")
    page.goto("/campaigns/new/")
    page.fill("input[name=title]", "Học tập Nghị quyết 23-NQ/TU")
    page.fill("#id_owner", "Thành ủy Hà Nam")
    page.check(f"#id_owner_results input[value='{world.city.pk}']")
    page.select_option("select[name=documents]", label="23-NQ/TU — Về chuyển đổi số")
    page.fill("input[name=conference_deadline]", deadline)
    page.locator("button.primary").click()
    expect(page.locator("h1")).to_have_text("Học tập Nghị quyết 23-NQ/TU")
    expect(page.locator("body")).to_contain_text("Đạt / Không đạt")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "an")
    page.goto("/campaigns/")
    page.get_by_role("link", name="Học tập Nghị quyết 23-NQ/TU").click()
    expect(page.locator("ol")).to_contain_text("Nhận thức của bản thân")
    page.get_by_role("link", name="Nghị quyết 23-NQ/TU").click()
    expect(page.locator("h1")).to_contain_text("23-NQ/TU")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_officer_moves_a_deadline_with_the_date_picker(world, page, campaign):
    later = campaign.conference_deadline + dt.timedelta(days=10)
    login(page, "tuyengiao")
    page.goto(f"/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Sửa đợt học tập").click()
    picker = page.locator("input[name=conference_deadline]")
    assert picker.get_attribute("type") == "date"
    assert picker.input_value() == campaign.conference_deadline.isoformat()
    picker.fill(later.isoformat())
    page.locator("button.primary").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu thay đổi của đợt học tập.")
    expect(page.locator("body")).to_contain_text(later.strftime("%d/%m/%Y"))
    campaign.refresh_from_db()
    assert campaign.conference_deadline == later
