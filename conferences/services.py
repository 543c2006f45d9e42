"""Writes for conferences, bridge points, attendance and make-up briefings.

Every mark changes three things in one transaction: the mark itself, its bridge point's
headcounts, and the campaign tally of the member's cell. `tally_rebuild` recounts the last
two from the marks; a test proves it finds nothing to change.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEntry
from audit.services import audit_entry, audit_record
from campaigns.models import Campaign
from conferences.models import (
    ABSENT,
    ATTENDED,
    TALLY_FIELDS,
    Attendance,
    BridgePoint,
    Channel,
    Conference,
    Format,
    Makeup,
    PartOfDay,
    Status,
    SubtreeTally,
    Tally,
    Topic,
)
from members.models import Member
from nghiquyet import generations
from organizations.models import Organization, under_any
from organizations.subtree import subtree_add, subtree_counted, subtree_store
from vn.formats import format_date, format_datetime, format_int

BATCH = 2000

# --- Conferences and bridge points ------------------------------------------------------


def _conference_problems(campaign: Campaign, fields: dict) -> dict[str, str]:
    problems: dict[str, str] = {}
    organizer = fields.get("organizer")
    if organizer is not None:
        if not organizer.path.startswith(campaign.owner.path):
            problems["organizer"] = _(
                "Đơn vị tổ chức phải thuộc phạm vi của đợt học tập (%(owner)s)."
            ) % {"owner": campaign.owner.name}
        elif not organizer.is_open:
            problems["organizer"] = _("Đơn vị “%(name)s” đã đóng.") % {"name": organizer.name}
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts and ends and ends <= starts:
        problems["ends_at"] = _("Giờ kết thúc phải sau giờ bắt đầu.")
    relayed = fields.get("relayed_from")
    if relayed is not None:
        if fields.get("format") == Format.IN_PERSON:
            problems["relayed_from"] = _(
                "Hội nghị trực tiếp không tiếp sóng; hãy chọn hình thức trực tuyến."
            )
        elif organizer is not None and not (
            organizer.path.startswith(relayed.organizer.path)
            and organizer.path != relayed.organizer.path
        ):
            problems["relayed_from"] = _("Chỉ tiếp sóng hội nghị của cấp trên.")
        elif not Conference.objects.studying_with(campaign).filter(pk=relayed.pk).exists():
            problems["relayed_from"] = _(
                "Chỉ tiếp sóng hội nghị học tập cùng văn bản (cùng đợt hoặc đợt học cùng "
                "nghị quyết)."
            )
    return problems


def _topics_set(conference: Conference, topics: Iterable[tuple[str, str]]) -> None:
    conference.topics.all().delete()
    Topic.objects.bulk_create(
        Topic(conference=conference, position=i, title=title, reporter=reporter)
        for i, (title, reporter) in enumerate(topics)
    )


@transaction.atomic
def conference_create(actor, campaign: Campaign, *, topics=(), **fields) -> Conference:
    """A conference and its main bridge point: the hall, where the organiser's members go
    unless a bridge point nearer to them is added."""
    problems = _conference_problems(campaign, fields)
    if problems:
        raise ValidationError(problems)
    conference = Conference.objects.create(campaign=campaign, created_by=actor, **fields)
    _topics_set(conference, topics)
    main = BridgePoint.objects.create(
        conference=conference,
        name=_("Hội trường chính"),
        host=conference.organizer,
        address=conference.venue,
        chair=conference.chair,
        chair_title=conference.chair_title,
        is_main=True,
    )
    main.units.set([conference.organizer])
    audit_record(
        actor,
        "conference.create",
        conference,
        {
            "title": [None, conference.title],
            "starts_at": [None, conference.starts_at.isoformat()],
            "format": [None, conference.format],
            "organizer": [None, str(conference.organizer)],
        },
    )
    return conference


EDITABLE = (
    "title",
    "starts_at",
    "ends_at",
    "format",
    "venue",
    "chair",
    "chair_title",
    "agenda",
    "relayed_from",
)
# The main hall is where the conference itself sits: its address and chair follow it.
_HALL_FOLLOWS = {"venue": "address", "chair": "chair", "chair_title": "chair_title"}


@transaction.atomic
def conference_update(actor, conference: Conference, *, topics=None, **fields) -> Conference:
    if conference.is_closed:
        raise ValidationError(_("Hội nghị đã kết thúc điểm danh, không sửa được nữa."))
    if conference.attendances.exists() and fields.get("format", conference.format) != (
        conference.format
    ):
        raise ValidationError({"format": _("Đã có điểm danh; không đổi được hình thức hội nghị.")})
    if (
        fields.get("format") == Format.IN_PERSON
        and conference.bridge_points.filter(is_main=False).exists()
    ):
        raise ValidationError(
            {"format": _("Hội nghị đã có điểm cầu; không chuyển sang hình thức trực tiếp được.")}
        )
    merged = {name: getattr(conference, name) for name in EDITABLE}
    merged.update(fields, organizer=conference.organizer)
    problems = _conference_problems(conference.campaign, merged)
    if problems:
        raise ValidationError(problems)
    changes = {}
    for name, value in fields.items():
        old = getattr(conference, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value)]
            setattr(conference, name, value)
    if "starts_at" in changes and conference.part_of_day != PartOfDay.EXACT:
        # A start typed in by hand is exact, even if the news only gave "chiều".
        changes["part_of_day"] = [conference.part_of_day, PartOfDay.EXACT]
        conference.part_of_day = PartOfDay.EXACT
    if changes:
        conference.save(update_fields=list(changes))
        hall = {
            field: getattr(conference, name)
            for name, field in _HALL_FOLLOWS.items()
            if name in changes
        }
        if hall:
            conference.bridge_points.filter(is_main=True).update(**hall)
    if topics is not None:
        before = list(conference.topics.values_list("title", "reporter"))
        if before != list(topics):
            _topics_set(conference, topics)
            changes["topics"] = [len(before), len(topics)]
    if changes:
        audit_record(actor, "conference.update", conference, changes)
    return conference


@transaction.atomic
def bridge_point_add(
    actor, conference: Conference, *, name, host, units, chair="", chair_title="", address=""
) -> BridgePoint:
    """Another place that joins an online conference. Its roster is the members of
    `units`; a unit given to a bridge point takes its members from any wider one."""
    problems: dict[str, str] = {}
    if conference.format == Format.IN_PERSON:
        raise ValidationError(_("Hội nghị trực tiếp chỉ có một hội trường, không có điểm cầu."))
    if conference.is_closed:
        raise ValidationError(_("Hội nghị đã kết thúc điểm danh."))
    scope = conference.organizer.path
    if not host.path.startswith(scope) or not host.is_open:
        problems["host"] = _("Đơn vị chủ trì phải là đơn vị đang hoạt động thuộc %(o)s.") % {
            "o": conference.organizer.name
        }
    units = list(units)
    if not units:
        problems["units"] = _("Hãy chọn ít nhất một đơn vị dự tại điểm cầu.")
    outside = [unit.name for unit in units if not unit.path.startswith(scope)]
    if outside:
        problems["units"] = _("Không thuộc đơn vị tổ chức: %(names)s.") % {
            "names": ", ".join(outside)
        }
    taken = (
        BridgePoint.units.through.objects.filter(
            bridgepoint__conference=conference, organization__in=units
        )
        .select_related("organization", "bridgepoint")
        .first()
    )
    if taken and "units" not in problems:
        problems["units"] = _("“%(unit)s” đã được giao cho điểm cầu “%(point)s”.") % {
            "unit": taken.organization.name,
            "point": taken.bridgepoint.name,
        }
    if conference.bridge_points.filter(name__iexact=name.strip()).exists():
        problems["name"] = _("Hội nghị đã có điểm cầu tên này.")
    if problems:
        raise ValidationError(problems)
    point = BridgePoint.objects.create(
        conference=conference,
        name=name.strip(),
        host=host,
        chair=chair,
        chair_title=chair_title,
        address=address,
    )
    point.units.set(units)
    audit_record(
        actor,
        "bridge_point.create",
        point,
        {
            "name": [None, point.name],
            "host": [None, str(host)],
            "units": [None, ", ".join(unit.name for unit in units)],
        },
    )
    return point


def _assignments(conference: Conference) -> list[tuple[str, int]]:
    """(unit path, bridge point id) of the conference, deepest units first."""
    rows = BridgePoint.units.through.objects.filter(bridgepoint__conference=conference).values_list(
        "organization__path", "bridgepoint_id"
    )
    return sorted(rows, key=lambda row: -len(row[0]))


def bridge_point_of(conference: Conference, cell_path: str, assignments=None) -> int | None:
    """The bridge point a member of the cell at `cell_path` is expected at: the one given
    the deepest unit above (or equal to) that cell."""
    for path, point_id in assignments if assignments is not None else _assignments(conference):
        if cell_path.startswith(path):
            return point_id
    return None


def _roster_paths(point: BridgePoint) -> tuple[list[str], list[str]]:
    """The unit paths whose subtrees make up `point`'s roster, and the deeper ones that
    other bridge points of the conference were given (their members go there)."""
    mine = list(point.units.values_list("path", flat=True))
    others = BridgePoint.units.through.objects.filter(
        bridgepoint__conference_id=point.conference_id
    ).exclude(bridgepoint=point)
    deeper = [
        path
        for path in others.values_list("organization__path", flat=True)
        if any(path.startswith(own) and path != own for own in mine)
    ]
    return mine, deeper


# What a host is told about any card outside the point's roster, whether it is unknown,
# struck off, in another province or at another bridge point: a host learns nothing about
# members they do not run.
NOT_ON_ROSTER = gettext_lazy("Không tìm thấy đảng viên này trong danh sách của điểm cầu.")


def roster(point: BridgePoint) -> QuerySet[Member]:
    """Active members expected at `point`: under its units, less those under a deeper unit
    that another bridge point of the conference was given."""
    mine, deeper = _roster_paths(point)
    members = Member.objects.active().filter(under_any(mine, "organization__path"))
    return members.exclude(under_any(deeper, "organization__path")) if deeper else members


def roster_size(point: BridgePoint) -> int:
    """How many members `point` expects, summed from the units' member counters (the
    roster of a city's main hall can be a million members; this reads unit rows)."""
    mine, deeper = _roster_paths(point)
    units = Organization.objects.filter(under_any(mine, "path"))
    if deeper:
        units = units.exclude(under_any(deeper, "path"))
    return units.aggregate(n=Sum("member_count"))["n"] or 0


