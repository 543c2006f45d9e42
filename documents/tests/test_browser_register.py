"""A clerk registers a document by typing only its symbol, in a real browser."""

import pytest
from playwright.sync_api import expect

from conftest import login
from documents.models import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_symbol_shows_what_was_read_and_saves_the_canonical_form(world, page):
    login(page, "vanphong")
    page.goto("/documents/new/")
    page.check(f"input[name=owner][value='{world.city.pk}']")
    page.fill("input[name=symbol_raw]", "30-Ctr/TƯ")
    expect(page.locator("#symbol-preview")).to_contain_text("30-CTr/TW")
    expect(page.locator("#symbol-preview")).to_contain_text("Chương trình hành động")
    page.fill("input[name=issuer_name]", "Ban Chấp hành Trung ương")
    page.fill("input[name=issued_on]", "2024-03-15")  # the date picker takes ISO
    page.fill("input[name=term]", "13")
    page.fill(
        "textarea[name=title]", "Chương trình hành động thực hiện Nghị quyết về chuyển đổi số"
    )
    page.locator("button.primary").click()
    expect(page.locator("h1")).to_contain_text("30-CTr/TW")
    document = Document.objects.get()
    assert (document.symbol, document.symbol_raw, document.kind) == (
        "30-CTr/TW",
        "30-Ctr/TƯ",
        "chuong_trinh",
    )
    page.goto("/documents/?q=chuyen+doi+so")
    expect(page.locator(".hits mark")).to_have_text("chuyển đổi số")
