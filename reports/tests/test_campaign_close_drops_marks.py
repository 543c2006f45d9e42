"""Closing a campaign ends it for good: no report is accepted any more and its copy index
is dropped (on PostgreSQL its partition, one statement) while every other campaign's
marks, its own pairs and the evidence pages stay. Only those who manage the campaign's
unit may close it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from campaigns import services as campaign_services
from reports import copies
from reports.models import BandKey, Fingerprint, Pair, Report
from reports.services import SubmitRefused
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(campaign):
    clone = type(campaign).objects.get(pk=campaign.pk)
    clone.pk = None
    clone.title = "Học tập Nghị quyết khác"
    clone.save()
    return clone


@pytest.fixture
def copied(world, campaign, other):
    """An and Bình copy one section in the campaign; the other campaign has marks too."""
    copies.marks_partition(campaign.pk)  # as the campaigns' creation does
    copies.marks_partition(other.pk)
    sample = essay(700, 300)
    submit(world, campaign, world.an, [sample, essay(701, 200)])
    submit(world, campaign, world.binh, [sample, essay(702, 200)], actor=world.secretary)
    submit(world, other, world.an, [essay(710, 300), essay(711, 200)])
    assert Pair.objects.filter(campaign=campaign).count() == 1
    return campaign


def marks(campaign) -> set:
    return set(BandKey.objects.filter(campaign_id=campaign.pk).values_list("key", "report_id"))


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_closing_drops_the_campaigns_marks_and_keeps_everything_else(
    world, copied, other, client, django_capture_on_commit_callbacks
):
    campaign = copied
    kept = marks(other)
    pairs = set(Pair.objects.values_list("a_id", "b_id", "jaccard", "containment"))
    fingerprints = Fingerprint.objects.count()
    assert marks(campaign) and kept
    client.force_login(world.propaganda)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("campaigns:close", args=[campaign.pk]), {"confirmed": "yes"}, follow=True
        )
    assert "Đã kết thúc đợt học tập" in page.content.decode()
    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    assert marks(campaign) == set()
    assert marks(other) == kept
    assert set(Pair.objects.values_list("a_id", "b_id", "jaccard", "containment")) == pairs
    assert Fingerprint.objects.count() == fingerprints
    # The evidence of a stored pair reads the pair and the texts, not the marks.
    pair = Pair.objects.get(campaign=campaign)
    evidence = client.get(reverse("reports:compare", args=[pair.b_id, pair.a_id]))
    assert evidence.status_code == 200
    assert copies.similar_to(Report.objects.get(pk=pair.a_id))[0][1] == pair.b_id


def test_on_postgresql_the_partition_is_gone_and_nothing_else_is_touched(
    world, copied, other, django_capture_on_commit_callbacks
):
    if connection.vendor != "postgresql":
        pytest.skip("các phân vùng chỉ có trên PostgreSQL")
    campaign = copied
    copies.marks_write(99_999, [1, 2], [5, 6])  # a campaign without partition: default
    tables = (
        "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i"
        " JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'reports_bandkey'::regclass"
    )
    before = scalar(tables).split(",")
    other_rows = scalar(f"SELECT count(*) FROM reports_bandkey_c{other.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.campaign_close(world.propaganda, campaign)
    assert scalar("SELECT to_regclass(%s) IS NULL", [f"reports_bandkey_c{campaign.pk}"])
    assert scalar(tables).split(",") == [
        name for name in before if name != f"reports_bandkey_c{campaign.pk}"
    ]
    assert scalar(f"SELECT count(*) FROM reports_bandkey_c{other.pk}") == other_rows > 0
    assert scalar("SELECT count(*) FROM reports_bandkey_default") == 2

    # A campaign created afterwards still gets its partition.
    with django_capture_on_commit_callbacks(execute=True):
        created = campaign_services.campaign_create(
            world.propaganda,
            documents=list(campaign.documents.all()),
            title="Học tập chuyên đề",
            owner=world.city,
            conference_deadline=campaign.conference_deadline,
        )
    assert scalar("SELECT to_regclass(%s) IS NOT NULL", [f"reports_bandkey_c{created.pk}"])


def test_a_closed_campaign_takes_no_report(world, copied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_services.campaign_close(world.propaganda, copied)
    with pytest.raises(SubmitRefused, match="Đợt học tập đã kết thúc"):
        submit(world, campaign, world.an, [essay(720, 300), essay(721, 200)])
    with pytest.raises(ValidationError, match="đã kết thúc"):
        campaign_services.campaign_close(world.propaganda, campaign)


def test_a_rebuild_of_a_closed_campaign_keeps_its_pairs_and_no_marks(
    world, copied, django_capture_on_commit_callbacks
):
    campaign = copied
    pairs = set(Pair.objects.filter(campaign=campaign).values_list("a_id", "b_id", "jaccard"))
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.campaign_close(world.propaganda, campaign)
    copies.campaign_reindex(campaign)
    assert set(Pair.objects.filter(campaign=campaign).values_list("a_id", "b_id", "jaccard")) == (
        pairs
    )
    assert marks(campaign) == set()


def test_closing_is_confirmed_in_the_page_first(world, campaign, client):
    client.force_login(world.propaganda)
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "không mở lại được" in detail  # the consequence, stated before the final button
    page = client.post(reverse("campaigns:close", args=[campaign.pk]), follow=True)
    assert "không hoàn tác được" in page.content.decode()
    campaign.refresh_from_db()
    assert campaign.closed_at is None


@pytest.mark.parametrize("who", ["secretary", "outsider", "member_user"])
def test_only_who_manages_the_campaigns_unit_may_close_it(world, campaign, client, who):
    client.force_login(getattr(world, who))
    answer = client.post(reverse("campaigns:close", args=[campaign.pk]), {"confirmed": "yes"})
    assert answer.status_code in (403, 404)
    campaign.refresh_from_db()
    assert campaign.closed_at is None


def test_a_campaign_closed_during_a_rebuild_loses_its_marks_when_the_rebuild_ends(
    world, copied, django_capture_on_commit_callbacks
):
    campaign = copied
    pairs = set(Pair.objects.filter(campaign=campaign).values_list("a_id", "b_id", "jaccard"))
    rebuild = copies.rebuild_start(campaign, batch=1)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.campaign_close(world.propaganda, campaign)
    copies.rebuild_work(rebuild.pk)
    rebuild.refresh_from_db()
    assert rebuild.finished_at is not None
    assert set(Pair.objects.filter(campaign=campaign).values_list("a_id", "b_id", "jaccard")) == (
        pairs
    )
    assert marks(campaign) == set()