# --- Counters ---------------------------------------------------------------------------


def _tally_fields(required: bool, status: str, online: bool, made_up: bool) -> Counter:
    fields: Counter = Counter()
    if not required:
        if status in ATTENDED:
            fields["encouraged"] += 1
        return fields
    fields[status] += 1
    if status == Status.PRESENT and online:
        fields["present_online"] += 1
    if made_up:
        fields["made_up"] += 1
    return fields


def _point_fields(status: str) -> Counter:
    return Counter({"absent" if status in ABSENT else status: 1})


def _mark_fields(mark: Attendance) -> Counter:
    return _tally_fields(mark.required, mark.status, mark.online, mark.made_up)


MARKED = ("present", "left_early", "absent_excused", "absent_unexcused")


def _counters_add(campaign_id: int, tallies: dict[int, Counter], points: dict[int, Counter]):
    """Add per-unit tally changes (and the same to every ancestor's subtree row) and
    per-bridge-point headcount changes."""
    moved = {}
    for unit_id, fields in sorted(tallies.items()):
        changes = {name: F(name) + n for name, n in fields.items() if n}
        if not changes:
            continue
        rows = Tally.objects.filter(campaign_id=campaign_id, organization_id=unit_id)
        if not rows.update(**changes):
            Tally.objects.bulk_create(
                [Tally(campaign_id=campaign_id, organization_id=unit_id)], ignore_conflicts=True
            )
            rows.update(**changes)
        moved[unit_id] = Counter({name: n for name, n in fields.items() if n})
    if moved:
        _subtree_add(campaign_id, moved)
    for point_id, fields in points.items():
        changes = {name: F(name) + n for name, n in fields.items() if n}
        if changes:
            BridgePoint.objects.filter(pk=point_id).update(**changes)


