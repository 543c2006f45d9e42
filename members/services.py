"""Writes to member records. Each keeps the per-unit counters and the audit trail."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, diff, snapshot
from members.models import Member, MemberStatus, Transfer
from organizations.models import Organization
from organizations.services import member_count_add
from vn import names
from vn.text import fold, normalize

EDITABLE = (
    "full_name",
    "gender",
    "date_of_birth",
    "card_number",
    "status",
    "admitted_on",
    "official_on",
)
MIN_AGE_AT_ADMISSION = 18


def member_derive(member: Member) -> Member:
    """Fill the stored forms of the name used for display, sorting and search."""
    member.full_name = names.display_name(member.full_name)
    member.card_number = card_form(member.card_number)
    member.sort_key = names.sort_key(member.full_name)
    member.search_text = search_text(fold(member.full_name), member.card_number)
    return member


def card_form(card_number: str) -> str:
    return normalize(card_number).replace(" ", "").upper()


def search_text(folded_name: str, card_number: str) -> str:
    """The stored search text from the folded display name and the stored card number."""
    return f" {folded_name} {card_number.lower()}"[:300]


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def member_problems(values: dict, today: dt.date | None = None) -> dict[str, str]:
    """Rules that span fields, shared by the forms and the roster import."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    born = values.get("date_of_birth")
    admitted = values.get("admitted_on")
    official = values.get("official_on")
    status = values.get("status")
    unit = values.get("organization")
    if born and born >= today:
        problems["date_of_birth"] = _("Ngày sinh phải trước ngày hôm nay.")
    elif born and _years_between(born, today) > 120:
        problems["date_of_birth"] = _("Ngày sinh không hợp lý (trên 120 tuổi).")
    if admitted and admitted > today:
        problems["admitted_on"] = _("Ngày vào Đảng không được sau ngày hôm nay.")
    elif born and admitted and _years_between(born, admitted) < MIN_AGE_AT_ADMISSION:
        problems["admitted_on"] = _("Ngày vào Đảng phải khi đã đủ 18 tuổi.")
    if official:
        if official > today:
            problems["official_on"] = _("Ngày chính thức không được sau ngày hôm nay.")
        elif admitted and official < admitted:
            problems["official_on"] = _("Ngày chính thức phải sau ngày vào Đảng.")
        elif status == MemberStatus.PROBATIONARY:
            problems["official_on"] = _("Đảng viên dự bị chưa có ngày chính thức.")
    elif status == MemberStatus.OFFICIAL:
        problems["official_on"] = _("Đảng viên chính thức cần có ngày chính thức.")
    if unit is not None:
        if not unit.is_open:
            problems["organization"] = _("Đơn vị “%(name)s” đã đóng.") % {"name": unit.name}
        elif not unit.level.holds_members:
            problems["organization"] = _(
                "Đơn vị “%(name)s” không có đảng viên sinh hoạt trực tiếp; hãy chọn chi bộ."
            ) % {"name": unit.name}
    return problems


def _check(values: dict) -> None:
    problems = member_problems(values)
    if problems:
        raise ValidationError(problems)


def _exempt(member: Member, sign: int, unit_id: int | None = None) -> dict[int, int]:
    """The exempt-count change that adding (`sign` 1) or removing (-1) `member` makes."""
    if member.status != MemberStatus.EXEMPT:
        return {}
    return {unit_id or member.organization_id: sign}


@transaction.atomic
def member_create(actor, **fields) -> Member:
    _check(fields)
    member = member_derive(Member(**fields))
    if Member.objects.filter(card_number=member.card_number).exists():
        raise ValidationError({"card_number": _("Số thẻ đảng viên này đã có trong hệ thống.")})
    member.save()
    member_count_add({member.organization_id: 1}, _exempt(member, 1))
    audit_record(actor, "member.create", member, diff({}, snapshot(member, EDITABLE)))
    return member


@transaction.atomic
def member_update(actor, member: Member, **fields) -> Member:
    """Edit personal details. Moving to another cell goes through member_transfer."""
    before = snapshot(member, EDITABLE)
    _check({**before, "organization": None, **fields})
    for key, value in fields.items():
        setattr(member, key, value)
    member_derive(member)
    changes = diff(before, snapshot(member, EDITABLE))
    if not changes:
        return member
    duplicate = Member.objects.filter(card_number=member.card_number).exclude(pk=member.pk)
    if "card_number" in changes and duplicate.exists():
        raise ValidationError({"card_number": _("Số thẻ đảng viên này đã có trong hệ thống.")})
    member.save(update_fields=[*changes, "sort_key", "search_text"])
    if "status" in changes and member.is_active:
        was_exempt = before["status"] == MemberStatus.EXEMPT
        is_exempt = member.status == MemberStatus.EXEMPT
        member_count_add({}, {member.organization_id: int(is_exempt) - int(was_exempt)})
    audit_record(actor, "member.update", member, changes)
    return member


@transaction.atomic
def member_transfer(
    actor, member: Member, to: Organization, *, on: dt.date, note: str = ""
) -> Transfer:
    if to.pk == member.organization_id:
        raise ValidationError({"to": _("Đảng viên đang sinh hoạt tại đơn vị này.")})
    if not member.is_active:
        raise ValidationError(_("Đảng viên đã thôi sinh hoạt, không thể chuyển."))
    problems = member_problems({"organization": to})
    if problems:
        raise ValidationError({"to": problems["organization"]})
    last = member.transfers.order_by("-transferred_on").first()
    if on > timezone.localdate():
        raise ValidationError({"on": _("Ngày chuyển không được sau ngày hôm nay.")})
    if on < member.admitted_on or (last and on < last.transferred_on):
        raise ValidationError({"on": _("Ngày chuyển phải sau lần chuyển trước và ngày vào Đảng.")})
    transfer = Transfer.objects.create(
        member=member,
        from_organization=member.organization,
        to_organization=to,
        transferred_on=on,
        note=note,
        recorded_by=actor,
    )
    member_count_add(
        {member.organization_id: -1, to.pk: 1},
        {**_exempt(member, -1), **_exempt(member, 1, to.pk)},
    )
    audit_record(
        actor, "member.transfer", member, {"organization": [str(member.organization), str(to)]}
    )
    member.organization = to
    member.save(update_fields=["organization"])
    return transfer


@transaction.atomic
def member_leave(actor, member: Member, *, on: dt.date, reason: str) -> Member:
    if not member.is_active:
        raise ValidationError(_("Đảng viên đã thôi sinh hoạt."))
    if on > timezone.localdate() or on < member.admitted_on:
        raise ValidationError({"left_on": _("Ngày thôi sinh hoạt không hợp lệ.")})
    member.left_on, member.left_reason = on, reason
    member.save(update_fields=["left_on", "left_reason"])
    member_count_add({member.organization_id: -1}, _exempt(member, -1))
    audit_record(
        actor,
        "member.leave",
        member,
        {"left_on": [None, on.isoformat()], "left_reason": [None, reason]},
    )
    return member
