"""In the browser: an article whose organiser is written unlike the unit's name is matched
to the unit, or the officer picks the unit by hand, and the conference is recorded."""

import pytest

from conferences.models import Conference
from conftest import add_unit, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "Đảng ủy Sở TN&MT Hà Nam học tập Nghị quyết số 23-NQ/TU\n"
    "Ngày đăng 16/12/2025\n"
    "Chiều ngày 15/12, Đảng ủy Sở TN&MT Hà Nam tổ chức hội nghị trực tiếp học tập, quán "
    "triệt Nghị quyết số 23-NQ/TU của Thành ủy cho gần 80 đảng viên.\n"
)


def test_the_unit_written_differently_is_proposed_and_recorded(world, campaign, page):
    department = add_unit(world.city, "Đảng bộ Sở Tài nguyên và Môi trường", "HNA-TNMT", "ĐU")
    login(page, "tuyengiao")
    page.goto("/news/read/")
    page.fill("textarea[name=text]", ARTICLE)
    page.get_by_role("button", name="Đọc bài", exact=True).click()
    page.wait_for_url("**/news/read/*/")
    assert "Chiều 15/12/2025" in page.inner_text("dl.facts")
    assert "gần 80" in page.inner_text("dl.facts")
    chosen = page.locator("select#unit option:checked")
    assert chosen.inner_text() == "Đảng bộ Sở Tài nguyên và Môi trường (khớp 95%)"
    page.click("text=Ghi nhận hội nghị do đơn vị báo cáo")
    page.wait_for_url("**/conferences/*/")
    assert Conference.objects.get().organizer == department


def test_the_officer_picks_the_unit_by_hand_when_no_match_is_certain(world, campaign, page):
    login(page, "tuyengiao")
    page.goto("/news/read/")
    page.fill("textarea[name=text]", ARTICLE.replace("Đảng ủy Sở TN&MT Hà Nam", "Đảng ủy xã Tiên"))
    page.get_by_role("button", name="Đọc bài", exact=True).click()
    page.wait_for_url("**/news/read/*/")
    assert page.locator("#unit-uncertain").is_visible()
    ranked = page.locator("select#unit optgroup").first.locator("option").all_inner_texts()
    assert ranked and ranked[0].startswith("Đảng bộ xã Tiên Tân (khớp")
    page.select_option("select#unit", label="Chi bộ thôn Đồng Ao")
    page.select_option("select#campaign", label=campaign.title)
    page.click("text=Ghi nhận hội nghị do đơn vị báo cáo")
    page.wait_for_url("**/conferences/*/")
    assert Conference.objects.get().organizer == world.commune_cell