def _subtree_add(campaign_id: int, moved: dict[int, Counter]) -> None:
    """Move the subtree rows above each changed tally; an open cell counts as held once
    its tally holds a mark, so a change that crosses zero moves `cells_held` too."""
    units = Organization.objects.filter(pk__in=moved).values_list(
        "pk", "path", "level__holds_members", "valid_to"
    )
    paths, cells = {}, []
    for pk, path, holds_members, valid_to in units:
        paths[pk] = path
        if holds_members and valid_to is None and any(moved[pk][name] for name in MARKED):
            cells.append(pk)
    if cells:
        marked = F("present") + F("left_early") + F("absent_excused") + F("absent_unexcused")
        after = Tally.objects.filter(campaign_id=campaign_id, organization_id__in=cells)
        for pk, now in after.annotate(marked=marked).values_list("organization_id", "marked"):
            before = now - sum(moved[pk][name] for name in MARKED)
            moved[pk]["cells_held"] += int(now > 0) - int(before > 0)
    subtree_add(
        SubtreeTally, {"campaign_id": campaign_id}, {paths[pk]: c for pk, c in moved.items()}
    )


def _diff(old: Counter, new: Counter) -> Counter:
    out = Counter(new)
    out.subtract(old)
    return out


# --- Marks ------------------------------------------------------------------------------


