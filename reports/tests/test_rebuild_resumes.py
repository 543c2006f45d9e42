"""A campaign's copy index is rebuilt range by range: a run cut off between two ranges
resumes where it stopped and ends with the pairs, marks and flags of a run never cut off;
meanwhile the copies page says the index is being rebuilt."""

import pytest
from django.urls import reverse

from reports import copies, tasks
from reports.models import BandKey, Rebuild, RebuildBatch, Report
from reports.tests.builders import copy_families, essay, index_state, submit

pytestmark = pytest.mark.django_db


class Crash(Exception):
    pass


@pytest.fixture
def copied(world, campaign):
    copy_families(world, campaign)
    return campaign


def test_a_rebuild_cut_off_between_ranges_resumes_to_the_same_index(copied, monkeypatch):
    campaign = copied
    copies.campaign_reindex(campaign)
    whole = index_state(campaign)
    assert whole["pairs"] and whole["marks"] and whole["flagged"]

    rebuild = copies.rebuild_start(campaign, batch=2)
    assert rebuild.batches == 5
    compare = copies._range_pairs
    compared = []

    def then_crash(campaign_id, batch, boilerplate):
        if len(compared) == 2:
            raise Crash
        compared.append(batch.first_id)
        return compare(campaign_id, batch, boilerplate)

    monkeypatch.setattr(copies, "_range_pairs", then_crash)
    with pytest.raises(Crash):
        copies.rebuild_work(rebuild.pk)
    rebuild.refresh_from_db()
    assert rebuild.phase == Rebuild.Phase.PAIRS and rebuild.finished_at is None
    assert RebuildBatch.objects.filter(rebuild=rebuild, done=2).count() == 2

    monkeypatch.setattr(copies, "_range_pairs", compare)
    resumed = []
    monkeypatch.setattr(
        copies,
        "_range_marks",
        lambda *args: resumed.append("marks") or [],
    )
    # Started again, the rebuild is the same one and takes up the ranges left.
    assert copies.rebuild_start(campaign).pk == rebuild.pk
    assert copies.rebuild_work(rebuild.pk) == 3 + 5
    assert resumed == []
    rebuild.refresh_from_db()
    assert rebuild.phase == Rebuild.Phase.DONE and rebuild.finished_at is not None
    assert index_state(campaign) == whole


def test_a_batch_of_marks_written_twice_changes_nothing(copied):
    campaign = copied
    copies.campaign_reindex(campaign)
    marks = BandKey.objects.filter(campaign_id=campaign.pk)
    before = set(marks.values_list("key", "report_id"))
    keys, owners = zip(*before, strict=True)
    copies.marks_write(campaign.pk, list(keys), list(owners))
    assert marks.count() == len(before)


def test_the_copies_page_says_the_index_is_being_rebuilt(copied, world, client):
    campaign = copied
    rebuild = copies.rebuild_start(campaign, batch=5)
    client.force_login(world.propaganda)
    url = reverse("reports:copies", args=[campaign.pk]) + f"?unit={world.city.pk}"
    page = client.get(url).content.decode()
    assert "Đang dựng lại chỉ mục so sánh" in page and "đã xong 0,00%" in page
    copies.rebuild_work(rebuild.pk)
    page = client.get(url).content.decode()
    assert "Đang dựng lại chỉ mục so sánh" not in page


def test_a_finished_rebuild_is_not_resumed_but_started_anew(copied):
    campaign = copied
    copies.campaign_reindex(campaign)
    first = Rebuild.objects.get(campaign=campaign)
    assert copies.rebuild_start(campaign).pk != first.pk


def test_a_report_submitted_again_during_a_rebuild_ends_with_its_new_marks(copied, world):
    campaign = copied
    rebuild = copies.rebuild_start(campaign, batch=2)
    member = Report.objects.filter(campaign=campaign).order_by("-pk").first().member
    # Its range is not written yet: the submission stores the new marks first.
    submit(world, campaign, member, [essay(1200, 300), essay(1201, 200)], actor=world.admin)
    copies.rebuild_work(rebuild.pk)
    during = index_state(campaign)
    copies.campaign_reindex(campaign)
    assert index_state(campaign) == during


def test_the_rebuild_job_shares_the_ranges_with_a_second_job(copied):
    campaign = copied
    copies.campaign_reindex(campaign)
    whole = index_state(campaign)
    result = tasks.copies_rebuild.call(campaign.pk, workers=2)
    assert result["phase"] == Rebuild.Phase.DONE and result["reports"] == 10
    assert index_state(campaign) == whole
