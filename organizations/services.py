"""Writes to the unit tree. Each records an audit entry."""

import datetime as dt
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext as _

from audit.services import audit_record, diff, snapshot
from nghiquyet import generations
from organizations.models import Organization, OrganizationRename
from organizations.subtree import subtree_add, subtree_counted, subtree_recount_all, subtree_store

_EDITABLE = ("name", "code", "level", "issuer_code", "valid_from")


@transaction.atomic
def organization_create(actor, *, parent: Organization | None, **fields) -> Organization:
    if parent is not None:
        # Two units added under one parent at once would take the same next path step:
        # the parent's row lock makes the second wait and then see the first (SQLite's
        # IMMEDIATE transactions already let one writer in at a time).
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
        if not parent.is_open:
            raise ValidationError(_("Không thể thêm đơn vị vào đơn vị đã đóng."))
    unit = Organization(**fields)
    unit.name_folded = Organization.folded_name(unit.name)
    unit = (
        Organization.objects.add_child(parent, instance=unit)
        if parent
        else Organization.objects.add_root(instance=unit)
    )
    if unit.level.holds_members and unit.is_open:
        subtree_add(Organization, {}, {unit.path: Counter(subtree_cells=1)})
    audit_record(actor, "organization.create", unit, diff({}, snapshot(unit, _EDITABLE)))
    return unit


@transaction.atomic
def organization_update(
    actor, unit: Organization, *, renamed_on: dt.date, **fields
) -> Organization:
    """Change a unit's details; a new name keeps the old one for records dated before."""
    before = snapshot(unit, _EDITABLE)
    for key, value in fields.items():
        setattr(unit, key, value)
    changes = diff(before, snapshot(unit, _EDITABLE))
    if not changes:
        return unit
    if "name" in changes:
        OrganizationRename.objects.create(
            organization=unit, old_name=before["name"], new_name=unit.name, renamed_on=renamed_on
        )
        unit.name_folded = Organization.folded_name(unit.name)
    unit.save(update_fields=[*changes, *(["name_folded"] if "name" in changes else [])])
    audit_record(actor, "organization.update", unit, changes)
    return unit


@transaction.atomic
def organization_move(actor, unit: Organization, new_parent: Organization) -> Organization:
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise ValidationError(_("Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới."))
    if not new_parent.is_open:
        raise ValidationError(_("Không thể chuyển vào đơn vị đã đóng."))
    old_parent = Organization.objects.get_parent(unit)
    Organization.objects.move(unit, new_parent, pos="last-child")
    generations.bump(generations.ROSTER)  # the subtree's paths changed, without signals
    unit.refresh_from_db()
    unit_subtrees_rebuild()
    subtree_recount_all(unit)
    audit_record(
        actor,
        "organization.move",
        unit,
        {"parent": [str(old_parent) if old_parent else None, str(new_parent)]},
    )
    return unit


@transaction.atomic
def organization_close(actor, unit: Organization, *, closed_on: dt.date, note: str = "") -> None:
    """Close a unit and its open descendants; nothing is deleted.

    A unit that still has active members cannot close: they must be transferred first,
    so that no member is left in a unit that no longer exists.
    """
    if not unit.is_open:
        raise ValidationError(_("Đơn vị này đã đóng."))
    if unit.valid_from and closed_on <= unit.valid_from:
        raise ValidationError(_("Ngày đóng phải sau ngày bắt đầu hiệu lực."))
    subtree = Organization.objects.within(unit.path).open_now()
    remaining = Organization.objects.member_total(unit)
    if remaining:
        raise ValidationError(
            _("Còn %(n)s đảng viên đang sinh hoạt trong đơn vị; hãy chuyển sinh hoạt trước.")
            % {"n": remaining}
        )
    for closed in subtree:
        audit_record(
            actor, "organization.close", closed, {"valid_to": [None, closed_on.isoformat()]}
        )
    subtree.update(valid_to=closed_on, closing_note=note[:255])
    unit_subtrees_rebuild()
    subtree_recount_all(unit)


def member_counts_rebuild() -> int:
    """Recount every unit's active and exempt members from the member rows; returns units
    changed."""
    from members.models import Member, MemberStatus

    active = Member.objects.active().values("organization").order_by()
    actual = {
        row["organization"]: (row["n"], row["exempt"])
        for row in active.annotate(
            n=Count("pk"), exempt=Count("pk", filter=Q(status=MemberStatus.EXEMPT))
        )
    }
    changed = 0
    with transaction.atomic():
        stored = Organization.objects.values_list("pk", "member_count", "exempt_count")
        for unit_id, members, exempt in stored:
            counted = actual.get(unit_id, (0, 0))
            if counted != (members, exempt):
                Organization.objects.filter(pk=unit_id).update(
                    member_count=counted[0], exempt_count=counted[1]
                )
                changed += 1
        changed += unit_subtrees_rebuild()
    return changed


def unit_subtrees_rebuild() -> int:
    """Recount every unit's whole-subtree members, exempt members and open cells from the
    units' own counts; returns units changed. Also run after a move or a closing, which
    change what a subtree holds (rare, and one grouped query per tree level)."""
    open_cell = Q(level__holds_members=True, valid_to__isnull=True)
    wanted = subtree_counted(
        Organization.objects.order_by(),
        "",
        [],
        subtree_members=Sum("member_count"),
        subtree_exempt=Sum("exempt_count"),
        subtree_cells=Count("pk", filter=open_cell),
    )
    stored = Organization.objects.order_by("pk").only(
        "pk", "path", "subtree_members", "subtree_exempt", "subtree_cells"
    )
    return subtree_store(stored, [], ("subtree_members", "subtree_exempt", "subtree_cells"), wanted)


COUNT_BATCH = 500


def member_count_add(deltas: dict[int, int], exempt: dict[int, int] | None = None) -> None:
    """Apply member-count changes per unit (and, in `exempt`, changes to the exempt
    share), inside the caller's transaction."""
    exempt = exempt or {}
    changed = sorted(
        unit_id
        for unit_id in set(deltas) | set(exempt)
        if deltas.get(unit_id) or exempt.get(unit_id)
    )
    # One statement per COUNT_BATCH units: an import touches hundreds of cells at once.
    for start in range(0, len(changed), COUNT_BATCH):
        ids = changed[start : start + COUNT_BATCH]
        Organization.objects.filter(pk__in=ids).update(
            member_count=F("member_count") + _by_unit(ids, deltas),
            exempt_count=F("exempt_count") + _by_unit(ids, exempt),
        )
    if changed:
        paths = Organization.objects.filter(pk__in=changed).values_list("pk", "path")
        moves = {
            path: Counter(subtree_members=deltas.get(pk, 0), subtree_exempt=exempt.get(pk, 0))
            for pk, path in paths
        }
        subtree_add(Organization, {}, moves)


def _by_unit(ids: list[int], values: dict[int, int]) -> Case:
    whens = [
        When(pk=unit_id, then=Value(values[unit_id])) for unit_id in ids if values.get(unit_id)
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())
