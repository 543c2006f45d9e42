"""Learning reports (bài thu hoạch): drafts, submitted versions, reviews, extensions,
the level above's confirmations, per-unit counters, and the copy-detection index."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from members.models import Member
from nghiquyet.jobfiles import GeneratedFile
from organizations.models import Organization


class State(models.TextChoices):
    DRAFT = "draft", _("Đang viết")
    SUBMITTED = "submitted", _("Đã nộp, chờ đánh giá")
    RETURNED = "returned", _("Yêu cầu viết lại")
    RATED = "rated", _("Đã đánh giá")


class Source(models.TextChoices):
    TYPED = "typed", _("Soạn trên hệ thống")
    FILE = "file", _("Tải tệp DOCX/PDF")
    PAPER = "paper", _("Nhập hộ từ bài viết tay")


class Report(models.Model):
    """One member's learning report in a campaign; its text lives in its versions."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reports")
    # The member's cell when the report was started: figures stay where they were earned.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    required = models.BooleanField(default=True)
    state = models.CharField(_("tình trạng"), max_length=20, choices=State, default=State.DRAFT)
    # Typed sections not yet submitted, saved as the member writes.
    draft = models.JSONField(default=list, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    versions_count = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    # The deadline a return-for-rewrite set; it overrides every other rule for this report.
    rewrite_due = models.DateField(_("hạn viết lại"), null=True, blank=True)
    late = models.BooleanField(_("nộp muộn"), default=False)
    rating = models.CharField(_("xếp loại"), max_length=60, blank=True)
    # Whether the latest version has a flagged look-alike, and the closest one's score.
    flagged = models.BooleanField(_("nghi sao chép"), default=False)
    similarity = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("bài thu hoạch")
        verbose_name_plural = _("bài thu hoạch")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="report_once_per_member")
        ]
        indexes = [models.Index(fields=["campaign", "organization", "state"])]

    def __str__(self) -> str:
        # By number only: this is what audit entries and the admin keep of a report.
        return gettext("Bài số %(n)s") % {"n": self.pk}

    @property
    def is_submitted(self) -> bool:
        return self.versions_count > 0


class Version(models.Model):
    """A submitted text, kept forever; a rewrite adds a version, never edits one."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    sections = models.JSONField()
    source = models.CharField(max_length=10, choices=Source, default=Source.TYPED)
    file_name = models.CharField(max_length=255, blank=True)
    # Who pressed submit: the member, or a secretary entering it on their behalf.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    on_behalf = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()
    due = models.DateField()
    late = models.BooleanField(default=False)
    # A retried submit carries the same key and finds this version instead of a new one.
    idempotency_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["report", "idempotency_key"], name="version_submitted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"

    @property
    def text(self) -> str:
        return "\n\n".join(self.sections)


class SubmissionInbox(models.Model):
    """A submission as it arrived: checked cheaply (who may hand it in, the sections, the
    deadline) and written in one statement; a drain (reports/inbox.py) then makes it a
    version, runs copy detection and moves the counters, in a batch with others, or
    refuses it with the reason the member sees. A retry carries the same key and finds
    this row: one per (campaign, member, key)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Đang chờ ghi nhận")
        DONE = "done", _("Đã ghi nhận")
        REFUSED = "refused", _("Không ghi nhận")

    # No foreign key constraint on the campaign: every insert of a national burst would
    # share a lock on the same campaign row. The drain refuses a row whose campaign is gone.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    # Who pressed submit: the member, or a secretary entering it on their behalf.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    sections = models.JSONField()
    source = models.CharField(max_length=10, choices=Source, default=Source.TYPED)
    file_name = models.CharField(max_length=255, blank=True)
    key = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    outcome = models.CharField(max_length=500, blank=True)
    version = models.ForeignKey(
        Version,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The version already held this text or this key: the submission counted once.
    repeated = models.BooleanField(default=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nộp bài thu hoạch")
        verbose_name_plural = _("lượt nộp bài thu hoạch")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member", "key"], name="submission_received_once"
            )
        ]
        indexes = [
            # The drain's queue: only waiting rows, oldest first.
            models.Index(
                fields=["id"], name="submission_inbox_waiting", condition=Q(state="waiting")
            )
        ]

    def __str__(self) -> str:
        return gettext("Lượt nộp số %(n)s") % {"n": self.pk}


