"""Dashboard figures are shared for a few seconds per (campaign, unit), behind the policy."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken, Role, RoleGrant
from conferences import services
from conferences.models import Status
from nghiquyet.caching import figures_key


@pytest.fixture
def shared_figures(settings):
    settings.FIGURES_CACHE_SECONDS = 30
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def test_a_second_look_within_the_interval_sums_nothing_again(
    world, client, campaign, hall, shared_figures
):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    client.force_login(world.propaganda)
    url = reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk})
    with CaptureQueriesContext(connection) as first:
        first_page = client.get(url).content.decode()
    services.attendance_mark(world.secretary, hall, world.binh, Status.PRESENT)
    with CaptureQueriesContext(connection) as second:
        second_page = client.get(url).content.decode()

    assert len(second) < len(first) - 8
    assert "1/3 đảng viên phải học tập đã tham dự" in second_page
    assert "1/3 đảng viên phải học tập đã tham dự" in first_page
    cache.clear()  # the interval has passed
    assert "2/3 đảng viên phải học tập đã tham dự" in client.get(url).content.decode()


def test_figures_someone_else_cached_stay_behind_the_policy(
    world, client, campaign, hall, shared_figures
):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    url = reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk})
    client.force_login(world.propaganda)
    assert client.get(url, {"unit": world.commune.pk}).status_code == 200

    client.force_login(world.secretary)  # the ward's secretary: not the commune
    assert client.get(url, {"unit": world.commune.pk}).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url, {"unit": world.ward.pk}).status_code == 404
    api = f"/api/v1/campaigns/{campaign.pk}/rollup?unit={world.commune.pk}"

    _token, raw = ApiToken.issue(world.secretary, "x")
    assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code in (403, 404)


def test_the_campaign_dashboard_is_shared_too(world, client, campaign, hall, shared_figures):
    client.force_login(world.propaganda)
    url = reverse("reporting:dashboard", kwargs={"campaign_pk": campaign.pk})
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert len(second) < len(first)


def _attended_column(page: str) -> list[str]:
    return re.findall(r'<td class="num" data-label="Đã dự">([^<]*)</td>', page)


def test_the_table_of_units_below_comes_from_the_same_computation_as_the_totals(
    world, client, campaign, hall, shared_figures
):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    client.force_login(world.propaganda)
    url = reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk})
    first = client.get(url).content.decode()
    services.attendance_mark(world.secretary, hall, world.binh, Status.PRESENT)
    second = client.get(url).content.decode()
    assert "1/3 đảng viên phải học tập đã tham dự" in first
    assert _attended_column(first) == _attended_column(second) == ["1", "0"]
    assert "1/3 đảng viên phải học tập đã tham dự" in second

    # The interval ends for the figures; the table drawn from them is still in the cache
    # and must not be shown beside the new totals.
    cache.delete(figures_key("rollup", campaign.pk, campaign.owner_id))
    third = client.get(url).content.decode()
    assert "2/3 đảng viên phải học tập đã tham dự" in third
    assert _attended_column(third) == ["2", "0"]


def test_a_shared_table_keeps_what_depends_on_who_asks(
    world, client, campaign, hall, shared_figures
):
    """The officer who follows up reports gets links to who has not handed in; the
    inspector, reading the same shared figures just after, gets the numbers only."""
    url = reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk})
    pending = reverse("reports:pending", kwargs={"campaign_pk": campaign.pk})
    row_link = f'{pending}?unit={world.ward.pk}"'
    client.force_login(world.propaganda)
    assert row_link in client.get(url).content.decode()
    client.force_login(world.inspector)
    assert row_link not in client.get(url).content.decode()
    client.force_login(world.propaganda)
    assert row_link in client.get(url).content.decode()

    cells = client.get(url, {"unit": world.ward.pk, "closed": "1"}).content.decode()
    assert _attended_column(cells) == ["0", "0"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_shared_dashboard_links_only_what_each_user_may_review(
    world, client, campaign, hall, shared_figures
):
    url = reverse("reporting:dashboard", kwargs={"campaign_pk": campaign.pk})
    reports = reverse("reports:unit", kwargs={"campaign_pk": campaign.pk})
    link = f'{reports}?unit={world.ward.pk}"'
    client.force_login(world.propaganda)
    first = client.get(url).content.decode()
    second = client_for(world.inspector).get(url).content.decode()
    client.force_login(world.propaganda)
    third = client.get(url).content.decode()
    assert link in first
    assert link not in second
    assert link in third
    assert "Đảng bộ phường Lam Hạ" in second

    # Like the inspector, no review of the city; unlike him, the ward's reviewer.
    RoleGrant.objects.create(user=world.inspector, organization=world.ward, role=Role.REVIEWER)
    assert link in client_for(world.inspector).get(url).content.decode()
