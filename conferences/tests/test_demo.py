"""`make run` shows a campaign in progress: the demo marks a ward's conference."""

import io

from django.core.management import call_command

from conferences.models import Attendance, Conference
from conferences.rollup import campaign_rollup
from conferences.services import tally_rebuild
from members.models import Member


def test_the_demo_holds_a_ward_conference_with_most_members_marked(db):
    call_command("seed_demo", "--members", "600", "--seed", "3", stdout=io.StringIO())
    conference = Conference.objects.get()
    expected = Member.objects.active().within(conference.organizer).count()
    marked = Attendance.objects.count()
    assert 0.8 * expected < marked < expected  # a few are left for the host to tick
    assert conference.bridge_points.count() >= 2
    assert tally_rebuild() == 0
    figures = campaign_rollup(conference.campaign, conference.campaign.owner).total
    assert figures.attended > 0 and figures.cells_held >= 1

    call_command("seed_demo", "--members", "600", "--seed", "3", "--reset", stdout=io.StringIO())
    assert Conference.objects.count() == 1


def test_the_demo_resolution_can_be_read_on_the_page(db):
    call_command("seed_demo", "--members", "300", "--seed", "3", stdout=io.StringIO())
    attachment = Conference.objects.get().campaign.documents.get().attachments.get()
    assert attachment.state == "done" and "chuyển đổi số" in attachment.text


def test_the_demo_conference_is_chaired_by_the_secretary_who_signs_the_ward_reports(db):
    call_command("seed_demo", "--members", "60", "--seed", "1", stdout=io.StringIO())
    conference = Conference.objects.get()
    secretary = Member.objects.get(user__username="bithu")
    assert (conference.chair, conference.chair_title) == (
        secretary.full_name,
        "Bí thư Đảng ủy phường",
    )
