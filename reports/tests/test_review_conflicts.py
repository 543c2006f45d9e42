"""A reviewer never reviews their own report; in a blind campaign, nor a report whose
author they know (a member of their own cell, or one they typed in for), while someone
else can review it.

An (a member of Chi bộ khu phố 1) is also a reviewer of the ward; Bình is in his cell,
Cường in the commune.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import policy
from accounts.models import Role, RoleGrant
from reports import services
from reports.models import Decision, Review
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def an_reviews(world):
    RoleGrant.objects.create(user=world.member_user, organization=world.city, role=Role.REVIEWER)
    return world.member_user


@pytest.fixture
def blind(campaign):
    campaign.blind_review = True
    campaign.save(update_fields=["blind_review"])
    return campaign


def _queue(user, campaign) -> set[int]:
    return set(
        policy.reports_to_review(user).filter(campaign=campaign).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("decision", [Decision.RATE, Decision.RETURN, Decision.COMMENT])
def test_a_reviewer_cannot_review_their_own_report(world, campaign, an_reviews, decision):
    own = submit(world, campaign, world.an).report
    with pytest.raises(ValidationError, match="của chính đồng chí"):
        services.review(
            an_reviews,
            own,
            decision,
            rating="Đạt",
            comment="Tốt",
            new_due=campaign.conference_deadline,
        )
    assert not Review.objects.exists()


def test_their_own_report_is_not_in_their_queue_and_its_page_says_why(
    world, campaign, an_reviews, client
):
    own = submit(world, campaign, world.an).report
    other = submit(world, campaign, world.binh, actor=world.secretary).report
    assert _queue(an_reviews, campaign) == {other.pk}
    client.force_login(an_reviews)
    page = client.get(reverse("reports:detail", args=[own.pk])).content.decode()
    assert "bài thu hoạch của chính đồng chí" in page
    assert 'name="decision"' not in page
    listing = client.get(reverse("reports:unit", args=[campaign.pk])).content.decode()
    assert f"/reports/{own.pk}/" not in listing and f"/reports/{other.pk}/" in listing


def test_an_open_campaign_lets_a_reviewer_rate_their_own_cell(world, campaign, an_reviews):
    other = submit(world, campaign, world.binh, actor=world.secretary).report
    services.review(an_reviews, other, Decision.RATE, rating="Đạt")


def test_a_blind_campaign_keeps_the_reviewers_own_cell_out_of_their_queue(
    world, blind, an_reviews, client
):
    same_cell = submit(world, blind, world.binh, actor=world.secretary).report
    elsewhere = submit(world, blind, world.cuong, actor=world.admin).report
    assert _queue(an_reviews, blind) == {elsewhere.pk}
    with pytest.raises(ValidationError, match="cùng chi bộ"):
        services.review(an_reviews, same_cell, Decision.RATE, rating="Đạt")
    client.force_login(an_reviews)
    page = client.get(reverse("reports:detail", args=[same_cell.pk])).content.decode()
    assert "cùng chi bộ" in page and 'name="decision"' not in page
    services.review(an_reviews, elsewhere, Decision.RATE, rating="Đạt")


def test_the_only_reviewer_of_a_cell_reviews_it_even_in_a_blind_campaign(world, blind, an_reviews):
    same_cell = submit(world, blind, world.binh, actor=world.admin).report
    RoleGrant.objects.exclude(user=an_reviews).filter(
        organization__in=[world.city, world.ward]
    ).delete()
    assert _queue(an_reviews, blind) == {same_cell.pk}
    services.review(an_reviews, same_cell, Decision.RATE, rating="Đạt")


def test_a_fellow_member_of_the_cell_is_not_counted_as_another_reviewer(world, blind, an_reviews):
    same_cell = submit(world, blind, world.binh, actor=world.admin).report
    RoleGrant.objects.exclude(user=an_reviews).filter(
        organization__in=[world.city, world.ward]
    ).delete()
    # Bình reviews too, but her own report is hers and An's cell is hers: neither counts.
    from accounts.models import User

    binh_user = User.objects.create_user("binh", password="pw")
    world.binh.user = binh_user
    world.binh.save(update_fields=["user"])
    RoleGrant.objects.create(user=binh_user, organization=world.ward, role=Role.REVIEWER)
    assert _queue(an_reviews, blind) == {same_cell.pk}


def test_in_a_blind_campaign_who_typed_a_report_in_does_not_review_it(world, blind):
    typed = submit(world, blind, world.binh, actor=world.secretary).report
    with pytest.raises(ValidationError, match="nhập hộ"):
        services.review(world.secretary, typed, Decision.RATE, rating="Đạt")
    assert typed.pk not in _queue(world.secretary, blind)
    services.review(world.propaganda, typed, Decision.RATE, rating="Đạt")


def test_whoever_has_a_report_in_a_unit_does_not_confirm_it(world, campaign):
    RoleGrant.objects.create(user=world.member_user, organization=world.ward, role=Role.COMMITTEE)
    own = submit(world, campaign, world.an).report
    services.review(world.secretary, own, Decision.RATE, rating="Đạt")
    with pytest.raises(ValidationError, match="bài của chính đồng chí"):
        services.confirm(world.member_user, campaign, world.cell)
    services.confirm(world.secretary, campaign, world.cell, close_pending=True)


def test_the_list_says_how_many_reports_are_left_to_others(world, blind, client):
    submit(world, blind, world.binh, actor=world.secretary)
    submit(world, blind, world.an)
    client.force_login(world.secretary)
    url = reverse("reports:unit", args=[blind.pk]) + f"?unit={world.ward.pk}"
    html = client.get(url).content.decode()
    assert "1 bài do người khác chấm" in html
