"""Who chairs a conference: typed on its form, shown on its page, kept on its main hall,
audited when it changes."""

from django.urls import reverse

from audit.models import AuditEntry
from conferences import services
from conferences.models import Conference
from conferences.tests.test_conference_pages import _form


def test_the_chair_is_recorded_with_the_conference_and_its_main_hall(world, client, campaign):
    client.force_login(world.secretary)
    url = reverse("conferences:create", kwargs={"campaign_pk": campaign.pk})
    answer = client.post(
        url, _form(world, chair="Nguyễn Văn Hùng", chair_title="Bí thư Đảng ủy phường")
    )
    conference = Conference.objects.get()
    assert (conference.chair, conference.chair_title) == (
        "Nguyễn Văn Hùng",
        "Bí thư Đảng ủy phường",
    )
    hall = conference.bridge_points.get(is_main=True)
    assert (hall.chair, hall.chair_title) == ("Nguyễn Văn Hùng", "Bí thư Đảng ủy phường")
    page = client.get(answer["Location"]).content.decode()
    assert "Nguyễn Văn Hùng, Bí thư Đảng ủy phường" in page


def test_a_new_chair_moves_to_the_main_hall_and_is_audited(world, campaign, conference):
    services.conference_update(
        world.secretary, conference, chair="Lê Thị Mai", chair_title="Phó Bí thư Đảng ủy"
    )
    hall = conference.bridge_points.get(is_main=True)
    assert (hall.chair, hall.chair_title) == ("Lê Thị Mai", "Phó Bí thư Đảng ủy")
    entry = AuditEntry.objects.filter(action="conference.update").latest("pk")
    assert entry.changes["chair"] == ["", "Lê Thị Mai"]


def test_the_edit_form_keeps_the_chair(world, client, campaign, conference):
    services.conference_update(world.secretary, conference, chair="Lê Thị Mai")
    client.force_login(world.secretary)
    page = client.get(reverse("conferences:edit", args=[conference.pk])).content.decode()
    assert 'value="Lê Thị Mai"' in page