def report_due_after(conference: Conference) -> dt.date:
    held = timezone.localtime(conference.starts_at).date()
    return held + dt.timedelta(days=conference.campaign.report_days)


def report_dues_refresh(campaign: Campaign) -> int:
    """Re-date the report due dates kept on the campaign's attendance marks after its
    report or make-up window changed; returns how many marks were re-dated."""
    changed = 0
    for conference in Conference.objects.filter(campaign=campaign).select_related("campaign"):
        conference.campaign = campaign
        changed += Attendance.objects.filter(conference=conference, makeup__isnull=True).update(
            report_due=report_due_after(conference)
        )
    for makeup in Makeup.objects.filter(campaign=campaign):
        changed += Attendance.objects.filter(makeup=makeup).update(
            report_due=makeup.held_on + dt.timedelta(days=campaign.makeup_days)
        )
    generations.bump(generations.of_campaign(campaign.pk))  # the report deadlines moved
    return changed


def _mark_problem(
    point: BridgePoint, member: Member, status: str, reason: str, expected: int | None = None
) -> str | None:
    """What is wrong with marking `member` at `point`; `expected`, when the caller already
    knows the member's bridge point, saves looking it up."""
    conference = point.conference
    if status not in Status.values:
        return _("Tình trạng điểm danh không hợp lệ.")
    if status == Status.ABSENT_EXCUSED and not reason.strip():
        return _("Vắng có lý do thì cần ghi lý do.")
    if not member.is_active:
        return _("Đồng chí %(name)s đã thôi sinh hoạt.") % {"name": member.full_name}
    if expected is None:
        expected = bridge_point_of(conference, member.organization.path)
    if expected is None:
        return _("Đồng chí %(name)s không thuộc danh sách dự hội nghị này.") % {
            "name": member.full_name
        }
    if expected != point.pk:
        other = BridgePoint.objects.get(pk=expected)
        return _("Đồng chí %(name)s dự tại điểm cầu “%(point)s”, không phải điểm cầu này.") % {
            "name": member.full_name,
            "point": other.name,
        }
    return None