class Decision(models.TextChoices):
    RATE = "rate", _("Đánh giá")
    RETURN = "return", _("Yêu cầu viết lại")
    COMMENT = "comment", _("Nhận xét")


class Review(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reviews")
    version = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision)
    rating = models.CharField(max_length=60, blank=True)
    comment = models.TextField(_("nhận xét"), blank=True)
    new_due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version}: {self.decision}"


class Extension(models.Model):
    """A later deadline for a unit's subtree or for one member, with its reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due = models.DateField(_("hạn mới"))
    reason = models.CharField(_("lý do gia hạn"), max_length=255)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True, member__isnull=False)
                | models.Q(organization__isnull=False, member__isnull=True),
                name="extension_for_unit_or_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id or self.member_id} → {self.due:%d/%m/%Y}"


class Confirmation(models.Model):
    """The level above has checked and confirmed a unit's review results."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # Required members still due or returned when it was confirmed: from then on they
    # can no longer submit, and the confirmer said so explicitly.
    closed_pending = models.PositiveIntegerField(_("số đảng viên chưa nộp khi xác nhận"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="confirmation_once_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organization_id}"


class Reminder(models.Model):
    """A member reminded to submit, at most once a day per campaign: the unique key makes
    a second reminder the same day (a double click, two officers) send nothing."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField()
    emailed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member", "day"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.member_id} {self.day:%d/%m/%Y}"


REPORT_TALLY_FIELDS = ("submitted", "on_time", "late", "returned", "rated", "flagged", "encouraged")


class ReportTally(models.Model):
    """A campaign's report figures for one unit's own members. Kept by the services in
    the same transaction as each change; `report_tally_rebuild` must find nothing to fix.

    `submitted`, `on_time`, `late`, `returned`, `rated` and `flagged` count required
    members' reports; `encouraged` counts reports of members who were not required.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    submitted = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    encouraged = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="report_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organization_id}"


class RatingTally(models.Model):
    """Required members' reports per rating of the campaign's own scale, per unit."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(max_length=60)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "rating"], name="rating_tally_unique"
            )
        ]

    # --- Copy detection ---------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organization_id}: {self.rating}"


class ReportSubtree(models.Model):
    """A campaign's report figures for a unit's whole subtree (its `ReportTally` and those
    of every unit below it), moved in the same transaction as the unit tallies, so a
    dashboard reads the unit's row and its children's; `report_tally_rebuild` recounts."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique (campaign, path) index serves it
    path = models.CharField(max_length=255)
    submitted = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    flagged = models.IntegerField(default=0)
    encouraged = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "path"], name="report_subtree_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.path}"


class RatingSubtree(models.Model):
    """Required members' reports per rating for a unit's whole subtree."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    path = models.CharField(max_length=255)
    rating = models.CharField(max_length=60)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "path", "rating"], name="rating_subtree_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.path}: {self.rating}"


class Fingerprint(models.Model):
    """The shingle hashes of a report's latest version (before boilerplate subtraction,
    so that a change of the campaign's documents needs no re-reading of the texts)."""

    report = models.OneToOneField(
        Report, on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    campaign_id = models.BigIntegerField()
    version = models.PositiveSmallIntegerField()
    shingles = models.BinaryField()
    # The same hashes in text order with repeats, which winnowing needs; empty on rows
    # stored before marks existed (a rebuild reads their text again).
    sequence = models.BinaryField(default=b"")
    # How many shingles remain once boilerplate is subtracted: too few are not compared.
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version}"


class BandKey(models.Model):
    """One winnowed mark of a report (`similarity.marks`): reports of a campaign sharing a
    key are candidates. An indexed lookup, so any app server or worker can answer it.

    On PostgreSQL the table is partitioned by LIST (campaign_id), one partition per
    campaign (`copies.marks_partition`) and a default one for safety, so a campaign's
    index is dropped in one statement (`copies.marks_drop`). The key holds the partition
    column, so there is no surrogate id: the primary key is the lookup itself."""

    pk = models.CompositePrimaryKey("campaign_id", "key", "report_id")
    campaign_id = models.BigIntegerField()
    key = models.IntegerField()
    report_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["report_id"], name="bandkey_report")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.key}"


