"""Dashboards read from the replica when one is configured; writes never go there."""

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences import services
from conferences.models import Attendance, Status
from members.models import Member
from nghiquyet.routers import replica_reads


def test_reads_go_to_the_replica_only_inside_a_dashboard_block(settings):
    settings.DASHBOARD_DATABASE = "replica"
    assert router.db_for_read(Member) == "default"
    with replica_reads():
        assert router.db_for_read(Member) == "replica"
        assert router.db_for_write(Member) == "default"
    assert router.db_for_read(Member) == "default"
    settings.DASHBOARD_DATABASE = ""
    with replica_reads():
        assert router.db_for_read(Member) == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_rollup_page_sums_on_the_replica_and_marks_are_written_to_the_primary(
    world, client, campaign, conference, settings
):
    settings.DASHBOARD_DATABASE = "replica"
    hall = conference.bridge_points.get(is_main=True)
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    assert Attendance.objects.using("default").filter(member=world.an).exists()
    client.force_login(world.propaganda)
    url = reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk})

    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = client.get(url).content.decode()

    assert "1/3 đảng viên phải học tập đã tham dự" in page
    assert any("conferences_subtreetally" in q["sql"] for q in on_replica.captured_queries)
    assert not any("tally" in q["sql"] for q in on_primary.captured_queries)
    assert not any(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for q in on_replica.captured_queries
    )
    client.force_login(world.outsider)
    assert client.get(url, {"unit": world.ward.pk}).status_code == 404
