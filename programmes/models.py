"""Implementation: a registered action programme or plan turned into targets and tasks,
their links to the higher ones they serve, progress reports, urging and inspections."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from organizations.models import Organization


class Programme(models.Model):
    """The structured content of one registered programme or plan (CTr, KH)."""

    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="programme", verbose_name=_("văn bản")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    # Reminders are quiet unless a unit asks for them: days before / after a deadline.
    remind_before = models.PositiveSmallIntegerField(
        _("nhắc trước hạn (ngày)"), null=True, blank=True
    )
    remind_after = models.PositiveSmallIntegerField(_("nhắc sau hạn (ngày)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chương trình, kế hoạch thực hiện")
        verbose_name_plural = _("chương trình, kế hoạch thực hiện")

    def __str__(self) -> str:
        return str(self.document)

    @property
    def starts_on(self):
        return self.document.issued_on


class Direction(models.TextChoices):
    UP = "up", _("Càng cao càng tốt")
    DOWN = "down", _("Càng thấp càng tốt")


class Aggregate(models.TextChoices):
    SUM = "sum", _("Cộng các chỉ tiêu đóng góp")
    MEAN = "mean", _("Bình quân gia quyền các chỉ tiêu đóng góp")


class Target(models.Model):
    """A target (chỉ tiêu): a value or range to reach by a year, up or down."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên chỉ tiêu"), max_length=500)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=40)
    baseline = models.DecimalField(
        _("giá trị gốc"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    low = models.DecimalField(_("giá trị mục tiêu (từ)"), max_digits=18, decimal_places=4)
    high = models.DecimalField(
        _("giá trị mục tiêu (đến)"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("năm đạt"))
    direction = models.CharField(
        _("chiều đánh giá"), max_length=4, choices=Direction, default=Direction.UP
    )
    aggregate = models.CharField(
        _("cách tổng hợp từ chỉ tiêu cấp dưới"),
        max_length=4,
        choices=Aggregate,
        default=Aggregate.SUM,
    )

    class Meta:
        ordering = ["programme", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Actual(models.Model):
    """A target's actual value for a period (a year, or a quarter such as 2025-Q2)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="actuals")
    period = models.CharField(_("kỳ"), max_length=10)
    value = models.DecimalField(_("giá trị thực hiện"), max_digits=18, decimal_places=4)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target", "period"]
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="actual_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.period}: {self.value}"


class Recurrence(models.TextChoices):
    NONE = "", _("Có thời hạn")
    CONTINUOUS = "continuous", _("Thường xuyên")
    YEARLY = "yearly", _("Hằng năm")
    QUARTERLY = "quarterly", _("Hằng quý")


class Bucket(models.TextChoices):
    """The Government Office's four buckets, and the exceptions set by decision."""

    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    OPEN_IN_TIME = "open_in_time", _("Đang thực hiện trong hạn")
    OVERDUE = "overdue", _("Quá hạn")
    NOT_STARTED = "not_started", _("Chưa triển khai")
    ADJUSTED = "adjusted", _("Điều chỉnh")
    DROPPED = "dropped", _("Dừng thực hiện")


class Task(models.Model):
    """A task or solution with its lead unit. Its bucket is derived (`status.bucket_of`)
    and stored only so that counters can move when it changes."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    inspection = models.ForeignKey(
        "Inspection", on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    # The document the task implements: the programme's, or the one an inspection checked.
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    # As the appendix numbers and groups it ("1.2" under "II. NHIỆM VỤ CỤ THỂ").
    section = models.CharField(_("mục"), max_length=300, blank=True)
    position = models.CharField(_("STT"), max_length=20, blank=True)
    content = models.TextField(_("nội dung nhiệm vụ"))
    lead = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("chủ trì")
    )
    partners = models.ManyToManyField(
        Organization, blank=True, related_name="partner_tasks", verbose_name=_("phối hợp")
    )
    product = models.CharField(_("sản phẩm"), max_length=500, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    recurrence = models.CharField(
        _("tính chất"), max_length=12, choices=Recurrence, default=Recurrence.NONE, blank=True
    )
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    completed_product = models.CharField(_("sản phẩm đã hoàn thành"), max_length=500, blank=True)
    # Set only by a recorded decision (Decision below).
    exception = models.CharField(max_length=12, blank=True)
    bucket = models.CharField(max_length=12, choices=Bucket, db_index=True)
    escalated = models.BooleanField(_("đã báo cáo cấp trên"), default=False)

    class Meta:
        ordering = ["programme", "pk"]
        indexes = [
            models.Index(fields=["bucket", "deadline"], name="task_bucket_deadline"),
            models.Index(fields=["document", "lead"], name="task_document_lead"),
            # The level above's list of raised overdue tasks: small, read on every dashboard.
            models.Index(
                fields=["deadline", "id"],
                condition=models.Q(bucket="overdue", escalated=True),
                name="task_escalated",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(programme__isnull=False) | models.Q(inspection__isnull=False),
                name="task_of_programme_or_inspection",
            ),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="percent_max_100"),
        ]

    def __str__(self) -> str:
        return self.content[:80]


class Contribution(models.Model):
    """A lower unit's task or target serving a higher one; progress rolls up, weighted."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="serves"
    )
    higher_task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="served_by"
    )
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, null=True, blank=True, related_name="serves"
    )
    higher_target = models.ForeignKey(
        Target, on_delete=models.CASCADE, null=True, blank=True, related_name="served_by"
    )
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(task__isnull=False, higher_task__isnull=False)
                    & models.Q(target__isnull=True, higher_target__isnull=True)
                )
                | (
                    models.Q(target__isnull=False, higher_target__isnull=False)
                    & models.Q(task__isnull=True, higher_task__isnull=True)
                ),
                name="contribution_task_or_target",
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id or self.target_id} → {self.higher_task_id or self.higher_target_id}"


