"""Form controls write in the page's font: a monospace default detaches Vietnamese marks."""

import pytest

from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAMILIES = """() => {
  const body = getComputedStyle(document.body).fontFamily;
  const found = document.querySelectorAll('main :is(textarea, input, select, button)');
  const controls = [...found];
  return {body, controls: controls.map(el => [el.tagName, getComputedStyle(el).fontFamily])};
}"""


def test_the_report_box_and_other_controls_use_the_body_font(world, campaign, page):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "an")
    page.goto(f"/reports/campaign/{campaign.pk}/write/")
    found = page.evaluate(FAMILIES)
    assert "monospace" not in found["body"]
    tags = {tag for tag, _ in found["controls"]}
    assert {"TEXTAREA", "BUTTON"} <= tags
    assert [c for c in found["controls"] if c[1] != found["body"]] == []


def test_the_unit_form_inputs_and_selects_use_the_body_font(world, page):
    login(page, "vanphong")
    page.goto(f"/units/{world.city.pk}/add/")
    found = page.evaluate(FAMILIES)
    tags = {tag for tag, _ in found["controls"]}
    assert {"INPUT", "SELECT", "BUTTON"} <= tags
    assert [c for c in found["controls"] if c[1] != found["body"]] == []
