"""Writes for reports upward: requests from the level above, drafts whose figures are
collected from the counters, and issuing, which freezes them."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from documents.layout import place_of
from documents.symbols import parse_symbol
from organizations.models import Organization
from reporting.figures import collect
from reporting.models import Kind, Request, Snapshot
from reports.services import clean_text


def _subject_problems(organization: Organization, kind: str, campaign, document) -> dict:
    """A campaign report needs its campaign; a review (six-month, yearly, final) covers a
    document implemented, a campaign studied, or both."""
    problems = {}
    if kind not in Kind.values:
        problems["kind"] = _("Loại báo cáo không hợp lệ.")
    elif kind == Kind.CAMPAIGN and campaign is None:
        problems["campaign"] = _("Báo cáo kết quả học tập cần chọn đợt học tập.")
    elif campaign is None and document is None:
        problems["document"] = _(
            "Báo cáo sơ kết, tổng kết cần chọn văn bản được thực hiện hoặc đợt học tập."
        )
    if (
        campaign is not None
        and "kind" not in problems
        and not (
            organization.path.startswith(campaign.owner.path)
            or campaign.owner.path.startswith(organization.path)
        )
    ):
        problems["campaign"] = _("Đợt học tập không áp dụng cho đơn vị này.")
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


def _figures_of(snapshot: Snapshot) -> dict:
    """The figures kept with a report are written in Vietnamese whatever language its clerk
    reads the pages in: they go into a Party document."""
    with translation.override("vi"):
        return collect(snapshot)


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
    texts = _tidy({name: fields[name] for name in EDITABLE if name in fields})
    texts.setdefault("title", "")
    texts.setdefault("place", place_of(organization))
    problems |= _edit_problems(texts)
    if problems:
        raise ValidationError(problems)
    fields.update(texts)
    snapshot = Snapshot(organization=organization, request=request, created_by=actor, **fields)
    snapshot.figures = _figures_of(snapshot)
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
        snapshot.figures = _figures_of(snapshot)
        snapshot.save(update_fields=["figures"])
        audit_record(actor, "reporting.refresh", snapshot)
    return snapshot


EDITABLE = (
    "title",
    "symbol",
    "place",
    "signer",
    "signs_as",
    "recipients",
    "limitations",
    "directions",
)
_TEXTS = ("recipients", "limitations", "directions")
MAX_SECTION = 20_000


def _tidy(fields: dict) -> dict:
    """Texts keep their lines (one paragraph or recipient each); one-line fields lose
    stray spaces."""
    return {
        name: clean_text(value or "") if name in _TEXTS else " ".join((value or "").split())
        for name, value in fields.items()
    }


def _edit_problems(fields: dict) -> dict:
    problems = {}
    if "title" in fields and not fields["title"]:
        problems["title"] = _("Hãy ghi trích yếu của báo cáo.")
    if "place" in fields and not fields["place"]:
        problems["place"] = _("Hãy ghi địa danh (nơi ban hành), ví dụ: Định Long.")
    if fields.get("symbol"):
        symbol = parse_symbol(fields["symbol"])
        if symbol is None or symbol.system != "party" or symbol.doc_type != "BC":
            problems["symbol"] = _("Số, ký hiệu của báo cáo viết theo dạng 52-BC/ĐU.")
        else:
            fields["symbol"] = symbol.canonical
    if "signs_as" in fields and fields["signs_as"] not in Snapshot.SignsAs.values:
        problems["signs_as"] = _("Hãy chọn người ký.")
    for name in ("limitations", "directions"):
        if len(fields.get(name) or "") > MAX_SECTION:
            problems[name] = _("Nội dung quá dài (tối đa 20.000 ký tự).")
    return problems


def snapshot_edit(actor, snapshot: Snapshot, **fields) -> Snapshot:
    """Write the parts of a draft the figures do not give: its number, place and signer,
    the recipients, and sections II (limitations and causes) and III (directions)."""
    if snapshot.is_issued:
        raise ValidationError(_("Báo cáo đã ban hành; nội dung không sửa được nữa."))
    if not policy.can(actor, Action.MANAGE_REPORTING, snapshot.organization):
        raise ValidationError(_("Bạn không được sửa báo cáo của đơn vị này."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    fields = _tidy(fields)
    problems = _edit_problems(fields)
    if problems:
        raise ValidationError(problems)
    changes = {
        name: [getattr(snapshot, name), value]
        for name, value in fields.items()
        if getattr(snapshot, name) != value
    }
    if changes:
        with transaction.atomic():
            # Locked and read again: a report issued meanwhile stays as it was issued.
            if Snapshot.objects.select_for_update().get(pk=snapshot.pk).is_issued:
                raise ValidationError(_("Báo cáo đã ban hành; nội dung không sửa được nữa."))
            for name, (_old, value) in changes.items():
                setattr(snapshot, name, value)
            snapshot.save(update_fields=list(changes))
            audit_record(actor, "reporting.edit", snapshot, changes)
    return snapshot


def snapshot_issue(actor, snapshot: Snapshot, issued_on: dt.date | None = None) -> Snapshot:
    """Issue the report: its figures, collected once more now, are frozen, and so are its
    texts. A report goes up whole: sections II and III must be written first."""
    if snapshot.is_issued:
        raise ValidationError(_("Báo cáo đã ban hành."))
    if not policy.can(actor, Action.MANAGE_REPORTING, snapshot.organization):
        raise ValidationError(_("Bạn không được ban hành báo cáo của đơn vị này."))
    with transaction.atomic():
        stored = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if stored.is_issued:
            raise ValidationError(_("Báo cáo đã ban hành."))
        if not (stored.limitations.strip() and stored.directions.strip()):
            raise ValidationError(
                _(
                    "Hãy viết phần II (hạn chế, nguyên nhân) và phần III (phương hướng, "
                    "nhiệm vụ thời gian tới) trước khi ban hành."
                )
            )
        snapshot.limitations, snapshot.directions = stored.limitations, stored.directions
        snapshot.figures = _figures_of(snapshot)
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
