"""A submission is stored in one write and answered with a receipt; a drain makes the
version later, or the request itself when the queue is quiet."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from conftest import add_member
from members.models import Member
from reports import inbox, services
from reports.models import Decision, Pair, Report, SubmissionInbox, Version
from reports.tests.builders import essay, submit
from reports.tests.test_services import tally

pytestmark = pytest.mark.django_db
Inbox = SubmissionInbox.State


def queue_busy() -> None:
    """Rows are waiting already (and no rate is measured): a submission is stored and
    left for the drain instead of being applied in the request."""
    cache.set(inbox.BACKLOG.waiting_key, inbox.INLINE_WAITING + 1, None)


def sections_of(seed: int) -> list[str]:
    return [essay(seed), essay(seed + 1)]


def api(client, user):
    _token, raw = ApiToken.issue(user, "điện thoại")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "content_type": "application/json"}


def test_a_lone_member_gets_the_version_at_once(world, campaign):
    receipt = inbox.submission_receive(
        world.member_user, campaign, world.an, sections_of(1), key="k1"
    )
    assert receipt.state == Inbox.DONE and receipt.version.number == 1
    assert not receipt.repeated and Version.objects.get().idempotency_key == "k1"
    assert tally(campaign, world.cell)["submitted"] == 1


def test_a_busy_queue_stores_the_submission_and_the_drain_makes_the_version(world, campaign):
    queue_busy()
    receipt = inbox.submission_receive(
        world.member_user, campaign, world.an, sections_of(1), key="k1"
    )
    assert receipt.pk and receipt.state == Inbox.WAITING
    assert not Version.objects.exists() and not tally(campaign, world.cell)

    [drained] = inbox.submission_drain()
    receipt.refresh_from_db()
    assert drained.pk == receipt.pk and receipt.state == Inbox.DONE
    version = Version.objects.get()
    assert receipt.version == version and version.submitted_at == receipt.received_at
    assert version.entered_by == world.member_user and not version.late
    assert tally(campaign, world.cell)["submitted"] == 1
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}


def test_a_retry_with_the_same_key_gets_the_same_receipt_and_counts_once(world, campaign):
    queue_busy()
    first = inbox.submission_receive(world.member_user, campaign, world.an, sections_of(1), key="k")
    again = inbox.submission_receive(world.member_user, campaign, world.an, sections_of(1), key="k")
    assert again.pk == first.pk and SubmissionInbox.objects.count() == 1
    inbox.submission_drain()
    after = inbox.submission_receive(world.member_user, campaign, world.an, sections_of(1), key="k")
    assert after.pk == first.pk and after.state == Inbox.DONE
    assert Version.objects.count() == 1 and tally(campaign, world.cell)["submitted"] == 1


def test_a_key_already_used_by_a_version_counts_once(world, campaign):
    submit(world, campaign, world.an, sections_of(1), key="k")
    queue_busy()
    receipt = inbox.submission_receive(
        world.member_user, campaign, world.an, sections_of(1), key="k"
    )
    inbox.submission_drain()
    receipt.refresh_from_db()
    assert receipt.state == Inbox.DONE and receipt.repeated
    assert Version.objects.count() == 1 and tally(campaign, world.cell)["submitted"] == 1


def test_a_refusal_after_acceptance_is_shown_on_the_receipt(world, campaign, client):
    first = submit(world, campaign, world.an, sections_of(1), key="k1")
    services.review(
        world.secretary,
        first.report,
        Decision.RETURN,
        comment="Viết cụ thể trách nhiệm của bản thân.",
        new_due=timezone.localdate(),
    )
    queue_busy()
    headers = api(client, world.member_user) | {"HTTP_IDEMPOTENCY_KEY": "k2"}
    url = f"/api/v1/campaigns/{campaign.pk}/reports"
    accepted = client.post(url, {"sections": sections_of(1)}, **headers)
    assert accepted.status_code == 202 and accepted.json()["state"] == "waiting"

    inbox.submission_drain()
    receipt = client.get(accepted.json()["url"], HTTP_AUTHORIZATION=headers["HTTP_AUTHORIZATION"])
    assert receipt.status_code == 200
    assert receipt.json()["state"] == "refused" and "Bài chưa sửa" in receipt.json()["detail"]
    assert Version.objects.count() == 1 and Report.objects.get().state == "returned"
    client.force_login(world.member_user)
    page = client.get(reverse("reports:receipt", args=[accepted.json()["id"]]))
    assert "Bài chưa sửa" in page.content.decode()


def test_the_web_form_says_received_and_shows_the_waiting_receipt(world, campaign, client):
    queue_busy()
    client.force_login(world.member_user)
    url = reverse("reports:write", args=[campaign.pk])
    data = {"section_1": essay(1), "section_2": essay(2), "key": "web-1"}
    response = client.post(url, data, follow=True)
    text = response.content.decode()
    receipt = SubmissionInbox.objects.get()
    assert "Đã nhận bài lúc" in text and f"biên nhận số {receipt.pk}" in text
    assert reverse("reports:receipt", args=[receipt.pk]) in text

    inbox.submission_drain()
    page = client.get(reverse("reports:receipt", args=[receipt.pk])).content.decode()
    assert "Đã ghi nhận" in page and "Không thấy bài giống đáng kể" in page


def test_a_full_queue_answers_503_and_the_form_keeps_the_text(world, campaign, client, settings):
    settings.SUBMISSION_MAX_WAIT_SECONDS = 10
    cache.set(inbox.BACKLOG.waiting_key, 2000, None)
    cache.set(inbox.BACKLOG.rate_key, 50.0, None)  # 40 s to drain

    headers = api(client, world.member_user) | {"HTTP_IDEMPOTENCY_KEY": "k"}
    url = f"/api/v1/campaigns/{campaign.pk}/reports"
    busy = client.post(url, {"sections": sections_of(1)}, **headers)
    assert busy.status_code == 503 and busy["Retry-After"] == "30"
    assert "nộp lại sau 30 giây" in busy.json()["detail"]

    client.force_login(world.member_user)
    typed = essay(3)
    page = client.post(
        reverse("reports:write", args=[campaign.pk]),
        {"section_1": typed, "section_2": essay(4), "key": "web"},
    )
    assert page.status_code == 200 and "nộp lại sau 30 giây" in page.content.decode()
    assert typed[:60] in page.content.decode()
    assert not SubmissionInbox.objects.exists() and not Version.objects.exists()


def test_a_retry_of_an_accepted_submission_gets_its_receipt_even_when_busy(world, campaign):
    queue_busy()
    first = inbox.submission_receive(world.member_user, campaign, world.an, sections_of(1), key="k")
    cache.set(inbox.BACKLOG.rate_key, 0.01, None)
    with pytest.raises(inbox.SubmissionBusy):
        inbox.submission_receive(world.member_user, campaign, world.an, sections_of(1), key="new")
    again = inbox.submission_receive(world.member_user, campaign, world.an, sections_of(1), key="k")
    assert again.pk == first.pk


def test_bad_input_is_refused_on_arrival_and_nothing_is_stored(world, campaign, client):
    headers = api(client, world.member_user) | {"HTTP_IDEMPOTENCY_KEY": "k"}
    url = f"/api/v1/campaigns/{campaign.pk}/reports"
    empty = client.post(url, {"sections": ["", "x"]}, **headers)
    assert empty.status_code == 422 and "để trống" in empty.json()["detail"]
    other = client.post(url, {"sections": sections_of(1), "member_id": world.binh.pk}, **headers)
    assert other.status_code == 404
    no_key = api(client, world.member_user)
    missing = client.post(url, {"sections": sections_of(1)}, **no_key)
    assert missing.status_code == 409 and "Thiếu mã nộp bài" in missing.json()["detail"]
    assert not SubmissionInbox.objects.exists()


def test_only_the_member_the_one_who_entered_it_and_officers_above_see_a_receipt(
    world, campaign, client
):
    queue_busy()
    receipt = inbox.submission_receive(
        world.secretary, campaign, world.binh, sections_of(5), key="k"
    )
    binh_user = User.objects.create_user("binh", password="pw")
    Member.objects.filter(pk=world.binh.pk).update(user=binh_user)
    neighbour = add_member(world.cell2, "Đỗ Văn Láng Giềng", "030401")
    neighbour_user = User.objects.create_user("langgieng", password="pw")
    Member.objects.filter(pk=neighbour.pk).update(user=neighbour_user)

    url = f"/api/v1/reports/submission-receipts/{receipt.pk}"
    page = reverse("reports:receipt", args=[receipt.pk])
    for user, status in [
        (binh_user, 200),  # the member
        (world.secretary, 200),  # who typed it in
        (world.propaganda, 200),  # an officer of the city
        (world.outsider, 404),  # another province
        (world.member_user, 404),  # a member of the same cell
        (neighbour_user, 404),
    ]:
        headers = api(client, user)
        assert client.get(url, HTTP_AUTHORIZATION=headers["HTTP_AUTHORIZATION"]).status_code == (
            status
        ), user
        client.force_login(user)
        assert client.get(page).status_code == status, user


def test_two_copies_handed_in_within_one_batch_are_flagged_against_each_other(world, campaign):
    queue_busy()
    copied = [essay(40, 300), essay(41, 200)]
    first = inbox.submission_receive(world.member_user, campaign, world.an, copied, key="a")
    second = inbox.submission_receive(world.secretary, campaign, world.binh, copied, key="b")
    drained = inbox.submission_drain()
    assert {row.pk for row in drained} == {first.pk, second.pk}

    an, binh = Report.objects.get(member=world.an), Report.objects.get(member=world.binh)
    pair = Pair.objects.get()
    assert {pair.a_id, pair.b_id} == {an.pk, binh.pk}
    assert an.flagged and binh.flagged
    assert tally(campaign, world.cell)["flagged"] == 2
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}


def test_a_member_twice_in_one_batch_gets_two_versions_in_order(world, campaign):
    queue_busy()
    inbox.submission_receive(world.member_user, campaign, world.an, sections_of(1), key="a")
    inbox.submission_receive(world.member_user, campaign, world.an, sections_of(3), key="b")
    inbox.submission_drain()
    versions = Version.objects.order_by("number").values_list("number", "idempotency_key")
    assert list(versions) == [(1, "a"), (2, "b")]
    assert tally(campaign, world.cell)["submitted"] == 1
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}
