"""Writes for learning reports: drafts, submissions (own or on behalf), reviews, returns
for rewriting, extensions and the level above's confirmation.

Each change moves the unit counters (`ReportTally`, `RatingTally`) in the same
transaction by the difference between what the report counted before and after, and
`report_tally_rebuild` recounts them from the reports; a test proves it finds nothing.
"""

import datetime as dt
import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from audit.services import audit_entry, audit_record
from campaigns.models import Campaign
from conferences.models import Attendance
from members.models import Member
from nghiquyet.bulkload import bulk_insert, bulk_set
from organizations.models import Organization
from organizations.subtree import subtree_add, subtree_counted, subtree_store
from reports import copies, similarity
from reports.models import (
    REPORT_TALLY_FIELDS,
    AllowedText,
    Confirmation,
    Decision,
    Extension,
    RatingSubtree,
    RatingTally,
    Report,
    ReportSubtree,
    ReportTally,
    Review,
    Source,
    State,
    Version,
)
from reports.pending import REQUIRED, pending_members
from vn.formats import format_date, format_int

MAX_SECTION = 50_000  # characters of one section: about twenty typed pages
MAX_KEY = 64
BATCH = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_TAG = re.compile(r"<(/?)(p|br|div|li|h[1-6]|tr)\b[^>]*>|<[^>]+>", re.IGNORECASE)
_LOOKS_HTML = re.compile(r"<(p|br|div|span|b|i|strong|em|li|ul|ol|font|table)\b[^>]*>", re.I)


# --- Deadlines --------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    closes: dt.date | None  # after this day nothing is accepted; None: never closes
    extended: str = ""  # the reason of the extension that set `due`, if any
    # The day the level above confirmed the results of the member's unit (or of a unit
    # above it): submission is closed from then on, whatever the dates say.
    confirmed_on: dt.date | None = None

    def is_open(self, today: dt.date) -> bool:
        if self.confirmed_on is not None:
            return False
        return self.closes is None or today <= self.closes

    def is_late(self, today: dt.date) -> bool:
        return today > self.due


def deadline_for(campaign: Campaign, member: Member, report: Report | None = None) -> Deadline:
    """Due date and closing day under the campaign's rules. An extension (for the member
    or for any unit above their cell) and a return for rewriting can only move them later;
    a confirmation of the unit's results closes submission (`reports.pending` computes the
    same dates for many members at once)."""
    return DeadlineRules(campaign, [(member, report)]).of(member, report)


class DeadlineRules:
    """What `deadline_for` reads, for many (member, their report or None) of one campaign
    at once: attendance, confirmations and extensions in three queries."""

    def __init__(self, campaign: Campaign, whose: list[tuple[Member, Report | None]]):
        self.campaign = campaign
        members = {member.pk for member, _report in whose}
        self.marked = dict(
            Attendance.objects.filter(campaign=campaign, member_id__in=members).values_list(
                "member_id", "report_due"
            )
        )
        paths = set()
        for member, report in whose:
            paths.update(Organization.paths_above(member.organization.path))
            if report is not None:
                paths.update(Organization.paths_above(report.organization.path))
        self.confirmed: dict[str, dt.datetime] = {}
        for path, at in Confirmation.objects.filter(
            campaign=campaign, organization__path__in=paths
        ).values_list("organization__path", "confirmed_at"):
            self.confirmed[path] = min(at, self.confirmed.get(path, at))
        self.extensions = sorted(
            Extension.objects.filter(campaign=campaign)
            .filter(Q(member_id__in=members) | Q(organization__path__in=paths))
            .values_list("due", "pk", "member_id", "organization__path", "reason")
        )

    def of(self, member: Member, report: Report | None = None) -> Deadline:
        campaign = self.campaign
        due = self.marked.get(member.pk) or (
            campaign.conference_deadline + dt.timedelta(days=campaign.report_days)
        )
        closes = campaign.report_cutoff
        reason = ""
        paths = set(Organization.paths_above(member.organization.path))
        # Figures stay where they were earned: a started report belongs to its own unit.
        unit_path = report.organization.path if report is not None else member.organization.path
        confirmed = [
            self.confirmed[path]
            for path in Organization.paths_above(unit_path)
            if path in self.confirmed
        ]
        for extended, _pk, member_id, path, why in self.extensions:
            if (member_id == member.pk or path in paths) and extended > due:
                due, reason = extended, why
        if report is not None and report.rewrite_due and report.state == State.RETURNED:
            due = max(due, report.rewrite_due)
        if closes is not None:
            closes = max(closes, due)
        return Deadline(
            due=due,
            closes=closes,
            extended=reason,
            confirmed_on=timezone.localdate(min(confirmed)) if confirmed else None,
        )


