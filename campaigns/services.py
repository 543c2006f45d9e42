from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from campaigns.models import Campaign


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
    return campaign