class Progress(models.Model):
    """A lead unit's report on a task: percent or milestone, note, evidence, completion."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(max_length=10, blank=True)  # for recurring tasks
    percent = models.PositiveSmallIntegerField()
    milestone = models.CharField(_("mốc"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    completed = models.BooleanField(default=False)
    product = models.CharField(_("sản phẩm"), max_length=500, blank=True)
    reported_on = models.DateField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class Evidence(models.Model):
    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="evidence")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    stored_path = models.CharField(max_length=500)

    def __str__(self) -> str:
        return self.original_name


class Decision(models.Model):
    """A recorded decision that adjusts, drops or postpones a task."""

    class Kind(models.TextChoices):
        ADJUSTED = "adjusted", _("Điều chỉnh")
        DROPPED = "dropped", _("Dừng thực hiện")
        NOT_STARTED = "not_started", _("Chưa triển khai")
        RESUMED = "", _("Thực hiện lại bình thường")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("loại quyết định"), max_length=12, choices=Kind, blank=True)
    reference = models.CharField(_("căn cứ (số, ký hiệu văn bản)"), max_length=200)
    new_deadline = models.DateField(_("thời hạn mới"), null=True, blank=True)
    decided_on = models.DateField(_("ngày quyết định"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["task", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.kind or 'resumed'}"


BUCKET_FIELDS = tuple(Bucket.values)


class TaskTally(models.Model):
    """Tasks by bucket per (programme's document, lead unit). Moved by every write that
    changes a task's bucket and by the daily job as deadlines pass; rebuilt from tasks."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    done_on_time = models.PositiveIntegerField(default=0)
    done_late = models.PositiveIntegerField(default=0)
    open_in_time = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    not_started = models.PositiveIntegerField(default=0)
    adjusted = models.PositiveIntegerField(default=0)
    dropped = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "organization"], name="task_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.organization_id}"


class TaskSubtree(models.Model):
    """Tasks by bucket per (document, unit) for the unit's whole subtree (its `TaskTally`
    and those of every unit below it), moved in the same transaction as the tallies, so a
    dashboard reads the unit's row and its children's; `task_tally_rebuild` recounts."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique (document, path) index serves it
    path = models.CharField(max_length=255)
    done_on_time = models.IntegerField(default=0)
    done_late = models.IntegerField(default=0)
    open_in_time = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    not_started = models.IntegerField(default=0)
    adjusted = models.IntegerField(default=0)
    dropped = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "path"], name="task_subtree_unique")
        ]
        indexes = [models.Index(fields=["path"], name="task_subtree_path")]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.path}"


class Reminder(models.Model):
    """One reminder sent: the unique key makes the job idempotent."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Nhắc trước hạn")
        AFTER = "after", _("Nhắc quá hạn")
        ESCALATE = "escalate", _("Báo cáo cấp trên")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind)
    deadline = models.DateField()  # the deadline reminded of: a new deadline reminds anew
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "deadline"], name="reminder_once_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.deadline}"


class Inspection(models.Model):
    """An inspection or supervision (kiểm tra, giám sát): plan, visit, findings, conclusions."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Kiểm tra")
        SUPERVISION = "supervision", _("Giám sát")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp kiểm tra")
    )
    kind = models.CharField(_("hình thức"), max_length=12, choices=Kind, default=Kind.INSPECTION)
    units = models.ManyToManyField(
        Organization, related_name="inspections", verbose_name=_("đơn vị được kiểm tra")
    )
    subject = models.CharField(_("nội dung"), max_length=500)
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("văn bản"),
    )
    period_from = models.DateField(_("từ ngày"))
    period_to = models.DateField(_("đến ngày"))
    visited_on = models.DateField(_("ngày làm việc"), null=True, blank=True)
    findings = models.TextField(_("kết quả kiểm tra"), blank=True)
    conclusions = models.TextField(_("kết luận"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_from", "-pk"]

    def __str__(self) -> str:
        return self.subject
