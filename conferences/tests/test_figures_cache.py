"""Dashboard figures are shared for a few seconds per (campaign, unit), behind the policy."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from conferences import services
from conferences.models import Status


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