class MarkRefused(ValidationError):
    """A mark that cannot be recorded; nothing was changed. `conflict` says the refusal
    comes from what is already recorded (rather than from the request itself)."""

    def __init__(self, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.conflict = conflict


def _qr_refusal(mark: Attendance, digest: str) -> str:
    """Why a member who already has a mark cannot check in by QR."""
    if mark.token_digest and mark.token_digest == digest:
        return _("Mã QR này đã được dùng để điểm danh; không dùng lại được.")
    if mark.status in ATTENDED:
        return _("Đồng chí đã điểm danh lúc %(time)s tại “%(point)s”.") % {
            "time": format_datetime(mark.marked_at),
            "point": mark.bridge_point.name,
        }
    # The host has marked them absent; only the host may change that.
    return _("Đồng chí đã được ghi nhận “%(status)s”; hãy báo người chủ trì điểm cầu.") % {
        "status": mark.get_status_display()
    }


@transaction.atomic
def attendance_mark(
    actor,
    point: BridgePoint,
    member: Member,
    status: str,
    *,
    reason: str = "",
    channel: str = Channel.ROSTER,
    token_digest: str = "",
) -> tuple[Attendance, bool]:
    """Record or correct one member's mark; returns (mark, changed).

    A correction keeps the old value in the audit trail, and moves the mark to `point`
    when the member's bridge point changed since. A member marked at another conference
    of the campaign, or already made up, is refused rather than moved; a QR check-in
    never changes an existing mark.
    """
    # Lock the member row: concurrent marks of one member queue here, so every check
    # below sees the marks as they are.
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    return _mark_locked(
        actor, point, member, status, reason=reason, channel=channel, token_digest=token_digest
    )


def _mark_locked(
    actor,
    point: BridgePoint,
    member: Member,
    status: str,
    *,
    reason,
    channel,
    token_digest,
    expected: int | None = None,
) -> tuple[Attendance, bool]:
    """attendance_mark, for a member row the caller has locked in its transaction."""
    conference = point.conference
    if conference.is_closed and status in ATTENDED:
        raise MarkRefused(
            _("Hội nghị đã kết thúc điểm danh; không ghi nhận có mặt được nữa."), conflict=True
        )
    problem = _mark_problem(point, member, status, reason, expected)
    if problem:
        raise MarkRefused(problem)
    reason = reason.strip()[:255] if status in ABSENT else ""
    mark = (
        Attendance.objects.filter(campaign_id=conference.campaign_id, member=member)
        .select_related("bridge_point", "conference")
        .first()
    )
    now = timezone.now()
    if mark is None:
        mark = Attendance(
            campaign_id=conference.campaign_id,
            conference=conference,
            bridge_point=point,
            member=member,
            organization=member.organization,
            required=conference.campaign.requires(member.status),
            online=point.online,
            status=status,
            reason=reason,
            channel=channel,
            token_digest=token_digest,
            report_due=report_due_after(conference),
            marked_by=actor,
            marked_at=now,
        )
        mark.save()
        _counters_add(
            conference.campaign_id,
            {mark.organization_id: _mark_fields(mark)},
            {point.pk: _point_fields(status)},
        )
        audit_record(
            actor,
            "attendance.mark",
            mark,
            {
                "member": [None, member.full_name],
                "status": [None, status],
                "channel": [None, channel],
            },
        )
        return mark, True

    if channel == Channel.QR:
        raise MarkRefused(_qr_refusal(mark, token_digest), conflict=True)
    if mark.conference_id != conference.pk:
        raise MarkRefused(
            _("Đồng chí %(name)s đã được điểm danh tại hội nghị “%(conf)s”.")
            % {"name": member.full_name, "conf": mark.conference.title},
            conflict=True,
        )
    if mark.made_up:
        raise MarkRefused(
            _("Đồng chí %(name)s đã học bù; không sửa điểm danh được.")
            % {"name": member.full_name},
            conflict=True,
        )
    if conference.is_closed and mark.status in ATTENDED:
        raise MarkRefused(
            _("Hội nghị đã kết thúc điểm danh; không sửa được lượt có mặt."), conflict=True
        )
    moved = mark.bridge_point_id != point.pk
    if mark.status == status and mark.reason == reason and not moved:
        return mark, False
    old_tally, old_point = _mark_fields(mark), _point_fields(mark.status)
    changes = {"status": [mark.status, status]}
    if mark.reason != reason:
        changes["reason"] = [mark.reason, reason]
    if moved:
        changes["bridge_point"] = [mark.bridge_point.name, point.name]
    old_point_id = mark.bridge_point_id
    mark.status, mark.reason, mark.channel = status, reason, channel
    mark.bridge_point, mark.online = point, point.online
    mark.marked_by, mark.marked_at = actor, now
    mark.save(
        update_fields=[
            "status", "reason", "channel", "bridge_point", "online", "marked_by", "marked_at"
        ]
    )  # fmt: skip
    new_point = _point_fields(status)
    headcounts = (
        {old_point_id: _diff(old_point, Counter()), point.pk: new_point}
        if moved
        else {point.pk: _diff(old_point, new_point)}
    )
    _counters_add(
        conference.campaign_id,
        {mark.organization_id: _diff(old_tally, _mark_fields(mark))},
        headcounts,
    )
    audit_record(actor, "attendance.correct", mark, changes)
    return mark, True


def _marks_insert(actor, point: BridgePoint, rows, *, channel: str) -> list[Attendance]:
    """Insert first marks at `point` and add them to the counters, in bulk. `rows` are
    (member id, member's cell id, member's status, mark status, reason); the caller has
    made sure none of these members has a mark in the campaign."""
    conference = point.conference
    campaign = conference.campaign
    now, due = timezone.now(), report_due_after(conference)
    marks = [
        Attendance(
            campaign=campaign,
            conference=conference,
            bridge_point=point,
            member_id=member_id,
            organization_id=unit_id,
            required=campaign.requires(member_status),
            online=point.online,
            status=status,
            reason=reason.strip()[:255] if status in ABSENT else "",
            channel=channel,
            report_due=due,
            marked_by=actor,
            marked_at=now,
        )
        for member_id, unit_id, member_status, status, reason in rows
    ]
    Attendance.objects.bulk_create(marks, batch_size=BATCH)
    generations.bump(generations.of_campaign(campaign.pk))  # report deadlines of the marked
    tallies: dict[int, Counter] = defaultdict(Counter)
    headcount: Counter = Counter()
    for mark in marks:
        tallies[mark.organization_id] += _mark_fields(mark)
        headcount += _point_fields(mark.status)
    _counters_add(campaign.pk, tallies, {point.pk: headcount})
    return marks


def attendance_bulk_create(
    actor, point: BridgePoint, rows: list[tuple[Member, str, str]], *, channel: str
) -> int:
    """First marks for many members of `point` at once: (member, status, reason) each.

    For imports that have already checked every row against the roster and locked the
    members (so none of them has a mark); the counters and audit entries are written in
    bulk, which keeps a file of thousands of rows to a few statements per thousand.
    """
    conference = point.conference
    for _member, status, reason in rows:
        if status not in Status.values or (status == Status.ABSENT_EXCUSED and not reason):
            raise MarkRefused(_("Tình trạng điểm danh không hợp lệ."))
        if conference.is_closed and status in ATTENDED:
            raise MarkRefused(
                _("Hội nghị đã kết thúc điểm danh; không ghi nhận có mặt được nữa."),
                conflict=True,
            )
    marks = _marks_insert(
        actor,
        point,
        [(m.pk, m.organization_id, m.status, status, reason) for m, status, reason in rows],
        channel=channel,
    )
    # Some databases do not hand back the new keys from a bulk insert; read them.
    stored = Attendance.objects.filter(
        campaign_id=conference.campaign_id, member_id__in=[mark.member_id for mark in marks]
    ).select_related("member")
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                actor,
                "attendance.mark",
                mark,
                {
                    "member": [None, mark.member.full_name],
                    "status": [None, mark.status],
                    "channel": [None, channel],
                },
            )
            for mark in stored.iterator(chunk_size=BATCH)
        ],
        batch_size=BATCH,
    )
    return len(marks)


