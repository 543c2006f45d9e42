"""Writes to the document registry. Each records an audit entry."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, diff, snapshot
from documents.models import (
    Document,
    DocumentLink,
    Kind,
    LinkKind,
    Obligation,
    RegistrationRequest,
)
from documents.symbols import Symbol, parse_symbol
from organizations.models import Organization
from vn.text import fold_aligned, normalize

# Type codes whose kind is certain; QĐ (Quy định / Quyết định) and letters need a choice.
KIND_OF_TYPE = {
    "NQ": Kind.RESOLUTION,
    "CT": Kind.DIRECTIVE,
    "KL": Kind.CONCLUSION,
    "QC": Kind.RULES,
    "KH": Kind.PLAN,
    "CTr": Kind.PROGRAMME,
    "HD": Kind.GUIDANCE,
    "CV": Kind.LETTER,
    "TB": Kind.NOTICE,
    "BC": Kind.REPORT,
    "ĐA": Kind.PROJECT,
    "TTr": Kind.SUBMISSION,
    "NĐ": Kind.DECREE,
    "": Kind.LETTER,
}
STATE_KIND_OF_TYPE = {"QĐ": Kind.DECISION, "TT": Kind.CIRCULAR}
PARTY_KIND_OF_TYPE = {"TT": Kind.PARTY_CIRCULAR}

EDITABLE = (
    "kind",
    "symbol_raw",
    "symbol",
    "issuer_name",
    "issued_on",
    "term",
    "plenum",
    "title",
    "issuer",
)


class DuplicateDocument(ValidationError):
    def __init__(self, existing: Document):
        self.existing = existing
        super().__init__(
            _("Văn bản %(symbol)s đã được đăng ký.") % {"symbol": existing.display_symbol},
            code="duplicate",
        )


def kind_for(symbol: Symbol) -> Kind | None:
    """The kind a symbol names, or None where it is ambiguous (the Party's QĐ)."""
    if symbol.system == "state" and not symbol.issued_by_party:
        special = STATE_KIND_OF_TYPE
    else:
        special = PARTY_KIND_OF_TYPE
    if symbol.doc_type in special:
        return special[symbol.doc_type]
    return KIND_OF_TYPE.get(symbol.doc_type)


def read_symbol(raw: str) -> dict:
    """Fields derived from what the clerk typed; empty when it cannot be read."""
    raw = normalize(raw)
    symbol = parse_symbol(raw) if raw else None
    if symbol is None:
        return {
            "symbol_raw": raw,
            "symbol": "",
            "number": None,
            "type_code": "",
            "issuer_code": "",
            "system": "",
            "year": None,
        }
    return {
        "symbol_raw": raw,
        "symbol": symbol.canonical,
        "number": symbol.number,
        "type_code": symbol.doc_type,
        "issuer_code": symbol.issuer,
        "system": symbol.system,
        "year": symbol.year,
    }


def dedupe_key(document: Document) -> str:
    """Party documents number per type within a committee's term; State ones per year.

    Issuer codes name a level (TU, ĐU, UBND), not one committee: every province has its
    own 23-NQ/TU and every ward its own 01-KH/ĐU. So the key ends with the registry that
    holds the record, and `_check_unique` compares it along that registry's line only.
    """
    prefix = _dedupe_prefix(document)
    return f"{prefix}|o{document.owner_id}" if prefix else ""


def _dedupe_prefix(document: Document) -> str:
    if not document.symbol:
        return ""
    if document.system == "party":
        period = f"k{document.term}" if document.term else "k?"
    else:
        period = f"y{document.year or document.issued_on.year}"
    parts = (document.system, document.issuer_code, document.type_code, document.kind)
    return "|".join((*parts, str(document.number), period))


def document_reindex(document: Document) -> None:
    """Rebuild the searchable text from the record and its extracted attachments."""
    symbols = dict.fromkeys([document.display_symbol, document.symbol_raw])  # once each
    pieces = [*symbols, document.title, document.issuer_name]
    if document.pk is not None:  # a document being registered has no attachments yet
        pieces += [text for text in document.attachments.values_list("text", flat=True) if text]
    document.search_text = normalize("\n".join(p for p in pieces if p))
    document.search_folded = fold_aligned(document.search_text)


def _check_unique(document: Document) -> None:
    """Refuse a document already held by the owner, a unit above it or a unit below it:
    the ones its clerks see. Another province's or a sibling ward's record is not a clash
    (and must not be revealed)."""
    document.dedupe_key = dedupe_key(document)
    if not document.dedupe_key:
        return
    path, step = document.owner.path, Organization.steplen
    line = Q(owner__path__startswith=path) | Q(
        owner__path__in=[path[:end] for end in range(step, len(path), step)]
    )
    existing = (
        Document.objects.filter(line, dedupe_key__startswith=f"{_dedupe_prefix(document)}|o")
        .exclude(pk=document.pk)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        raise DuplicateDocument(existing)


def _check_fields(document: Document) -> None:
    if document.issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("Ngày ban hành không được sau ngày hôm nay.")})
    if not normalize(document.title):
        raise ValidationError({"title": _("Trích yếu không được để trống.")})
    if document.system == "party" and not document.term:
        # The form says so too; the API and any other caller must not store "khóa ?".
        raise ValidationError({"term": _("Văn bản của Đảng đánh số theo nhiệm kỳ: hãy nhập khóa.")})


