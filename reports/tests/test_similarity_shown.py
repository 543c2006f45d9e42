"""Look-alike scores are shown as percentages: 0.83 reads "83,00%", never "0,83%"."""

import re

import pytest
from django.urls import reverse

from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db

PERCENT = re.compile(r"(\d{1,3}),(\d{2})%")


def _percentages(html: str) -> list[float]:
    return [int(whole) + int(cents) / 100 for whole, cents in PERCENT.findall(html)]


@pytest.fixture
def near_copies(world, campaign):
    text = [essay(200, 400), essay(201, 300)]
    first = submit(world, campaign, world.an, text).report
    second = submit(world, campaign, world.binh, [text[0], text[1][:-40]], actor=world.secretary)
    return first, second.report


def test_the_report_page_shows_near_identical_texts_above_eighty_percent(
    world, near_copies, client
):
    first, second = near_copies
    client.force_login(world.secretary)
    html = client.get(reverse("reports:detail", args=[second.pk])).content.decode()
    section = html[html.index("Bài giống nhất") :]
    assert max(_percentages(section)) > 80


def test_the_comparison_shows_the_share_of_each_report_found_in_the_other(
    world, near_copies, client
):
    first, second = near_copies
    client.force_login(world.secretary)
    html = client.get(reverse("reports:compare", args=[second.pk, first.pk])).content.decode()
    shares = re.findall(r"([\d.,]+%) nội dung riêng của", html)
    assert len(shares) == 2
    assert all(_percentages(share)[0] > 80 for share in shares)


def test_the_copies_list_and_the_unit_list_show_scores_above_eighty_percent(
    world, campaign, near_copies, client
):
    client.force_login(world.secretary)
    copies = client.get(reverse("reports:copies", args=[campaign.pk]) + f"?unit={world.ward.pk}")
    table = copies.content.decode().split("Các cặp bài giống nhau")[1]
    assert min(_percentages(table)) > 80
    listing = client.get(reverse("reports:unit", args=[campaign.pk]) + f"?unit={world.ward.pk}")
    rows = listing.content.decode().split("<tbody>")[-1]
    assert min(_percentages(rows)) > 80