class CrowdedMark(models.Model):
    """A mark more than `similarity.CROWDED_MARK` reports of the campaign share, found so
    by a lookup: later lookups skip it without reading its index entries."""

    campaign_id = models.BigIntegerField()
    key = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign_id", "key"], name="crowdedmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.key}"


class Boilerplate(models.Model):
    """Shingles of the campaign's own documents and prompts, which reports may quote."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    shingles = models.BinaryField()
    digest = models.CharField(max_length=64)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.campaign_id}"


class AllowedText(models.Model):
    """Text the campaign's officer marks as circulated to many units (a template, a
    sample): subtracted like the campaign's documents, so copying it is no copy."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.text[:40]}"


class Pair(models.Model):
    """Two reports of a campaign whose verified overlap reaches a threshold; `a` is the
    earlier report (lower id). Never chained: groups are built around a centre."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    a = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    jaccard = models.FloatField()
    containment = models.FloatField()
    shared = models.PositiveIntegerField()
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="pair_unique")]
        indexes = [
            models.Index(fields=["campaign", "-jaccard"], name="pair_by_similarity"),
            models.Index(fields=["b"], name="pair_b"),
        ]

    def __str__(self) -> str:
        return f"{self.a_id}~{self.b_id}"

    @property
    def score(self) -> float:
        return max(self.jaccard, self.containment)


class Rebuild(models.Model):
    """A campaign's copy index being rebuilt (`copies.rebuild_start`): marks, then pairs,
    then flags, each over the same ranges of report ids (`RebuildBatch`), so any number
    of workers share the work and a run killed halfway resumes where it stopped."""

    class Phase(models.TextChoices):
        MARKS = "marks", _("Ghi dấu của từng bài")
        PAIRS = "pairs", _("So sánh các bài")
        FLAGS = "flags", _("Cập nhật cờ nghi sao chép")
        DONE = "done", _("Xong")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(max_length=10, choices=Phase, default=Phase.MARKS)
    reports = models.PositiveIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)
    # The report id the last finished batch ended at, whichever phase it served.
    last_report_id = models.BigIntegerField(default=0)
    # Whether the old marks, crowded marks and pairs are gone (after the ranges are cut).
    cleared = models.BooleanField(default=False)
    workers = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One rebuild of a campaign runs at a time; a second start resumes it.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(finished_at__isnull=True),
                name="rebuild_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.phase}"


class RebuildBatch(models.Model):
    """Reports `first_id`..`last_id` of a rebuild; `done` is how many phases are through
    (1 marks written, 2 pairs compared, 3 flags set), each in the transaction that did it."""

    rebuild = models.ForeignKey(Rebuild, on_delete=models.CASCADE, related_name="ranges")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    done = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["rebuild", "done", "first_id"], name="rebuild_batch_todo")]

    def __str__(self) -> str:
        return f"{self.rebuild_id}: {self.first_id}-{self.last_id}"


class Export(GeneratedFile):
    """A unit's reports gathered into one DOCX or a ZIP by a background job."""

    class Kind(models.TextChoices):
        DOCX = "docx", _("Một tệp DOCX")
        ZIP = "zip", _("Tệp ZIP, mỗi bài một tệp DOCX")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind)
    file_name = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(GeneratedFile.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.organization_id} {self.kind}"


class Upload(models.Model):
    """A member's report as a DOCX or PDF, read by a job on the `files` queue. Its text
    waits here until the member takes it into the draft; the file is deleted once read."""

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ đọc tệp")
        READING = "reading", _("Đang đọc tệp")
        READ = "read", _("Đã đọc xong")
        FAILED = "failed", _("Không đọc được")
        USED = "used", _("Đã đưa vào bài")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    stored_path = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    text = models.TextField(blank=True)
    # Why nothing was read (failed), or that only part of the file was (read).
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["campaign", "member"], name="upload_of_member")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_reading(self) -> bool:
        return self.state in (self.State.PENDING, self.State.READING)