MARK_ALL_LIMIT = 5000


def attendance_mark_all_present(actor, point: BridgePoint) -> int:
    """Mark every member of `point`'s roster who has no mark yet as present, so that a
    host then only corrects the exceptions. Members already marked (by QR, by hand, at
    another conference of the campaign) keep their mark. Returns how many were marked."""
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=point.conference_id)
        if conference.is_closed:
            raise MarkRefused(
                _("Hội nghị đã kết thúc điểm danh; không ghi nhận có mặt được nữa."),
                conflict=True,
            )
        marked = Attendance.objects.filter(campaign_id=conference.campaign_id)
        unmarked = roster(point).exclude(pk__in=marked.values("member_id"))
        # Lock the members first, as a check-in does, then read them again in a new
        # statement: a member who scanned the QR code meanwhile keeps the QR mark.
        locked = list(unmarked.select_for_update(of=("self",)).values_list("pk", flat=True))
        if len(locked) > MARK_ALL_LIMIT:
            raise MarkRefused(
                _(
                    "Điểm cầu còn %(n)s đảng viên chưa điểm danh, quá nhiều để ghi có mặt "
                    "một lần; hãy dùng mã QR hoặc tải tệp điểm danh."
                )
                % {"n": format_int(len(locked))}
            )
        members = list(unmarked.order_by("pk"))
        if not members:
            return 0
        point = BridgePoint.objects.select_related("conference__campaign").get(pk=point.pk)
        added = attendance_bulk_create(
            actor,
            point,
            [(member, Status.PRESENT, "") for member in members],
            channel=Channel.ROSTER,
        )
        audit_record(actor, "attendance.mark_all_present", point, {"present": [None, added]})
    return added


@transaction.atomic
def guests_set(actor, point: BridgePoint, guests: int) -> BridgePoint:
    if guests < 0 or guests > 100_000:
        raise ValidationError({"guests": _("Số khách mời không hợp lệ.")})
    point = BridgePoint.objects.select_for_update().get(pk=point.pk)
    if point.guests == guests:
        return point
    delta = guests - point.guests
    _counters_add(
        point.conference.campaign_id,
        {point.host_id: Counter({"guests": delta})},
        {point.pk: Counter({"guests": delta})},
    )
    audit_record(actor, "bridge_point.guests", point, {"guests": [point.guests, guests]})
    point.refresh_from_db()
    return point


