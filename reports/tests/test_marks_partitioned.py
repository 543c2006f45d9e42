"""Each campaign's marks stand apart: on PostgreSQL in a partition of their own, which
lookups reach through its index and which is dropped in one statement; elsewhere rows
deleted. Dropping one campaign's marks leaves every other campaign's."""

import pytest
from django.db import connection

from reports import copies, similarity
from reports.models import BandKey, Pair
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'")


@pytest.fixture
def other(campaign):
    """A second campaign, a copy of the first."""
    clone = type(campaign).objects.get(pk=campaign.pk)
    clone.pk = None
    clone.title = "Học tập Nghị quyết khác"
    clone.save()
    return clone


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_dropping_a_campaigns_marks_leaves_the_others(world, campaign, other):
    sample = essay(700, 300)
    submit(world, campaign, world.an, [sample, essay(701, 200)])
    submit(world, campaign, world.binh, [sample, essay(702, 200)], actor=world.secretary)
    copies.marks_write(other.pk, [5, 6, 7], [90_001, 90_001, 90_002])
    kept = set(BandKey.objects.filter(campaign_id=other.pk).values_list("key", "report_id"))
    assert BandKey.objects.filter(campaign_id=campaign.pk).exists()
    copies.marks_drop(campaign.pk)
    assert not BandKey.objects.filter(campaign_id=campaign.pk).exists()
    assert (
        set(BandKey.objects.filter(campaign_id=other.pk).values_list("key", "report_id"))
        == {
            (5, 90_001),
            (6, 90_001),
            (7, 90_002),
        }
        == kept
    )
    # The pairs are the rebuild's business, not the index's.
    assert Pair.objects.filter(campaign=campaign).count() == 1


@on_postgresql
def test_marks_go_to_their_campaigns_partition_and_its_drop_is_one_table(world, campaign):
    copies.marks_partition(campaign.pk)  # as the campaign's creation does
    submit(world, campaign, world.an, [essay(710, 300), essay(711, 200)])
    name = f"reports_bandkey_c{campaign.pk}"
    count = scalar(f"SELECT count(*) FROM {name}")
    assert count == BandKey.objects.filter(campaign_id=campaign.pk).count() > 0
    assert scalar("SELECT count(*) FROM reports_bandkey_default") == 0
    copies.marks_drop(campaign.pk)
    assert scalar("SELECT to_regclass(%s)", [name]) is None


@on_postgresql
def test_marks_written_before_their_partition_move_into_it(other):
    # Written by a process that had not seen the partition made: the default takes them.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_bandkey (campaign_id, key, report_id) VALUES (%s, 1, 2)",
            [other.pk],
        )
    assert scalar("SELECT count(*) FROM reports_bandkey_default") == 1
    copies._partitioned.discard(other.pk)
    copies.marks_partition(other.pk)
    assert scalar("SELECT count(*) FROM reports_bandkey_default") == 0
    assert scalar(f"SELECT count(*) FROM reports_bandkey_c{other.pk}") == 1


@on_postgresql
def test_a_lookup_reads_only_its_campaigns_partition_through_its_index(campaign, other):
    # Enough marks in both campaigns that the planner weighs a scan against the index.
    for campaign_id in (campaign.pk, other.pk):
        copies.marks_partition(campaign_id)  # as the campaign's creation does
        keys = list(range(-40_000, 40_000))
        copies.marks_write(campaign_id, keys, [k % 997 + 1 for k in keys])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE reports_bandkey_c{campaign.pk}")
        cursor.execute(f"ANALYZE reports_bandkey_c{other.pk}")
        cursor.execute(
            "EXPLAIN " + copies._CANDIDATES_SQL,
            {
                "keys": [11, 12, 13],
                "campaign": campaign.pk,
                "cap": similarity.CROWDED_MARK + 1,
                "crowded": similarity.CROWDED_MARK,
                "exclude": -1,
                "least": 2,
                "size": 600,
                "marks": 3,
                "limit": 500,
            },
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Only Scan using reports_bandkey_c{campaign.pk}_pkey" in plan, plan
    assert f"reports_bandkey_c{other.pk}" not in plan and "reports_bandkey_default" not in plan


def test_a_new_campaign_gets_its_partition_once_created(
    world, campaign, django_capture_on_commit_callbacks
):
    from campaigns.services import campaign_create

    if connection.vendor != "postgresql":
        pytest.skip("các phân vùng chỉ có trên PostgreSQL")
    with django_capture_on_commit_callbacks(execute=True):
        created = campaign_create(
            world.propaganda,
            documents=list(campaign.documents.all()),
            title="Học tập chuyên đề",
            owner=world.city,
            conference_deadline=campaign.conference_deadline,
        )
    assert scalar("SELECT to_regclass(%s) IS NOT NULL", [f"reports_bandkey_c{created.pk}"])
