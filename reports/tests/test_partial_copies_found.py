"""A report copying part of another is paired when it arrives, whatever the rest says;
the circulated texts the campaign's officer allows do not count."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from audit.models import AuditEntry
from reports import copies, similarity
from reports.models import AllowedText, CrowdedMark, Pair, Report
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db


def test_a_first_section_copied_without_diacritics_is_paired_and_flagged(world, campaign):
    section = essay(500, 260)
    first = submit(world, campaign, world.an, [section, essay(501, 300)]).report
    plain = similarity.fold_aligned(section)
    second = submit(
        world, campaign, world.binh, [plain, essay(502, 300)], actor=world.secretary
    ).report
    pair = Pair.objects.get(a=first, b=second)
    assert pair.jaccard < 0.5
    assert pair.containment >= 0.45
    assert Report.objects.get(pk=second.pk).flagged == (pair.containment >= 0.5)


def test_a_sample_pasted_with_own_paragraphs_is_paired_from_either_side(world, campaign):
    sample = essay(510, 200)
    first = submit(world, campaign, world.an, [essay(511, 350), sample]).report
    second = submit(
        world,
        campaign,
        world.binh,
        [sample + " " + essay(512, 120), essay(513, 60)],
        actor=world.secretary,
    ).report
    assert Pair.objects.filter(a=first, b=second).exists()


def test_unrelated_reports_are_not_paired(world, campaign):
    submit(world, campaign, world.an, [essay(520, 300), essay(521, 300)])
    submit(world, campaign, world.binh, [essay(522, 300), essay(523, 300)], actor=world.secretary)
    assert not Pair.objects.exists()


def test_an_allowed_sample_is_no_copy_once_the_campaign_is_rebuilt(world, campaign, client):
    sample = essay(530, 200)
    submit(world, campaign, world.an, [sample, essay(531, 200)])
    submit(world, campaign, world.binh, [sample, essay(532, 200)], actor=world.secretary)
    assert Pair.objects.count() == 1
    client.force_login(world.propaganda)
    url = reverse("reports:copies", args=[campaign.pk]) + f"?unit={world.city.pk}"
    response = client.post(url, {"text": sample, "unit": world.city.pk, "allow": ""})
    assert response.status_code == 302
    assert AllowedText.objects.filter(campaign=campaign, added_by=world.propaganda).exists()
    assert AuditEntry.objects.filter(action="copies.allow_text", actor=world.propaganda).exists()
    copies.campaign_reindex(campaign)
    assert not Pair.objects.exists()
    assert not Report.objects.filter(flagged=True).exists()
    # A third member pasting the allowed sample is not paired either.
    submit(world, campaign, world.cuong, [sample, essay(533, 200)], actor=world.admin)
    assert not Pair.objects.exists()
    page = client.get(url).content.decode()
    assert "Văn bản được phép dùng chung" in page and "None" not in page
    # The list and its form stand once, in the page's body, never in its title.
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<form" not in title and page.count('id="allowed"') == 1


def test_a_too_short_allowed_text_is_refused_and_kept_in_the_form(world, campaign, client):
    client.force_login(world.propaganda)
    url = reverse("reports:copies", args=[campaign.pk]) + f"?unit={world.city.pk}"
    response = client.post(url, {"text": "Học tập và làm theo", "unit": world.city.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Văn bản quá ngắn" in page and "Học tập và làm theo" in page
    assert not AllowedText.objects.exists()


def test_allowed_texts_are_kept_only_by_whoever_manages_the_campaign(world, campaign, client):
    url = reverse("reports:copies", args=[campaign.pk]) + f"?unit={world.city.pk}"
    text = essay(540, 60)
    ward_url = reverse("reports:copies", args=[campaign.pk]) + f"?unit={world.ward.pk}"
    client.force_login(world.secretary)  # reviews the ward's reports, runs no campaign
    assert "Văn bản được phép dùng chung" not in client.get(ward_url).content.decode()
    assert client.post(ward_url, {"text": text, "unit": world.ward.pk}).status_code == 403
    client.force_login(world.outsider)
    assert client.post(url, {"text": text}).status_code == 404
    assert not AllowedText.objects.exists()


def test_an_allowed_text_removed_counts_again(world, campaign, client):
    sample = essay(550, 200)
    client.force_login(world.propaganda)
    url = reverse("reports:copies", args=[campaign.pk]) + f"?unit={world.city.pk}"
    client.post(url, {"text": sample, "unit": world.city.pk})
    submit(world, campaign, world.an, [sample, essay(551, 200)])
    submit(world, campaign, world.binh, [sample, essay(552, 200)], actor=world.secretary)
    assert not Pair.objects.exists()
    row = AllowedText.objects.get()
    assert client.post(url, {"remove": row.pk, "unit": world.city.pk}).status_code == 302
    assert AuditEntry.objects.filter(action="copies.disallow_text").exists()
    copies.campaign_reindex(campaign)
    assert Pair.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_near_copies_submitted_at_once_are_paired_by_the_later_one(world, campaign):
    """The first submission holds its marks' locks until it commits; the second waits on
    the marks they share, then sees the first's rows and pairs them itself."""
    text = essay(560, 300) + " " + essay(561, 200)
    one = submit(world, campaign, world.an, [essay(562, 100), essay(563, 100)]).report
    other = submit(
        world, campaign, world.cuong, [essay(564, 100), essay(565, 90)], actor=world.admin
    ).report
    first_indexed = threading.Event()
    second_started = threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                copies.index_report(one, text, 2)
                first_indexed.set()
                second_started.wait(10)
                # Still uncommitted while the second one looks for candidates.
                threading.Event().wait(0.5)
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            first_indexed.wait(10)
            second_started.set()
            with transaction.atomic():
                copies.index_report(other, text, 2)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert Pair.objects.filter(a=one, b=other).exists()
    assert Report.objects.filter(flagged=True).count() == 2


def test_a_passage_shared_by_too_many_reports_proposes_nobody(world, campaign, monkeypatch):
    monkeypatch.setattr(similarity, "CROWDED_MARK", 1)
    sample = essay(580, 200)
    submit(world, campaign, world.an, [sample, essay(581, 200)])
    submit(world, campaign, world.binh, [sample, essay(582, 200)], actor=world.secretary)
    assert Pair.objects.count() == 1
    third = submit(world, campaign, world.cuong, [sample, essay(583, 200)], actor=world.admin)
    assert not Pair.objects.filter(b=third.report).exists()
    if connection.vendor == "postgresql":
        assert CrowdedMark.objects.filter(campaign_id=campaign.pk).exists()
