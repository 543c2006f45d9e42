"""A pure reviewer (the role grants only REVIEW_REPORTS) finds the campaigns over their
units and works through the reports there, and sees nothing else."""

import pytest
from django.urls import reverse

from accounts.models import Role, RoleGrant, User
from reports.models import Report
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(world):
    user = User.objects.create_user("chambai", password="pw")
    RoleGrant.objects.create(user=user, organization=world.ward, role=Role.REVIEWER)
    return user


def test_a_pure_reviewer_finds_the_campaign_and_rates_a_report_of_their_ward(
    world, campaign, reviewer, client
):
    report = submit(world, campaign, world.an).report
    client.force_login(reviewer)
    assert campaign.title in client.get(reverse("campaigns:list")).content.decode()
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert reverse("reports:unit", args=[campaign.pk]) in detail
    listing = client.get(reverse("reports:unit", args=[campaign.pk]))
    assert listing.status_code == 200 and listing.context["unit"] == world.ward
    assert f"/reports/{report.pk}/" in listing.content.decode()
    copies = client.get(reverse("reports:copies", args=[campaign.pk]))
    assert copies.status_code == 200
    answer = client.post(
        reverse("reports:detail", args=[report.pk]), {"decision": "rate", "rating": "Đạt"}
    )
    assert answer.status_code == 302
    assert Report.objects.get(pk=report.pk).rating == "Đạt"


def test_a_pure_reviewer_sees_no_other_unit_nor_the_commune(world, campaign, reviewer, client):
    other = submit(world, campaign, world.cuong, actor=world.admin).report
    client.force_login(reviewer)
    assert client.get(reverse("reports:detail", args=[other.pk])).status_code == 404
    commune = reverse("reports:unit", args=[campaign.pk]) + f"?unit={world.commune.pk}"
    assert client.get(commune).status_code in (403, 404)
    assert client.get(reverse("members:detail", args=[world.an.pk])).status_code == 404