@transaction.atomic
def document_register(actor, *, owner, symbol_raw: str, **fields) -> Document:
    document = Document(owner=owner, created_by=actor, **fields, **read_symbol(symbol_raw))
    document.title = normalize(document.title)
    document.issuer_name = normalize(document.issuer_name)
    _check_fields(document)
    _check_unique(document)
    document_reindex(document)
    document.save()
    audit_record(actor, "document.register", document, diff({}, snapshot(document, EDITABLE)))
    return document


@transaction.atomic
def document_update(actor, document: Document, *, symbol_raw: str, **fields) -> Document:
    before = snapshot(document, EDITABLE)
    for key, value in {**fields, **read_symbol(symbol_raw)}.items():
        setattr(document, key, value)
    document.title = normalize(document.title)
    _check_fields(document)
    _check_unique(document)
    changes = diff(before, snapshot(document, EDITABLE))
    if not changes:
        return document
    document_reindex(document)
    document.save()
    audit_record(actor, "document.update", document, changes)
    return document


def _reaches(start: Document, goal: Document) -> bool:
    """Whether following links upward from `start` arrives at `goal`: one query a level."""
    frontier, seen = {start.pk}, set()
    while frontier:
        if goal.pk in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                DocumentLink.objects.filter(source_id__in=frontier).values_list(
                    "target_id", flat=True
                )
            )
            - seen
        )
    return False


@transaction.atomic
def link_create(actor, *, source: Document, target: Document, kind: str) -> DocumentLink:
    if source.pk == target.pk:
        raise ValidationError(_("Một văn bản không thể liên kết với chính nó."))
    if DocumentLink.objects.filter(source=source, target=target, kind=kind).exists():
        raise ValidationError(_("Liên kết này đã có."))
    if _reaches(target, source):
        raise ValidationError(
            _("Liên kết này tạo thành vòng: %(t)s đã (gián tiếp) dựa trên %(s)s.")
            % {"t": target.display_symbol, "s": source.display_symbol}
        )
    link = DocumentLink.objects.create(source=source, target=target, kind=kind, created_by=actor)
    audit_record(
        actor,
        "document.link",
        source,
        {"link": [None, f"{LinkKind(kind).label} {target.display_symbol}"]},
    )
    if kind == LinkKind.IMPLEMENTS:
        _fulfil(target, source)
    return link


@transaction.atomic
def link_delete(actor, link: DocumentLink) -> None:
    audit_record(
        actor,
        "document.unlink",
        link.source,
        {"link": [f"{link.get_kind_display()} {link.target.display_symbol}", None]},
    )
    if link.kind == LinkKind.IMPLEMENTS:  # only this link made the plan count as sent
        Obligation.objects.filter(document=link.target, plan=link.source).update(
            plan=None, state=Obligation.State.DRAFTED, sent_on=None
        )
    link.delete()


def _fulfil(document: Document, plan: Document) -> None:
    """The plan's owner has issued what was asked of it."""
    Obligation.objects.filter(document=document, unit=plan.owner_id).update(
        plan=plan, state=Obligation.State.SENT, sent_on=plan.issued_on
    )


@transaction.atomic
def obligations_assign(actor, *, document: Document, units, due_on: dt.date) -> int:
    """Ask each unit to issue its implementing plan by `due_on`; returns how many are new."""
    existing = set(Obligation.objects.filter(document=document).values_list("unit_id", flat=True))
    new = [
        Obligation(document=document, unit=unit, due_on=due_on)
        for unit in units
        if unit.pk not in existing
    ]
    Obligation.objects.bulk_create(new)
    for plan in Document.objects.filter(
        links_out__target=document, links_out__kind=LinkKind.IMPLEMENTS
    ):
        _fulfil(document, plan)
    audit_record(
        actor,
        "document.obligations",
        document,
        {"units": [None, len(new)], "due_on": [None, due_on.isoformat()]},
    )
    return len(new)


@transaction.atomic
def obligation_mark_drafted(actor, obligation: Obligation) -> None:
    if obligation.state != Obligation.State.NOT_DRAFTED:
        return
    obligation.state = Obligation.State.DRAFTED
    obligation.save(update_fields=["state"])
    audit_record(
        actor,
        "obligation.drafted",
        obligation.document,
        {"unit": [None, str(obligation.unit)]},
    )