def _latest_dues(campaign: Campaign, reports: list[Report]) -> dict[int, dt.date]:
    """The due date each report's latest version answers to under the rules of
    `deadline_for`, read for many reports in two queries. A version sent in after a return
    for rewriting had the rewrite deadline too; a report still returned was sent before."""
    default = campaign.conference_deadline + dt.timedelta(days=campaign.report_days)
    members = [report.member_id for report in reports]
    marked = dict(
        Attendance.objects.filter(campaign=campaign, member_id__in=members).values_list(
            "member_id", "report_due"
        )
    )
    extensions = list(
        Extension.objects.filter(campaign=campaign).values_list(
            "member_id", "organization__path", "due"
        )
    )
    dues = {}
    for report in reports:
        due = marked.get(report.member_id) or default
        path = report.member.organization.path
        for member_id, unit_path, extended in extensions:
            if member_id == report.member_id or (unit_path and path.startswith(unit_path)):
                due = max(due, extended)
        if report.rewrite_due and report.state != State.RETURNED:
            due = max(due, report.rewrite_due)
        dues[report.pk] = due
    return dues


def report_lateness_refresh(
    campaign: Campaign, *, unit: Organization | None = None, member: Member | None = None
) -> int:
    """Judge again whether each report's latest version came in late, after a deadline
    moved (the campaign's dates, an extension for `unit`'s subtree or for `member`); the
    unit counters follow in the same transaction. Returns how many reports changed."""
    reports = Report.objects.filter(campaign=campaign, versions_count__gt=0)
    if unit is not None:
        reports = reports.filter(member__organization__path__startswith=unit.path)
    if member is not None:
        reports = reports.filter(member=member)
    with transaction.atomic():
        rows = list(
            reports.select_related("member__organization")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        dues = _latest_dues(campaign, rows)
        changes, moved = _Changes(), {}
        for report in rows:
            late = timezone.localdate(report.submitted_at) > dues[report.pk]
            if late != report.late:
                before = _counts(report)
                report.late = late
                changes.move(report, before)
                moved[report.pk] = report
        if not moved:
            return 0
        Report.objects.bulk_update(moved.values(), ["late"], batch_size=BATCH)
        latest = list(
            Version.objects.filter(report_id__in=moved, number=F("report__versions_count"))
        )
        for version in latest:
            version.late = moved[version.report_id].late
            version.due = dues[version.report_id]
        Version.objects.bulk_update(latest, ["late", "due"], batch_size=BATCH)
        changes.apply()
    return len(moved)


# --- Text -------------------------------------------------------------------------------


def clean_text(raw: str) -> str:
    """Plain text from what a member typed or pasted: markup pasted from a web page or a
    word processor becomes its text, control and invisible characters go, and line
    breaks are kept. Stored as plain text and always rendered escaped."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _LOOKS_HTML.search(text):
        text = _TAG.sub(lambda m: "\n" if m.group(2) else "", text)
        text = html.unescape(text)
    text = _CONTROL.sub("", text).replace("\t", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_sections(campaign: Campaign, raw: list[str], *, partial: bool = False) -> list[str]:
    """One cleaned text per prompt of the campaign. Problems come back by section
    (`section_1`, …); with `partial`, empty sections are allowed (a draft)."""
    return sections_cleaned(section_count(campaign), raw, partial=partial)


def section_count(campaign: Campaign) -> int:
    return len(campaign.prompts or [""])


def sections_cleaned(count: int, raw: list[str], *, partial: bool = False) -> list[str]:
    """`clean_sections` for a campaign of `count` prompts, without the campaign (the
    submission's front door knows the count from its cache)."""
    if len(raw) != count:
        raise ValidationError(
            _("Bài cần đúng %(n)s phần nội dung.") % {"n": count}, code="sections"
        )
    problems: dict[str, str] = {}
    sections = []
    for i, value in enumerate(raw, start=1):
        if not isinstance(value, str):
            problems[f"section_{i}"] = _("Nội dung %(i)s không phải văn bản.") % {"i": i}
            sections.append("")
            continue
        # Far too long: reported below without cleaning megabytes first.
        text = value if len(value) > MAX_SECTION * 2 else clean_text(value)
        if len(text) > MAX_SECTION:
            problems[f"section_{i}"] = _(
                "Nội dung %(i)s dài %(n)s ký tự; tối đa %(max)s ký tự mỗi phần."
            ) % {"i": i, "n": format_int(len(text)), "max": format_int(MAX_SECTION)}
        elif not text and not partial:
            problems[f"section_{i}"] = _("Nội dung %(i)s đang để trống.") % {"i": i}
        sections.append(text)
    if problems:
        raise ValidationError(problems)
    return sections


# --- Counters -----------------------------------------------------------------------------


def _counts(report: Report) -> tuple[Counter, Counter]:
    """What one report adds to its unit's counters, and to its rating counters."""
    counts, ratings = Counter(), Counter()
    if not report.versions_count:
        return counts, ratings
    if not report.required:
        counts["encouraged"] = 1
        return counts, ratings
    counts["submitted"] = 1
    counts["late" if report.late else "on_time"] = 1
    if report.state == State.RETURNED:
        counts["returned"] = 1
    if report.state == State.RATED:
        counts["rated"] = 1
        ratings[report.rating] = 1
    if report.flagged:
        counts["flagged"] = 1
    return counts, ratings


class _Changes:
    """Counter changes collected during a write and applied once, in unit order, so
    that concurrent writes lock tally rows in the same order."""

    def __init__(self):
        self.units: dict[tuple[int, int], Counter] = defaultdict(Counter)
        self.ratings: dict[tuple[int, int, str], int] = defaultdict(int)

    def move(self, report: Report, before: tuple[Counter, Counter]) -> None:
        after = _counts(report)
        key = (report.campaign_id, report.organization_id)
        self.units[key].update(after[0])
        self.units[key].subtract(before[0])
        for rating, n in after[1].items():
            self.ratings[(*key, rating)] += n
        for rating, n in before[1].items():
            self.ratings[(*key, rating)] -= n

    def apply(self) -> None:
        moved: dict[tuple, Counter] = {}
        for (campaign_id, unit_id), fields in sorted(self.units.items()):
            if any(fields.values()):
                moved[(campaign_id, unit_id)] = Counter({n: v for n, v in fields.items() if v})
        if missing := _tallies_add(moved):
            ReportTally.objects.bulk_create(
                [ReportTally(campaign_id=c, organization_id=u) for c, u in missing],
                ignore_conflicts=True,
            )
            _tallies_add({key: moved[key] for key in missing})
        rated: dict[tuple, int] = {}
        for (campaign_id, unit_id, rating), n in sorted(self.ratings.items()):
            if n:
                _bump(
                    RatingTally,
                    {"count": F("count") + n},
                    campaign_id=campaign_id,
                    organization_id=unit_id,
                    rating=rating,
                )
                rated[(campaign_id, unit_id, rating)] = n
        if moved or rated:
            self._subtrees_move(moved, rated)

    @staticmethod
    def _subtrees_move(moved: dict[tuple, Counter], rated: dict[tuple, int]) -> None:
        """The same changes, added to the subtree rows of each unit and its ancestors."""
        unit_ids = {key[1] for key in moved} | {key[1] for key in rated}
        paths = dict(Organization.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
        by_campaign: dict[int, dict[str, Counter]] = defaultdict(dict)
        for (campaign_id, unit_id), fields in moved.items():
            by_campaign[campaign_id][paths[unit_id]] = fields
        for campaign_id, changes in sorted(by_campaign.items()):
            subtree_add(ReportSubtree, {"campaign_id": campaign_id}, changes)
        for (campaign_id, unit_id, rating), n in sorted(rated.items()):
            scope = {"campaign_id": campaign_id, "rating": rating}
            subtree_add(RatingSubtree, scope, {paths[unit_id]: Counter(count=n)})


def _tallies_add(moved: dict[tuple[int, int], Counter]) -> list[tuple[int, int]]:
    """Add each (campaign, unit)'s changes to its ReportTally row in one statement, rows
    locked in (campaign, unit) order on PostgreSQL as each writer locks them; returns the
    keys that have no row yet."""
    if not moved:
        return []
    table = ReportTally._meta.db_table
    names = ", ".join(REPORT_TALLY_FIELDS)
    row = "(" + ", ".join(["%s"] * (2 + len(REPORT_TALLY_FIELDS))) + ")"
    params = []
    for (campaign_id, unit_id), fields in moved.items():
        params += [campaign_id, unit_id, *(fields[name] for name in REPORT_TALLY_FIELDS)]
    added = ", ".join(f"{name} = t.{name} + v.{name}" for name in REPORT_TALLY_FIELDS)
    locked = ""
    if connection.vendor == "postgresql":
        locked = (
            f", locked AS (SELECT t.id FROM {table} t"
            " JOIN v ON t.campaign_id = v.c AND t.organization_id = v.u"
            " ORDER BY t.campaign_id, t.organization_id FOR UPDATE OF t)"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(c, u, {names}) AS (VALUES {', '.join([row] * len(moved))}){locked}"
            f" UPDATE {table} AS t SET {added} FROM v"
            " WHERE t.campaign_id = v.c AND t.organization_id = v.u"
            + (" AND t.id IN (SELECT id FROM locked)" if locked else "")
            + " RETURNING campaign_id, organization_id",
            params,
        )
        found = set(cursor.fetchall())
    return [key for key in moved if key not in found]


def _bump(model, changes: dict, **key) -> None:
    rows = model.objects.filter(**key)
    if not rows.update(**changes):
        model.objects.bulk_create([model(**key)], ignore_conflicts=True)
        rows.update(**changes)


def _flags_moved(changes: _Changes, report_ids: list[int]) -> None:
    """Counter moves for reports whose `flagged` changed during copy detection."""
    if not report_ids:
        return
    for report in Report.objects.filter(pk__in=report_ids):
        before = Report(**{f.attname: getattr(report, f.attname) for f in Report._meta.fields})
        before.flagged = not report.flagged
        changes.move(report, _counts(before))


# --- Drafts and submissions -----------------------------------------------------------


def _check_member(campaign: Campaign, member: Member) -> None:
    if not member.is_active:
        raise ValidationError(
            _("Đồng chí %(name)s đã thôi sinh hoạt.") % {"name": member.full_name}
        )
    if not member.organization.path.startswith(campaign.owner.path):
        raise ValidationError(
            _("Đồng chí %(name)s không thuộc phạm vi của đợt học tập này.")
            % {"name": member.full_name}
        )


def may_enter_for(actor, member: Member) -> bool:
    """A member writes their own report; a cell's committee or office enters it for a
    member without a smartphone."""
    if member.user_id is not None and member.user_id == actor.pk:
        return True
    return policy.can(actor, Action.ENTER_REPORTS, member.organization)


def _report_locked(campaign: Campaign, member: Member) -> Report:
    """The member's report row, created if missing, locked for the transaction."""
    try:
        with transaction.atomic():
            Report.objects.get_or_create(
                campaign=campaign,
                member=member,
                defaults={
                    "organization_id": member.organization_id,
                    "required": campaign.requires(member.status),
                },
            )
    except IntegrityError:
        pass  # a concurrent first save created it
    return Report.objects.select_for_update().get(campaign=campaign, member=member)


def draft_save(actor, campaign: Campaign, member: Member, raw: list[str]) -> Report:
    """Keep what the member has typed so far; nothing is checked but length."""
    if not may_enter_for(actor, member):
        raise ValidationError(_("Bạn không được viết bài thay đồng chí này."))
    _check_member(campaign, member)
    sections = clean_sections(campaign, raw, partial=True)
    with transaction.atomic():
        report = _report_locked(campaign, member)
        report.draft = sections
        report.draft_saved_at = timezone.now()
        report.save(update_fields=["draft", "draft_saved_at"])
    return report


class SubmitRefused(ValidationError):
    pass


@dataclass
class Receipt:
    report: Report
    version: Version
    repeated: bool  # the same submit arrived again and was counted once
    unchanged: bool = False  # a new submit of the very text of the latest version


def submission_check(actor, campaign: Campaign, member: Member, key: str) -> str:
    """What a submission is checked for before anything else; returns the key, stripped."""
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise SubmitRefused(_("Thiếu mã nộp bài; hãy tải lại trang rồi nộp lại."))
    if not may_enter_for(actor, member):
        raise SubmitRefused(_("Bạn không được nộp bài thay đồng chí này."))
    _check_member(campaign, member)
    return key


def report_submit(
    actor,
    campaign: Campaign,
    member: Member,
    raw: list[str],
    *,
    key: str,
    source: str = Source.TYPED,
    file_name: str = "",
) -> Receipt:
    """Submit a version of the member's report. A retried submit with the same key
    returns the first receipt; copy detection runs before the transaction commits.
    (The web form and the API go through the inbox, `reports.inbox`, which applies
    submissions in batches by `version_add`.)"""
    key = submission_check(actor, campaign, member, key)
    existing = Version.objects.filter(
        report__campaign=campaign, report__member=member, idempotency_key=key
    ).select_related("report")
    if (found := existing.first()) is not None:
        return Receipt(found.report, found, repeated=True)
    sections = clean_sections(campaign, raw)
    with transaction.atomic():
        report = _report_locked(campaign, member)
        changes = _Changes()
        receipt = version_add(
            actor,
            campaign,
            member,
            report,
            sections,
            key=key,
            source=source,
            file_name=file_name,
            at=timezone.now(),
            changes=changes,
        )
        changes.apply()
    return receipt


def version_add(
    actor,
    campaign: Campaign,
    member: Member,
    report: Report,
    sections: list[str],
    *,
    key: str,
    source: str,
    file_name: str,
    at: dt.datetime,
    changes: "_Changes",
    marks_locked: bool = False,
) -> Receipt:
    """A new version of `report` (locked by the caller) handed in at `at`: numbered,
    judged late or not on that day, indexed for copy detection; the counter moves go to
    `changes`, which the caller applies. Raises SubmitRefused when the report may not take
    it (rated, confirmed, closed, or the same text after a return for rewriting)."""
    handed = Handed(actor, campaign, member, report, sections, key, source, file_name, at)
    [outcome] = versions_add([handed], changes, marks_locked=marks_locked)
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


@dataclass
class Handed:
    """One submission for `versions_add`."""

    actor: object
    campaign: Campaign
    member: Member
    report: Report  # locked by the caller, its organization loaded
    sections: list[str]
    key: str
    source: str
    file_name: str
    at: dt.datetime


def versions_add(
    handed: list[Handed], changes: "_Changes", *, marks_locked: bool = False
) -> list[Receipt | ValidationError]:
    """`version_add` for many submissions in order (a report may take several): each is
    decided as if applied alone after the ones before it, then the reads and writes are
    done for all at once — versions, report rows, copy detection of each report's latest
    version (`copies.index_reports`), audit entries —, so a batch costs the same number
    of statements as one submission. One receipt or refusal per submission."""
    reports = {item.report.pk: item.report for item in handed}
    keys = {item.key for item in handed}
    known = {
        (version.report_id, version.idempotency_key): version
        for version in Version.objects.filter(report_id__in=reports, idempotency_key__in=keys)
    }
    started = [pk for pk, report in reports.items() if report.versions_count]
    latest = {
        version.report_id: version
        for version in Version.objects.filter(
            report_id__in=started, number=F("report__versions_count")
        )
    }
    whose: dict[int, list] = defaultdict(list)
    for item in handed:
        whose[item.campaign.pk].append((item.member, item.report))
    campaigns = {item.campaign.pk: item.campaign for item in handed}
    rules = {pk: DeadlineRules(campaigns[pk], members) for pk, members in whose.items()}
    before = {pk: _counts(report) for pk, report in reports.items()}
    new: list[Version] = []
    entries = []
    outcomes: list[Receipt | ValidationError] = []
    for item in handed:
        try:
            receipt = _version_decide(item, rules[item.campaign.pk], known, latest)
        except ValidationError as refused:
            outcomes.append(refused)
            continue
        outcomes.append(receipt)
        if not receipt.repeated:
            new.append(receipt.version)
            entries.append(_submit_entry(item.actor, receipt.version))
    if not new:
        return outcomes
    bulk_insert(new)
    # Each report is indexed once, for its latest version, where that version came: an
    # earlier version's pairs would be dropped by the later one's indexing anyway.
    last: dict[int, Version] = {}
    for version in new:
        last.pop(version.report_id, None)
        last[version.report_id] = version
    [indexed, *_] = copies.index_reports(
        [(reports[pk], version.text, version.number) for pk, version in last.items()],
        marks_locked=marks_locked,
    )
    for pk, flagged, similarity_ in Report.objects.filter(pk__in=last).values_list(
        "pk", "flagged", "similarity"
    ):
        reports[pk].flagged, reports[pk].similarity = flagged, similarity_
    bulk_set(
        [reports[pk] for pk in last],
        ["versions_count", "submitted_at", "late", "state", "rating", "draft", "draft_saved_at"],
    )
    for pk in last:
        changes.move(reports[pk], before[pk])
    _flags_moved(changes, [pk for pk in indexed.flag_changed if pk not in last])
    bulk_insert(entries)
    return outcomes


def _version_decide(
    item: Handed,
    rules: DeadlineRules,
    known: dict[tuple[int, str], Version],
    latest: dict[int, Version],
) -> Receipt:
    """The receipt of one submission, its version unsaved when new; `item.report`, `known`
    and `latest` are brought up to date for the submissions after it."""
    report = item.report
    if (found := known.get((report.pk, item.key))) is not None:
        return Receipt(report, found, repeated=True)
    today = timezone.localdate(item.at)
    deadline = _check_open(item.campaign, item.member, report, today, rules=rules)
    if (same := _same_as_latest(report, latest.get(report.pk), item.sections)) is not None:
        return Receipt(report, same, repeated=True, unchanged=True)
    member, source = item.member, item.source
    on_behalf = not (member.user_id is not None and member.user_id == item.actor.pk)
    version = Version(
        report=report,
        number=report.versions_count + 1,
        sections=item.sections,
        source=source if on_behalf or source != Source.PAPER else Source.TYPED,
        file_name=item.file_name[:255],
        entered_by=item.actor,
        on_behalf=on_behalf,
        submitted_at=item.at,
        due=deadline.due,
        late=deadline.is_late(today),
        idempotency_key=item.key,
    )
    report.versions_count = version.number
    report.submitted_at = item.at
    report.late = version.late
    report.state = State.SUBMITTED
    report.rating = ""
    report.draft = []
    report.draft_saved_at = None
    known[(report.pk, item.key)] = latest[report.pk] = version
    return Receipt(report, version, repeated=False)


def _submit_entry(actor, version: Version):
    return audit_entry(
        actor,
        "report.submit",
        version.report,
        {
            "version": [version.number - 1 or None, version.number],
            "on_behalf": [None, version.on_behalf],
            "late": [None, version.late],
        },
    )


def _same_as_latest(report: Report, latest: Version | None, sections: list[str]) -> Version | None:
    """The latest version when `sections` repeat it word for word (a second tap on a
    freshly loaded page carries a new key): kept once. After a return for rewriting the
    same text again is no rewrite, and is refused."""
    if latest is None or latest.sections != sections:
        return None
    if report.state == State.RETURNED:
        raise SubmitRefused(
            _("Bài chưa sửa so với lần nộp bị yêu cầu viết lại; hãy sửa theo nhận xét rồi nộp lại.")
        )
    return latest


def submission_open(campaign: Campaign, member: Member) -> Deadline:
    """The deadline, or SubmitRefused when the member's report takes no version now."""
    report = Report.objects.filter(campaign=campaign, member=member).first()
    return _check_open(campaign, member, report)


def _check_open(
    campaign: Campaign,
    member: Member,
    report: Report | None,
    today: dt.date | None = None,
    *,
    rules: DeadlineRules | None = None,
) -> Deadline:
    """The member's deadline, or SubmitRefused when the report takes no version on `today`
    (by default today): rated, the unit's results confirmed, or the deadline closed."""
    if report is not None and report.state == State.RATED:
        raise SubmitRefused(_("Bài đã được đánh giá; không nộp lại được."))
    if campaign.closed_at is not None:
        raise SubmitRefused(
            _("Đợt học tập đã kết thúc ngày %(date)s; không nhận bài nữa.")
            % {"date": format_date(timezone.localdate(campaign.closed_at))}
        )
    if rules is None:
        rules = DeadlineRules(campaign, [(member, report)])
    deadline = rules.of(member, report)
    if deadline.confirmed_on is not None:
        raise SubmitRefused(
            _(
                "Kết quả bài thu hoạch của đơn vị đã được cấp trên xác nhận ngày %(date)s; "
                "không nhận bài nữa."
            )
            % {"date": format_date(deadline.confirmed_on)}
        )
    if not deadline.is_open(today or timezone.localdate()):
        raise SubmitRefused(
            _("Đã hết hạn nhận bài từ ngày %(date)s. Hãy đề nghị chi bộ gia hạn.")
            % {"date": format_date(deadline.closes)}
        )
    return deadline


# --- Reviews ------------------------------------------------------------------------------


def _confirmed(campaign: Campaign, unit: Organization) -> bool:
    """Whether the level above has confirmed the results of this unit or one above it."""
    paths = Organization.paths_above(unit.path)
    return Confirmation.objects.filter(campaign=campaign, organization__path__in=paths).exists()


def review_problem(actor, report: Report) -> str | None:
    """Why `actor` may not rate, return or comment on `report` now; None if they may."""
    if not policy.can(actor, Action.REVIEW_REPORTS, report.organization):
        return _("Bạn không được đánh giá bài của đơn vị này.")
    if report.member.user_id is not None and report.member.user_id == actor.pk:
        return _(
            "Đây là bài thu hoạch của chính đồng chí; đồng chí không tự đánh giá bài của mình."
        )
    if not policy.reports_to_review(actor).filter(pk=report.pk).exists():
        return _(
            "Đợt học tập chấm ẩn danh: đồng chí biết người viết bài này (cùng chi bộ hoặc "
            "đã nhập hộ bài), nên bài do người khác đánh giá."
        )
    if not report.versions_count:
        return _("Bài chưa được nộp.")
    if _confirmed(report.campaign, report.organization):
        return _("Kết quả của đơn vị đã được cấp trên xác nhận; không sửa được nữa.")
    return None


def review(
    actor,
    report: Report,
    decision: str,
    *,
    rating: str = "",
    comment: str = "",
    new_due: dt.date | None = None,
) -> Review:
    """Rate, return for rewriting (with a new deadline) or just comment on the latest
    version. A rating is never changed silently: each one is a Review and an audit entry."""
    comment = clean_text(comment or "")[:5000]
    problems: dict[str, str] = {}
    if decision == Decision.RATE and rating not in (report.campaign.rating_scale or []):
        problems["rating"] = _("Hãy chọn một mức trong thang đánh giá của đợt học tập.")
    if decision == Decision.RETURN:
        if not comment:
            problems["comment"] = _("Yêu cầu viết lại cần ghi nhận xét cho đảng viên.")
        if new_due is None:
            problems["new_due"] = _("Hãy chọn hạn viết lại.")
        elif new_due < timezone.localdate():
            problems["new_due"] = _("Hạn viết lại phải từ hôm nay trở đi.")
    if decision == Decision.COMMENT and not comment:
        problems["comment"] = _("Hãy ghi nhận xét.")
    if decision not in Decision.values:
        problems["decision"] = _("Thao tác không hợp lệ.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .select_related("campaign", "organization", "member")
            .get(pk=report.pk)
        )
        if (problem := review_problem(actor, report)) is not None:
            raise ValidationError(problem)
        if decision != Decision.COMMENT and report.state == State.RETURNED:
            raise ValidationError(_("Bài đang chờ đảng viên viết lại."))
        before = _counts(report)
        old = {"state": report.state, "rating": report.rating}
        if decision == Decision.RATE:
            report.state, report.rating = State.RATED, rating
        elif decision == Decision.RETURN:
            report.state, report.rating, report.rewrite_due = State.RETURNED, "", new_due
        report.save(update_fields=["state", "rating", "rewrite_due"])
        entry = Review.objects.create(
            report=report,
            version=report.versions_count,
            reviewer=actor,
            decision=decision,
            rating=rating if decision == Decision.RATE else "",
            comment=comment,
            new_due=new_due if decision == Decision.RETURN else None,
        )
        changes = _Changes()
        changes.move(report, before)
        changes.apply()
        audit_record(
            actor,
            f"report.{decision}",
            report,
            {
                "state": [old["state"], report.state],
                "rating": [old["rating"], report.rating],
                **({"comment": [None, comment]} if comment else {}),
            },
        )
    return entry


# --- Extensions and confirmation --------------------------------------------------------


def extension_grant(
    actor,
    campaign: Campaign,
    *,
    due: dt.date,
    reason: str,
    unit: Organization | None = None,
    member: Member | None = None,
) -> Extension:
    where = unit if unit is not None else member.organization
    if not policy.can(actor, Action.MANAGE_REPORTS, where):
        raise ValidationError(_("Bạn không được gia hạn cho đơn vị này."))
    if not where.path.startswith(campaign.owner.path):
        raise ValidationError(_("Đơn vị không thuộc phạm vi của đợt học tập."))
    problems = {}
    reason = " ".join((reason or "").split())
    if not reason:
        problems["reason"] = _("Gia hạn cần ghi lý do.")
    if due < timezone.localdate():
        problems["due"] = _("Hạn mới phải từ hôm nay trở đi.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        extension = Extension.objects.create(
            campaign=campaign,
            organization=unit,
            member=member if unit is None else None,
            due=due,
            reason=reason[:255],
            granted_by=actor,
        )
        rejudged = report_lateness_refresh(campaign, unit=unit, member=extension.member)
        audit_record(
            actor,
            "report.extend",
            extension.organization or extension.member,
            {
                "due": [None, due.isoformat()],
                "reason": [None, reason],
                "reports_rejudged": [None, rejudged],
            },
        )
    return extension


def can_confirm(actor, unit: Organization) -> bool:
    """Results are confirmed by the level above, never by the unit itself."""
    parent = Organization.objects.get_parent(unit)
    return parent is not None and policy.can(actor, Action.MANAGE_REPORTS, parent)


def awaiting_review(campaign: Campaign, unit: Organization) -> int:
    """Submitted reports of the subtree nobody has rated or returned yet."""
    return Report.objects.filter(
        campaign=campaign, organization__path__startswith=unit.path, state=State.SUBMITTED
    ).count()


def confirm(
    actor,
    campaign: Campaign,
    unit: Organization,
    note: str = "",
    *,
    close_pending: bool = False,
) -> Confirmation:
    """Confirm a unit's results. Every submitted report must be rated or returned first.
    Members still due or returned for rewriting could no longer submit afterwards, so
    while there are any the confirmer must say so (`close_pending`); their number is kept
    on the confirmation and in the audit trail."""
    if not can_confirm(actor, unit):
        raise ValidationError(_("Chỉ cấp trên trực tiếp xác nhận kết quả của đơn vị."))
    own = Report.objects.filter(
        campaign=campaign, organization__path__startswith=unit.path, member__user=actor
    )
    if own.exists() and policy.others_can(
        actor, Action.MANAGE_REPORTS, Organization.objects.get_parent(unit)
    ):
        raise ValidationError(
            _("Đơn vị này có bài của chính đồng chí; kết quả do người khác ở cấp trên xác nhận.")
        )
    waiting = awaiting_review(campaign, unit)
    if waiting:
        raise ValidationError(
            _("Còn %(n)s bài chưa được đánh giá; chưa xác nhận được.") % {"n": format_int(waiting)}
        )
    pending = pending_members(campaign, unit).filter(pending__in=REQUIRED).count()
    if pending and not close_pending:
        raise ValidationError(
            _(
                "Còn %(n)s đảng viên chưa nộp bài hoặc đang viết lại. Hãy xem danh sách và "
                "xác nhận rằng các đồng chí này sẽ không nộp được bài nữa."
            )
            % {"n": format_int(pending)}
        )
    try:
        with transaction.atomic():
            confirmation = Confirmation.objects.create(
                campaign=campaign,
                organization=unit,
                confirmed_by=actor,
                note=note[:255],
                closed_pending=pending,
            )
            audit_record(
                actor,
                "report.confirm",
                unit,
                {"campaign": [None, campaign.pk], "closed_pending": [None, pending]},
            )
    except IntegrityError:
        raise ValidationError(_("Kết quả của đơn vị này đã được xác nhận.")) from None
    return confirmation


# --- Rebuild ----------------------------------------------------------------------------


def report_tally_rebuild(campaign: Campaign) -> dict[str, int]:
    """Recount the campaign's report counters from the reports; returns how many rows
    had to change (zero when the services kept them right)."""
    units: dict[int, Counter] = defaultdict(Counter)
    ratings: dict[tuple[int, str], int] = defaultdict(int)
    rows = Report.objects.filter(campaign=campaign, versions_count__gt=0).only(
        "organization_id", "required", "versions_count", "late", "state", "rating", "flagged"
    )
    for report in rows.iterator(chunk_size=BATCH):
        counts, rated = _counts(report)
        units[report.organization_id].update(counts)
        for rating, n in rated.items():
            ratings[(report.organization_id, rating)] += n
    fixed = {"units": 0, "ratings": 0}
    with transaction.atomic():
        current = {
            row.organization_id: row for row in ReportTally.objects.filter(campaign=campaign)
        }
        for unit_id in set(units) | set(current):
            want = {name: units[unit_id][name] for name in REPORT_TALLY_FIELDS}
            row = current.get(unit_id)
            have = {name: getattr(row, name) for name in REPORT_TALLY_FIELDS} if row else None
            if have == want or (row is None and not any(want.values())):
                continue
            ReportTally.objects.update_or_create(
                campaign=campaign, organization_id=unit_id, defaults=want
            )
            fixed["units"] += 1
        current_ratings = {
            (row.organization_id, row.rating): row
            for row in RatingTally.objects.filter(campaign=campaign)
        }
        for key in set(ratings) | set(current_ratings):
            row = current_ratings.get(key)
            want = ratings.get(key, 0)
            if (row.count if row else 0) == want:
                continue
            RatingTally.objects.update_or_create(
                campaign=campaign, organization_id=key[0], rating=key[1], defaults={"count": want}
            )
            fixed["ratings"] += 1
        fixed["subtrees"] = report_subtree_rebuild(campaign)
    return fixed


def report_subtree_rebuild(campaign: Campaign) -> int:
    """Recount the campaign's subtree rows from the unit tallies; returns rows changed."""
    scope = ["campaign_id"]
    units = ReportTally.objects.filter(campaign=campaign)
    sums = {name: Sum(name) for name in REPORT_TALLY_FIELDS}
    wanted = subtree_counted(units, "organization", scope, **sums)
    stored = ReportSubtree.objects.filter(campaign=campaign).order_by("pk")
    changed = subtree_store(stored, scope, REPORT_TALLY_FIELDS, wanted)
    scope = ["campaign_id", "rating"]
    ratings = RatingTally.objects.filter(campaign=campaign)
    wanted = subtree_counted(ratings, "organization", scope, count=Sum("count"))
    stored = RatingSubtree.objects.filter(campaign=campaign).order_by("pk")
    return changed + subtree_store(stored, scope, ["count"], wanted)


def report_subtrees_recount(unit: Organization) -> int:
    """After a move or a closing: recount the campaigns with report tallies under `unit`."""
    touched = ReportTally.objects.filter(organization__path__startswith=unit.path)
    campaigns = Campaign.objects.filter(pk__in=touched.values("campaign_id"))
    return sum(report_subtree_rebuild(campaign) for campaign in campaigns)


# --- Circulated texts allowed in a campaign ----------------------------------------------

ALLOWED_TEXT_MIN_WORDS = 20


def allowed_text_add(actor, campaign: Campaign, text: str) -> AllowedText:
    """Mark a text many units were given as allowed: it joins the campaign's boilerplate.
    The caller enqueues `copies_rebuild` so existing pairs are judged without it."""
    if not policy.can(actor, Action.MANAGE_CAMPAIGNS, campaign.owner):
        raise ValidationError(_("Đồng chí không có quyền quản lý đợt học tập này."))
    text = text.replace("\x00", "").strip()
    if len(similarity.tokens(text)) < ALLOWED_TEXT_MIN_WORDS:
        raise ValidationError(
            _("Văn bản quá ngắn: cần ít nhất %(n)s từ để không bỏ qua nhầm một câu thông dụng.")
            % {"n": ALLOWED_TEXT_MIN_WORDS}
        )
    with transaction.atomic():
        row = AllowedText.objects.create(campaign=campaign, text=text, added_by=actor)
        copies.boilerplate_refresh(campaign)
        audit_record(actor, "copies.allow_text", campaign, {"allowed_text": [None, text[:200]]})
    return row


def allowed_text_remove(actor, campaign: Campaign, pk: int) -> None:
    if not policy.can(actor, Action.MANAGE_CAMPAIGNS, campaign.owner):
        raise ValidationError(_("Đồng chí không có quyền quản lý đợt học tập này."))
    with transaction.atomic():
        row = AllowedText.objects.filter(campaign=campaign, pk=pk).first()
        if row is None:
            raise ValidationError(_("Văn bản này đã được bỏ khỏi danh sách."))
        row.delete()
        copies.boilerplate_refresh(campaign)
        audit_record(
            actor, "copies.disallow_text", campaign, {"allowed_text": [row.text[:200], None]}
        )
