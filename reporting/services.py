"""Writes for reports upward: requests from the level above, drafts whose figures are
collected from the counters, and issuing, which freezes them."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from organizations.models import Organization
from reporting.figures import collect
from reporting.models import Kind, Request, Snapshot


def _subject_problems(organization: Organization, kind: str, campaign, document) -> dict:
    problems = {}
    if kind not in Kind.values:
        problems["kind"] = _("Loại báo cáo không hợp lệ.")
    elif kind == Kind.CAMPAIGN:
        if campaign is None:
            problems["campaign"] = _("Báo cáo kết quả học tập cần chọn đợt học tập.")
        elif not (
            organization.path.startswith(campaign.owner.path)
            or campaign.owner.path.startswith(organization.path)
        ):
            problems["campaign"] = _("Đợt học tập không áp dụng cho đơn vị này.")
    elif document is None:
        problems["document"] = _("Báo cáo sơ kết, tổng kết cần chọn văn bản được thực hiện.")
    return problems


def _period_problems(period_from: dt.date | None, period_to: dt.date | None) -> dict:
    if period_from and period_to and period_to < period_from:
        return {"period_to": _("Ngày cuối kỳ phải sau ngày đầu kỳ.")}
    return {}


def request_create(actor, organization: Organization, **fields) -> Request:
    if not policy.can(actor, Action.MANAGE_REPORTING, organization):
        raise ValidationError(_("Bạn không được yêu cầu báo cáo thay đơn vị này."))
    problems = _subject_problems(
        organization, fields.get("kind"), fields.get("campaign"), fields.get("document")
    ) | _period_problems(fields.get("period_from"), fields.get("period_to"))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        request = Request.objects.create(organization=organization, created_by=actor, **fields)
        audit_record(actor, "reporting.request", request, {"due_on": [None, str(request.due_on)]})
    return request


def snapshot_draft(actor, organization: Organization, *, request: Request | None = None, **fields):
    """A draft report with its figures collected now; answering a request takes the
    request's subject and period."""
    if not policy.can(actor, Action.MANAGE_REPORTING, organization):
        raise ValidationError(_("Bạn không được lập báo cáo của đơn vị này."))
    if request is not None:
        # Either a unit below answers, or the asking unit sums up the answers it received.
        parent = Organization.objects.get_parent(organization) if organization.depth > 1 else None
        answering = parent is not None and parent.pk == request.organization_id
        if not answering and organization.pk != request.organization_id:
            raise ValidationError(_("Yêu cầu này không gửi tới đơn vị của bạn."))
        fields.update(
            kind=request.kind,
            campaign=request.campaign,
            document=request.document,
            period_from=request.period_from,
            period_to=request.period_to,
        )
    problems = _subject_problems(
        organization, fields.get("kind"), fields.get("campaign"), fields.get("document")
    ) | _period_problems(fields.get("period_from"), fields.get("period_to"))
    if not (fields.get("title") or "").strip():
        problems["title"] = _("Hãy ghi trích yếu của báo cáo.")
    if problems:
        raise ValidationError(problems)
    snapshot = Snapshot(organization=organization, request=request, created_by=actor, **fields)
    snapshot.figures = collect(snapshot)
    try:
        with transaction.atomic():
            snapshot.save()
            audit_record(actor, "reporting.draft", snapshot, {"title": [None, snapshot.title]})
    except IntegrityError:
        raise ValidationError(_("Đơn vị đã có báo cáo trả lời yêu cầu này.")) from None
    return snapshot


def snapshot_refresh(actor, snapshot: Snapshot) -> Snapshot:
    """Collect a draft's figures again; an issued report never changes."""
    if snapshot.is_issued:
        raise ValidationError(_("Báo cáo đã ban hành; số liệu không thay đổi nữa."))
    if not policy.can(actor, Action.MANAGE_REPORTING, snapshot.organization):
        raise ValidationError(_("Bạn không được sửa báo cáo của đơn vị này."))
    with transaction.atomic():
        snapshot.figures = collect(snapshot)
        snapshot.save(update_fields=["figures"])
        audit_record(actor, "reporting.refresh", snapshot)
    return snapshot


def snapshot_issue(actor, snapshot: Snapshot, issued_on: dt.date | None = None) -> Snapshot:
    """Issue the report: its figures, collected once more now, are frozen."""
    if snapshot.is_issued:
        raise ValidationError(_("Báo cáo đã ban hành."))
    if not policy.can(actor, Action.MANAGE_REPORTING, snapshot.organization):
        raise ValidationError(_("Bạn không được ban hành báo cáo của đơn vị này."))
    with transaction.atomic():
        snapshot.figures = collect(snapshot)
        snapshot.state = Snapshot.State.ISSUED
        snapshot.issued_on = issued_on or timezone.localdate()
        snapshot.save(update_fields=["figures", "state", "issued_on"])
        audit_record(actor, "reporting.issue", snapshot, {"state": ["draft", "issued"]})
    return snapshot


def previous_of(snapshot: Snapshot) -> Snapshot | None:
    """The unit's last issued report of the same kind and subject before this one."""
    earlier = Snapshot.objects.filter(
        organization=snapshot.organization,
        kind=snapshot.kind,
        campaign=snapshot.campaign,
        document=snapshot.document,
        state=Snapshot.State.ISSUED,
        period_to__lt=snapshot.period_to,
    ).exclude(pk=snapshot.pk)
    return earlier.order_by("-period_to", "-pk").first()


def request_status(request: Request) -> list[dict]:
    """Each unit just below: whether it has answered, and whether it is late."""
    answers = {a.organization_id: a for a in Snapshot.objects.filter(request=request)}
    today = timezone.localdate()
    out = []
    parent = request.organization
    for child in Organization.objects.get_children(parent).open_now():
        answer = answers.get(child.pk)
        issued = answer is not None and answer.is_issued
        out.append(
            {
                "unit": child,
                "answer": answer,
                "issued": issued,
                "late": not issued and today > request.due_on,
                "on_time": issued and answer.issued_on <= request.due_on,
            }
        )
    return out
