"""Reports sent upward: requests from the level above, issued reports whose figures are
frozen when issued, and the files generated from them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from documents.models import Document
from nghiquyet.jobfiles import GeneratedFile
from organizations.models import Organization


class Kind(models.TextChoices):
    CAMPAIGN = "campaign", _("Báo cáo kết quả học tập, quán triệt")
    SIX_MONTH = "six_month", _("Báo cáo sơ kết 6 tháng")
    YEARLY = "yearly", _("Báo cáo năm")
    FINAL = "final", _("Báo cáo tổng kết")


class Subject(models.Model):
    """What a report covers: its kind, the campaign or the document, and the period."""

    kind = models.CharField(_("loại báo cáo"), max_length=12, choices=Kind)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đợt học tập"),
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("văn bản"),
    )
    period_from = models.DateField(_("từ ngày"))
    period_to = models.DateField(_("đến ngày"))

    class Meta:
        abstract = True


class Request(Subject):
    """The level above asks the units just below it for their report by a date."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp yêu cầu")
    )
    due_on = models.DateField(_("hạn gửi báo cáo"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_from:%d/%m/%Y}–{self.period_to:%d/%m/%Y}"


class Snapshot(Subject):
    """A report of one unit. Its figures are collected when drafted and frozen when it
    is issued: later changes to the data never change an issued report."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    class SignsAs(models.TextChoices):
        SECRETARY = "secretary", _("Bí thư ký")
        DEPUTY = "deputy", _("Phó Bí thư ký thay (K/T)")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    title = models.CharField(_("trích yếu"), max_length=300)
    symbol = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    place = models.CharField(_("địa danh"), max_length=100)
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    signs_as = models.CharField(
        _("ký với tư cách"), max_length=10, choices=SignsAs, default=SignsAs.SECRETARY
    )
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        help_text=_("Mỗi dòng một nơi nhận; để trống thì gửi cấp trên trực tiếp và lưu văn phòng."),
    )
    # Sections II and III, written by the unit; section I is the figures' sentences.
    limitations = models.TextField(_("II. Hạn chế, nguyên nhân"), blank=True)
    directions = models.TextField(_("III. Phương hướng, nhiệm vụ thời gian tới"), blank=True)
    figures = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_to", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organization"],
                condition=models.Q(request__isnull=False),
                name="one_answer_per_request",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_issued(self) -> bool:
        return self.state == self.State.ISSUED


class File(GeneratedFile):
    """One generated file of a report (DOCX, XLSX or PDF), built by a background job."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=5)

    class Meta(GeneratedFile.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.snapshot_id}.{self.format}"
