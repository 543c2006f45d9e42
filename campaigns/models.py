"""Study campaigns: which documents a subtree studies, and the rules it follows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from members.models import MemberStatus
from organizations.models import Organization

# The two contents of letter 1726-CV/BTGTU, the usual default for learning reports.
DEFAULT_PROMPTS = [
    "Nhận thức của bản thân về những nội dung cơ bản, điểm mới của nghị quyết.",
    "Trách nhiệm của bản thân trong việc tổ chức thực hiện nghị quyết tại cơ quan, "
    "đơn vị, địa phương nơi công tác, sinh hoạt.",
]
DEFAULT_SCALE = ["Đạt", "Không đạt"]


def default_prompts() -> list[str]:
    return list(DEFAULT_PROMPTS)


def default_scale() -> list[str]:
    return list(DEFAULT_SCALE)


class Campaign(models.Model):
    title = models.CharField(_("tên đợt học tập"), max_length=255)
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("cấp tổ chức"),
        help_text=_("Đợt học tập áp dụng cho đơn vị này và toàn bộ đơn vị trực thuộc."),
    )
    documents = models.ManyToManyField(
        Document, related_name="campaigns", verbose_name=_("văn bản học tập")
    )
    conference_deadline = models.DateField(_("hạn tổ chức hội nghị"))
    report_days = models.PositiveSmallIntegerField(
        _("hạn nộp bài thu hoạch (số ngày sau hội nghị)"), default=7
    )
    makeup_days = models.PositiveSmallIntegerField(
        _("hạn nộp sau buổi học bù (số ngày)"), default=7
    )
    report_cutoff = models.DateField(
        _("hạn chót nhận bài thu hoạch"),
        null=True,
        blank=True,
        help_text=_("Sau ngày này không nhận bài nữa, trừ khi được gia hạn."),
    )
    blind_review = models.BooleanField(
        _("chấm bài ẩn danh"),
        default=False,
        help_text=_("Người chấm không thấy tên đảng viên."),
    )
    prompts = models.JSONField(_("nội dung bài thu hoạch"), default=default_prompts)
    rating_scale = models.JSONField(_("thang đánh giá"), default=default_scale)
    # Exempt members are encouraged, not required, unless the campaign says otherwise.
    exempt_required = models.BooleanField(_("bắt buộc cả đảng viên miễn sinh hoạt"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, by `services.campaign_close`: no report is accepted afterwards.
    closed_at = models.DateTimeField(_("ngày kết thúc đợt học tập"), null=True, blank=True)

    class Meta:
        ordering = ["-conference_deadline", "-pk"]
        verbose_name = _("đợt học tập")
        verbose_name_plural = _("đợt học tập")

    def __str__(self) -> str:
        return self.title

    def requires(self, status: str) -> bool:
        """Whether a member with `status` must take part (rather than being encouraged)."""
        return self.exempt_required or status != MemberStatus.EXEMPT

    def required_statuses(self) -> list[str]:
        return [status for status in MemberStatus.values if self.requires(status)]
