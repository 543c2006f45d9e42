import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from audit.services import audit_record
from campaigns.models import Campaign
from conferences.services import report_dues_refresh
from reports.models import Report, State
from reports.services import report_lateness_refresh


def deadline_problem(deadline) -> None:
    if deadline < timezone.localdate():
        raise ValidationError(
            {"conference_deadline": _("Hạn tổ chức hội nghị không được ở quá khứ.")}
        )


@transaction.atomic
def cutoff_problem(campaign: Campaign) -> None:
    cutoff = campaign.report_cutoff
    if cutoff is not None and cutoff < campaign.conference_deadline:
        raise ValidationError(
            {"report_cutoff": _("Hạn chót nhận bài phải sau hạn tổ chức hội nghị.")}
        )


def campaign_create(actor, *, documents, **fields) -> Campaign:
    campaign = Campaign(created_by=actor, **fields)
    deadline_problem(campaign.conference_deadline)
    cutoff_problem(campaign)
    if not documents:
        raise ValidationError({"documents": _("Hãy chọn ít nhất một văn bản để học tập.")})
    campaign.save()
    campaign.documents.set(documents)
    audit_record(
        actor,
        "campaign.create",
        campaign,
        {
            "title": [None, campaign.title],
            "owner": [None, str(campaign.owner)],
            "documents": [None, ", ".join(d.display_symbol or d.title for d in documents)],
            "conference_deadline": [None, campaign.conference_deadline.isoformat()],
        },
    )
    from reports.copies import marks_partition  # reports builds on campaigns

    transaction.on_commit(lambda: marks_partition(campaign.pk))
    return campaign


@transaction.atomic
def campaign_close(actor, campaign: Campaign) -> Campaign:
    """End the campaign for good: no report is accepted afterwards, whatever the
    deadlines and extensions say, and its copy index (the marks that only a new
    submission is looked up in) is dropped once this commits. Reviews, the verified
    pairs and their evidence stay: they read the pairs and the reports' texts."""
    from reports.copies import marks_closed  # reports builds on campaigns

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.closed_at is not None:
        raise ValidationError(_("Đợt học tập này đã kết thúc."))
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["closed_at"])
    audit_record(
        actor, "campaign.close", campaign, {"closed_at": [None, campaign.closed_at.isoformat()]}
    )
    transaction.on_commit(lambda: marks_closed(campaign.pk))
    return campaign


# What may still change once members have sent reports: deadlines, and only later.
DEADLINES = ("conference_deadline", "report_days", "makeup_days", "report_cutoff")
LABELS = {
    "title": _l("tên đợt học tập"),
    "documents": _l("văn bản học tập"),
    "conference_deadline": _l("hạn tổ chức hội nghị"),
    "report_days": _l("hạn nộp bài thu hoạch (số ngày sau hội nghị)"),
    "makeup_days": _l("hạn nộp sau buổi học bù (số ngày)"),
    "report_cutoff": _l("hạn chót nhận bài thu hoạch"),
    "exempt_required": _l("bắt buộc cả đảng viên miễn sinh hoạt"),
    "blind_review": _l("chấm bài ẩn danh"),
    "prompts": _l("nội dung bài thu hoạch"),
    "rating_scale": _l("thang đánh giá"),
}


def reports_arrived(campaign: Campaign) -> bool:
    """Whether any member has sent a report (a draft is not sent)."""
    return Report.objects.filter(campaign=campaign).exclude(state=State.DRAFT).exists()


def _later(name: str, old, new) -> bool:
    if name == "report_cutoff":
        return old is not None and (new is None or new > old)
    return new > old


def _shown(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@transaction.atomic
def campaign_update(actor, campaign: Campaign, *, documents, **fields) -> Campaign:
    """Change a campaign's rules. Before any report arrives everything may change; after,
    only deadlines, and only to a later day, since members wrote to the prompts, scale
    and documents they were given. Members who still owe a report are told of a moved
    deadline (a job, since a campaign may cover a province)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not documents:
        raise ValidationError({"documents": _("Hãy chọn ít nhất một văn bản để học tập.")})
    changes = {
        name: [getattr(campaign, name), value]
        for name, value in fields.items()
        if name in LABELS and getattr(campaign, name) != value
    }
    old_documents = list(campaign.documents.order_by("pk"))
    if {d.pk for d in old_documents} != {d.pk for d in documents}:
        changes["documents"] = [
            ", ".join(d.display_symbol or d.title for d in old_documents),
            ", ".join(d.display_symbol or d.title for d in documents),
        ]
    if not changes:
        return campaign
    if reports_arrived(campaign):
        refused = {}
        for name, (old, new) in changes.items():
            if name not in DEADLINES:
                refused[name] = _(
                    "Đã có đảng viên nộp bài thu hoạch nên không sửa được “%(field)s” nữa; "
                    "chỉ còn được lùi các hạn về sau."
                ) % {"field": LABELS[name]}
            elif not _later(name, old, new):
                refused[name] = _(
                    "Đã có đảng viên nộp bài thu hoạch nên “%(field)s” chỉ được lùi về sau, "
                    "không được rút ngắn hay bỏ hạn."
                ) % {"field": LABELS[name]}
        if refused:
            raise ValidationError(refused)
    if "conference_deadline" in changes:
        deadline_problem(fields["conference_deadline"])
    for name in changes:
        if name != "documents":
            setattr(campaign, name, fields[name])
    cutoff_problem(campaign)
    campaign.save(update_fields=[name for name in changes if name != "documents"] or None)
    if "documents" in changes:
        campaign.documents.set(documents)
    if {"report_days", "makeup_days"} & changes.keys():
        report_dues_refresh(campaign)
    shown = {name: [_shown(old), _shown(new)] for name, (old, new) in changes.items()}
    moved = {"conference_deadline", "report_days", "makeup_days"} & changes.keys()
    if moved and (rejudged := report_lateness_refresh(campaign)):
        shown["reports_rejudged"] = [None, rejudged]
    entry = audit_record(actor, "campaign.update", campaign, shown)
    if set(DEADLINES) & changes.keys():
        from campaigns import tasks  # the task module imports this one

        transaction.on_commit(lambda: tasks.deadline_notices_send.enqueue(campaign.pk, entry.pk))
    return campaign