# A plan says what it carries out: "Thực hiện Nghị quyết số 43-NQ/TW …", "triển khai
# Chương trình hành động số 27 của Tỉnh ủy". A document cited only as a legal basis
# ("Căn cứ …") or in passing is not something the plan implements.
_CARRIES_OUT = re.compile(
    r"(?<!\w)(?:thuc hien|trien khai(?: thuc hien)?|cu the hoa|quan triet(?: va trien khai)?)"
    r"\s+(?:(?:cac\s+)?(?:nghi quyet|chi thi|ket luan|quy dinh|quyet dinh|chuong trinh"
    r"(?: hanh dong)?|ke hoach|huong dan|thong tri|van ban|cong van)\s*)?(?:so\s*)?:?\s*$"
)
_BEFORE_REFERENCE = 40


def links_from_attachments(document: Document) -> list[DocumentLink]:
    """Link ``document`` to the registered documents its attachments' text says it carries
    out, so that the cascade shows them without anyone linking by hand. Only documents of
    its owner's line (the owner and the units above) are linked, never itself, never twice,
    never into a loop. Run by the job that reads the attachments; audited without an actor."""
    from documents.references import find_references

    texts = document.attachments.exclude(text="").values_list("text", flat=True)
    keys: list[str] = []
    for text in texts:
        folded = fold_aligned(text)
        for reference in find_references(text):
            before = folded[max(0, reference.start - _BEFORE_REFERENCE) : reference.start]
            if reference.symbol and _CARRIES_OUT.search(before):
                keys.append(reference.symbol.canonical)
    if not keys:
        return []
    line = Organization.paths_above(document.owner.path)
    targets = (
        Document.objects.filter(symbol__in=set(keys), owner__path__in=line)
        .exclude(pk=document.pk)
        .exclude(links_in__source=document)
        .order_by("owner__depth", "pk")
    )
    made = []
    for target in targets:
        try:
            made.append(link_create(None, source=document, target=target, kind=LinkKind.IMPLEMENTS))
        except ValidationError:
            continue  # a loop, or a link made meanwhile
    return made


# --- Requests to register a document ------------------------------------------------------

REQUEST_TEXT_MAX = 300


def _office_of(unit: Organization):
    """The office users of the committee: those holding the office role on `unit`, else on
    the nearest unit above that has any."""
    from accounts.models import Role, RoleGrant

    grants = RoleGrant.objects.active().filter(role=Role.OFFICE, user__is_active=True)
    nearest = (
        grants.filter(organization__path__in=Organization.paths_above(unit.path))
        .order_by("-organization__depth")
        .values_list("organization_id", flat=True)
        .first()
    )
    if nearest is None:
        return []
    return list(grants.filter(organization_id=nearest).values_list("user_id", flat=True))


def registration_link(asked: RegistrationRequest) -> str:
    return reverse("documents:register") + f"?request={asked.pk}"


@transaction.atomic
def registration_ask(actor, unit: Organization, text: str) -> RegistrationRequest:
    """Ask the committee's office to register a document that is not in the registry; the
    office users who are members get a notice, and the request waits in the office's
    "Việc cần làm" until a document is registered from it."""
    from members.models import Member
    from notices.models import Notice
    from notices.services import notices_send

    text = normalize(text or "")
    if not text:
        raise ValidationError({"text": _("Hãy ghi số, ký hiệu hoặc trích yếu của văn bản.")})
    if len(text) > REQUEST_TEXT_MAX:
        raise ValidationError({"text": _("Tối đa %(n)s ký tự.") % {"n": REQUEST_TEXT_MAX}})
    asked = RegistrationRequest.objects.create(organization=unit, text=text, asked_by=actor)
    office = Member.objects.filter(user_id__in=_office_of(unit))
    sent = notices_send(
        actor,
        [
            Notice(
                member=member,
                title=_("Đề nghị đăng ký văn bản: %(text)s") % {"text": text[:200]},
                body=_("%(unit)s đề nghị Văn phòng đăng ký văn bản để mở đợt học tập.")
                % {"unit": unit.name},
                link=registration_link(asked),
            )
            for member in office
        ],
    )
    audit_record(
        actor,
        "document.registration_ask",
        asked,
        {"text": [None, text], "notified": [None, sent]},
    )
    return asked


@transaction.atomic
def registration_answer(actor, asked: RegistrationRequest, document: Document) -> None:
    """The office registered the document asked for: the request leaves its to-do."""
    if asked.answered_at is not None:
        return
    asked.document = document
    asked.answered_at = timezone.now()
    asked.save(update_fields=["document", "answered_at"])
    audit_record(actor, "document.registration_answer", asked, {"document": [None, document.pk]})
