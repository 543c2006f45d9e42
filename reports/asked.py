"""What the current campaigns ask of one member now: for each campaign covering their
cell, the deadline and time left (or why submission is closed), their attendance, the
documents to study, and their report's state (draft, submitted with its receipt,
returned with the reviewer's comment, rated). Reads only; the member's page shows it."""

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts import policy
from accounts.policy import Action
from campaigns.models import Campaign
from conferences.models import Attendance, Conference
from documents.models import Attachment
from members.models import Member
from organizations.models import Organization
from reports.models import Decision, Report, Review, State, Version
from reports.services import Deadline, deadline_for

# Campaigns whose conference deadline is older than this are past, unless the member
# still has a report to rewrite in them.
CURRENT = dt.timedelta(days=90)


@dataclass
class Asked:
    campaign: Campaign
    deadline: Deadline
    today: dt.date
    required: bool
    report: Report | None
    latest: Version | None
    review: Review | None  # the latest review with a comment, or the return
    attendance: Attendance | None
    conferences: list[Conference]
    documents: list = field(default_factory=list)
    prompts_and_texts: list = field(default_factory=list)
    key: str = ""

    @property
    def days_left(self) -> int:
        return (self.deadline.due - self.today).days

    @property
    def days_over(self) -> int:
        return -self.days_left

    @property
    def open(self) -> bool:
        rated = self.report is not None and self.report.state == State.RATED
        return self.deadline.is_open(self.today) and not rated

    @property
    def expired(self) -> bool:
        return self.deadline.confirmed_on is None and not self.deadline.is_open(self.today)

    @property
    def to_write(self) -> bool:
        """Whether the member has something to write: nothing submitted yet, or a return."""
        if not self.open:
            return False
        return self.report is None or not self.report.versions_count or self.returned

    @property
    def returned(self) -> bool:
        return self.report is not None and self.report.state == State.RETURNED

    @property
    def suffix(self) -> str:
        """Keeps element ids apart when several campaigns' forms share the page."""
        return f"-c{self.campaign.pk}"

    @property
    def receipt(self) -> str:
        return f"{self.report.pk}-{self.latest.number}" if self.latest else ""


def _fields(campaign: Campaign, report: Report | None, latest: Version | None) -> list:
    """(number, prompt, text, errors) per prompt: the draft, else the latest version."""
    prompts = campaign.prompts or [""]
    texts = list(report.draft) if report is not None and report.draft else []
    if not texts and latest is not None:
        texts = list(latest.sections)
    texts = (texts + [""] * len(prompts))[: len(prompts)]
    pairs = zip(prompts, texts, strict=True)
    return [(i, prompt, text, []) for i, (prompt, text) in enumerate(pairs, start=1)]


def asked_of(user, member: Member, today: dt.date | None = None) -> list[Asked]:
    """The campaigns covering `member`'s cell that are current, nearest deadline first."""
    today = today or timezone.localdate()
    paths = Organization.paths_above(member.organization.path)
    rewriting = Report.objects.filter(member=member, state=State.RETURNED).values("campaign")
    campaigns = (
        Campaign.objects.filter(owner__path__in=paths)
        .filter(Q(conference_deadline__gte=today - CURRENT) | Q(pk__in=rewriting))
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=policy.documents_for(user, Action.VIEW).prefetch_related(
                    Prefetch(
                        "attachments",
                        queryset=Attachment.objects.filter(state=Attachment.State.DONE),
                    )
                ),
            )
        )
        .order_by("conference_deadline", "pk")
    )
    reports = {
        r.campaign_id: r
        for r in Report.objects.filter(member=member, campaign__in=campaigns).select_related(
            "organization"
        )
    }
    marks = {
        a.campaign_id: a
        for a in Attendance.objects.filter(member=member, campaign__in=campaigns).select_related(
            "conference", "makeup"
        )
    }
    conferences: dict[int, list[Conference]] = {}
    for conference in (
        policy.conferences_for(user, Action.VIEW)
        .filter(campaign__in=campaigns, organizer__path__in=paths)
        .order_by("starts_at")
    ):
        conferences.setdefault(conference.campaign_id, []).append(conference)
    found = []
    for campaign in campaigns:
        report = reports.get(campaign.pk)
        latest = (
            report.versions.get(number=report.versions_count)
            if report is not None and report.versions_count
            else None
        )
        review = (
            report.reviews.exclude(Q(comment="") & ~Q(decision=Decision.RETURN)).last()
            if report is not None
            else None
        )
        item = Asked(
            campaign=campaign,
            deadline=deadline_for(campaign, member, report),
            today=today,
            required=campaign.requires(member.status),
            report=report,
            latest=latest,
            review=review,
            attendance=marks.get(campaign.pk),
            conferences=conferences.get(campaign.pk, []),
            documents=list(campaign.documents.all()),
        )
        if item.to_write:
            item.prompts_and_texts = _fields(campaign, report, latest)
            item.key = secrets.token_urlsafe(16)
        found.append(item)
    return found
