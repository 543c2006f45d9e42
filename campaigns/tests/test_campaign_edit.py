"""A campaign's rules can be edited until reports arrive; after that only deadlines move,
and only later. Every change is audited and members still owing a report are told."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from campaigns import services
from campaigns.models import Campaign
from conferences import services as conferences
from conferences.models import Attendance, Status
from notices.models import Notice
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db


def _fields(campaign, **changes):
    values = {
        "title": campaign.title,
        "conference_deadline": campaign.conference_deadline,
        "report_days": campaign.report_days,
        "makeup_days": campaign.makeup_days,
        "report_cutoff": campaign.report_cutoff,
        "exempt_required": campaign.exempt_required,
        "blind_review": campaign.blind_review,
        "prompts": campaign.prompts,
        "rating_scale": campaign.rating_scale,
        "documents": list(campaign.documents.all()),
    }
    return values | changes


def _post(campaign, **changes):
    values = _fields(campaign, **changes)
    data = {
        "title": values["title"],
        "conference_deadline": values["conference_deadline"].isoformat(),
        "report_days": values["report_days"],
        "makeup_days": values["makeup_days"],
        "report_cutoff": values["report_cutoff"].isoformat() if values["report_cutoff"] else "",
        "prompts_text": "\n".join(values["prompts"]),
        "scale_text": ", ".join(values["rating_scale"]),
        "documents": [d.pk for d in values["documents"]],
    }
    if values["blind_review"]:
        data["blind_review"] = "on"
    return data


def _url(campaign):
    return reverse("campaigns:edit", kwargs={"campaign_pk": campaign.pk})


def test_before_any_report_prompts_scale_and_deadline_change_and_are_audited(
    world, client, campaign
):
    client.force_login(world.propaganda)
    new_day = campaign.conference_deadline + dt.timedelta(days=5)
    response = client.post(
        _url(campaign),
        _post(
            campaign,
            conference_deadline=new_day,
            prompts=["Nhận thức của bản thân.", "Liên hệ thực tế chi bộ."],
            rating_scale=["Tốt", "Đạt", "Không đạt"],
        ),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.prompts == ["Nhận thức của bản thân.", "Liên hệ thực tế chi bộ."]
    assert campaign.rating_scale == ["Tốt", "Đạt", "Không đạt"]
    assert campaign.conference_deadline == new_day
    entry = AuditEntry.objects.get(action="campaign.update")
    assert entry.changes["conference_deadline"][1] == new_day.isoformat()
    assert set(entry.changes) == {"conference_deadline", "prompts", "rating_scale"}


def test_members_who_still_owe_a_report_are_told_of_a_moved_deadline(
    world, campaign, django_capture_on_commit_callbacks
):
    submit(world, campaign, world.an)
    old = campaign.conference_deadline
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_update(
            world.propaganda,
            campaign,
            **_fields(campaign, conference_deadline=old + dt.timedelta(7)),
        )
    told = set(Notice.objects.values_list("member_id", flat=True))
    assert world.binh.pk in told and world.cuong.pk in told
    assert world.an.pk not in told  # An has sent his report
    assert world.stranger.pk not in told  # another province
    notice = Notice.objects.get(member=world.binh)
    assert campaign.title in notice.title
    assert old.strftime("%d/%m/%Y") in notice.body
    assert (old + dt.timedelta(7)).strftime("%d/%m/%Y") in notice.body
    assert notice.link == reverse("reports:write", args=[campaign.pk])


def test_a_change_that_moves_no_deadline_tells_nobody(
    world, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_update(world.propaganda, campaign, **_fields(campaign, title="Đợt mới"))
    assert not Notice.objects.exists()
    assert AuditEntry.objects.filter(action="campaign.update").count() == 1


def test_after_reports_arrive_prompts_and_documents_are_refused_in_vietnamese(
    world, client, campaign
):
    submit(world, campaign, world.an)
    client.force_login(world.propaganda)
    response = client.post(_url(campaign), _post(campaign, prompts=["Một nội dung khác."]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đã có đảng viên nộp bài thu hoạch nên không sửa được" in page
    assert "nội dung bài thu hoạch" in page
    campaign.refresh_from_db()
    assert campaign.prompts != ["Một nội dung khác."]
    assert not AuditEntry.objects.filter(action="campaign.update").exists()
    with pytest.raises(ValidationError, match="chỉ còn được lùi các hạn"):
        services.campaign_update(
            world.propaganda, campaign, **_fields(campaign, rating_scale=["Tốt", "Khá"])
        )


def test_after_reports_arrive_deadlines_may_only_move_later(
    world, campaign, django_capture_on_commit_callbacks
):
    submit(world, campaign, world.an)
    earlier = campaign.conference_deadline - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="chỉ được lùi về sau"):
        services.campaign_update(
            world.propaganda, campaign, **_fields(campaign, conference_deadline=earlier)
        )
    with pytest.raises(ValidationError, match="chỉ được lùi về sau"):
        services.campaign_update(world.propaganda, campaign, **_fields(campaign, report_days=5))
    with pytest.raises(ValidationError, match="chỉ được lùi về sau"):
        # No cutoff means reports are taken until the end: setting one shortens it.
        services.campaign_update(
            world.propaganda,
            campaign,
            **_fields(campaign, report_cutoff=campaign.conference_deadline + dt.timedelta(40)),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_update(world.propaganda, campaign, **_fields(campaign, report_days=10))
    campaign.refresh_from_db()
    assert campaign.report_days == 10
    assert Notice.objects.filter(member=world.binh).exists()


def test_a_longer_report_window_moves_the_due_dates_of_those_already_marked(
    world, campaign, conference
):
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.binh, Status.PRESENT)
    before = Attendance.objects.get(member=world.binh).report_due
    services.campaign_update(world.propaganda, campaign, **_fields(campaign, report_days=12))
    after = Attendance.objects.get(member=world.binh).report_due
    assert after - before == dt.timedelta(days=12 - 7)


def test_a_past_deadline_left_as_it_is_does_not_block_other_changes(world, client, campaign):
    past = timezone.localdate() - dt.timedelta(days=3)
    Campaign.objects.filter(pk=campaign.pk).update(conference_deadline=past)
    campaign.refresh_from_db()
    client.force_login(world.propaganda)
    response = client.post(_url(campaign), _post(campaign, title="Đợt học tập (sửa tên)"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Đợt học tập (sửa tên)"


@pytest.mark.parametrize("who", ["outsider", "secretary", "member_user"])
def test_nobody_outside_the_campaigns_managers_edits_it(world, client, campaign, who):
    client.force_login(getattr(world, who))
    assert client.get(_url(campaign)).status_code in (403, 404)
    response = client.post(_url(campaign), _post(campaign, title="Đổi trộm"))
    assert response.status_code in (403, 404)
    campaign.refresh_from_db()
    assert campaign.title != "Đổi trộm"
    assert not AuditEntry.objects.filter(action="campaign.update").exists()


def test_the_edit_page_shows_native_date_pickers_and_the_rule(world, client, campaign):
    submit(world, campaign, world.an)
    client.force_login(world.propaganda)
    page = client.get(_url(campaign)).content.decode()
    assert 'type="date"' in page and campaign.conference_deadline.isoformat() in page
    assert "chỉ còn được lùi các hạn về sau" in page
    detail = client.get(reverse("campaigns:detail", kwargs={"campaign_pk": campaign.pk}))
    assert "Sửa đợt học tập" in detail.content.decode()