@transaction.atomic
def conference_close(actor, conference: Conference) -> int:
    """End check-in. Every expected member still unmarked is recorded absent without
    reason (the host may still give a reason); returns how many were."""
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.is_closed:
        raise ValidationError(_("Hội nghị đã kết thúc điểm danh."))
    if conference.starts_at > timezone.now():
        raise ValidationError(_("Hội nghị chưa bắt đầu."))
    marked = Attendance.objects.filter(campaign_id=conference.campaign_id).values("member_id")
    added = 0
    for point in conference.bridge_points.select_related("conference", "conference__campaign"):
        unmarked = roster(point).exclude(pk__in=marked)
        rows = [
            (member_id, unit_id, status, Status.ABSENT_UNEXCUSED, "")
            for member_id, unit_id, status in unmarked.values_list(
                "pk", "organization_id", "status"
            ).iterator(chunk_size=BATCH)
        ]
        added += len(_marks_insert(actor, point, rows, channel=Channel.CLOSE))
    conference.closed_at = timezone.now()
    conference.save(update_fields=["closed_at"])
    audit_record(actor, "conference.close", conference, {"absent_unmarked": [None, added]})
    return added


# --- Make-up briefings ------------------------------------------------------------------


def absentees(campaign: Campaign, unit: Organization) -> QuerySet[Attendance]:
    """Marks of members under `unit` who missed (all or part of) the conference and have
    not been made up."""
    return Attendance.objects.filter(
        campaign=campaign,
        organization__path__startswith=unit.path,
        status__in=[*ABSENT, Status.LEFT_EARLY],
        made_up=False,
    )


@transaction.atomic
def makeup_create(
    actor, campaign: Campaign, unit: Organization, *, held_on, venue, reporter="", marks
) -> Makeup:
    """Schedule a make-up briefing for some of the unit's absentees; their report deadline
    moves to the briefing date plus the campaign's make-up window."""
    marks = list(marks)
    if not marks:
        raise ValidationError({"marks": _("Hãy chọn ít nhất một đảng viên cần học bù.")})
    eligible = set(absentees(campaign, unit).values_list("pk", flat=True))
    if any(mark.pk not in eligible for mark in marks):
        raise ValidationError({"marks": _("Có đảng viên không thuộc diện học bù của đơn vị.")})
    latest = max(timezone.localtime(mark.conference.starts_at).date() for mark in marks)
    if held_on < latest:
        raise ValidationError({"held_on": _("Buổi học bù phải sau ngày hội nghị.")})
    makeup = Makeup.objects.create(
        campaign=campaign,
        organization=unit,
        held_on=held_on,
        venue=venue,
        reporter=reporter,
        created_by=actor,
    )
    due = held_on + dt.timedelta(days=campaign.makeup_days)
    Attendance.objects.filter(pk__in=[mark.pk for mark in marks]).update(
        makeup=makeup, report_due=due
    )
    generations.bump(generations.of_campaign(campaign.pk))
    audit_record(
        actor,
        "makeup.create",
        makeup,
        {
            "held_on": [None, held_on.isoformat()],
            "members": [None, len(marks)],
            "report_due": [None, due.isoformat()],
        },
    )
    return makeup


@transaction.atomic
def makeup_confirm(actor, makeup: Makeup, attended_ids: Iterable[int]) -> int:
    """Record who came to the briefing; the others go back to the list of absentees with
    the deadline they had. Returns how many were made up."""
    makeup = Makeup.objects.select_for_update().get(pk=makeup.pk)
    if makeup.done:
        raise ValidationError(_("Buổi học bù này đã được xác nhận."))
    if makeup.held_on > timezone.localdate():
        raise ValidationError(
            _("Buổi học bù diễn ra ngày %(day)s; chỉ xác nhận được từ ngày đó.")
            % {"day": format_date(makeup.held_on)}
        )
    attended = set(attended_ids)
    marks = list(makeup.attendances.select_related("conference", "conference__campaign"))
    tallies: dict[int, Counter] = defaultdict(Counter)
    entries = []
    for mark in marks:
        if mark.pk in attended:
            mark.made_up = True
            if mark.required:
                tallies[mark.organization_id]["made_up"] += 1
            entries.append(
                audit_entry(actor, "attendance.made_up", mark, {"made_up": [False, True]})
            )
        else:
            mark.makeup = None
            mark.report_due = report_due_after(mark.conference)
    Attendance.objects.bulk_update(marks, ["made_up", "makeup", "report_due"], batch_size=BATCH)
    generations.bump(generations.of_campaign(makeup.campaign_id))
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    _counters_add(makeup.campaign_id, tallies, {})
    makeup.done = True
    makeup.save(update_fields=["done"])
    made_up = sum(1 for mark in marks if mark.made_up)
    audit_record(actor, "makeup.confirm", makeup, {"made_up": [None, made_up]})
    return made_up


# --- Rebuild ----------------------------------------------------------------------------


def _counted_tallies(campaign_ids: list[int]) -> dict[tuple[int, int], Counter]:
    required = Q(required=True)
    attended = Q(status__in=ATTENDED)
    per_status = {
        status: Count("pk", filter=required & Q(status=status)) for status in Status.values
    }
    rows = (
        Attendance.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id", "organization_id")
        .annotate(
            **per_status,
            present_online=Count("pk", filter=required & Q(status=Status.PRESENT, online=True)),
            made_up=Count("pk", filter=required & Q(made_up=True)),
            encouraged=Count("pk", filter=Q(required=False) & attended),
        )
        .order_by()
    )
    counted: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for row in rows:
        key = (row["campaign_id"], row["organization_id"])
        counted[key].update({name: row[name] for name in TALLY_FIELDS if name != "guests"})
    guests = (
        BridgePoint.objects.filter(conference__campaign_id__in=campaign_ids)
        .values("conference__campaign_id", "host_id")
        .annotate(n=Sum("guests"))
        .order_by()
    )
    for row in guests:
        counted[(row["conference__campaign_id"], row["host_id"])]["guests"] += row["n"]
    return counted


@transaction.atomic
def tally_rebuild(campaign_ids: Iterable[int] | None = None) -> int:
    """Recount every tally and bridge-point headcount from the marks; returns how many rows
    had to change (zero when the maintained counters are right)."""
    ids = list(campaign_ids) if campaign_ids is not None else None
    if ids is None:
        ids = list(Campaign.objects.values_list("pk", flat=True))
    counted = _counted_tallies(ids)
    changed = 0
    stored = {
        (t.campaign_id, t.organization_id): t for t in Tally.objects.filter(campaign_id__in=ids)
    }
    for key in set(counted) | set(stored):
        want = {name: counted.get(key, Counter())[name] for name in TALLY_FIELDS}
        tally = stored.get(key)
        if tally is None:
            if any(want.values()):
                Tally.objects.create(campaign_id=key[0], organization_id=key[1], **want)
                changed += 1
        elif any(getattr(tally, name) != value for name, value in want.items()):
            Tally.objects.filter(pk=tally.pk).update(**want)
            changed += 1

    heads = (
        Attendance.objects.filter(campaign_id__in=ids)
        .values("bridge_point_id")
        .annotate(
            present=Count("pk", filter=Q(status=Status.PRESENT)),
            left_early=Count("pk", filter=Q(status=Status.LEFT_EARLY)),
            absent=Count("pk", filter=Q(status__in=ABSENT)),
        )
        .order_by()
    )
    by_point = {row["bridge_point_id"]: row for row in heads}
    points = BridgePoint.objects.filter(conference__campaign_id__in=ids)
    for point in points.only("pk", "present", "left_early", "absent"):
        row = by_point.get(point.pk, {})
        want = {name: row.get(name, 0) for name in ("present", "left_early", "absent")}
        if any(getattr(point, name) != value for name, value in want.items()):
            BridgePoint.objects.filter(pk=point.pk).update(**want)
            changed += 1
    return changed + subtree_tally_rebuild(ids)


def subtree_tally_rebuild(campaign_ids: Iterable[int]) -> int:
    """Recount the campaigns' subtree rows from the unit tallies; returns rows changed."""
    ids = list(campaign_ids)
    tallies = Tally.objects.filter(campaign_id__in=ids)
    scope = ["campaign_id"]
    wanted = subtree_counted(
        tallies, "organization", scope, **{name: Sum(name) for name in TALLY_FIELDS}
    )
    marked = F("present") + F("left_early") + F("absent_excused") + F("absent_unexcused")
    held = tallies.alias(marked=marked).filter(
        marked__gt=0, organization__level__holds_members=True, organization__valid_to__isnull=True
    )
    for key, row in subtree_counted(held, "organization", scope, cells_held=Count("pk")).items():
        wanted.setdefault(key, {}).update(row)
    stored = SubtreeTally.objects.filter(campaign_id__in=ids).order_by("pk")
    return subtree_store(stored, scope, (*TALLY_FIELDS, "cells_held"), wanted)


def subtree_tallies_recount(unit: Organization) -> int:
    """After a move or a closing: recount the campaigns with tallies under `unit`."""
    touched = Tally.objects.filter(organization__path__startswith=unit.path)
    return subtree_tally_rebuild(set(touched.values_list("campaign_id", flat=True)))
