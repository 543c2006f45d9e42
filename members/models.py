"""Party members, their transfers between cells, and roster imports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from vn.text import fold


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class MemberStatus(models.TextChoices):
    OFFICIAL = "official", _("Chính thức")
    PROBATIONARY = "probationary", _("Dự bị")
    EXEMPT = "exempt", _("Miễn công tác và sinh hoạt")


class LeftReason(models.TextChoices):
    TRANSFERRED_OUT = "transferred_out", _("Chuyển sinh hoạt ra ngoài")
    STRUCK_OFF = "struck_off", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    DECEASED = "deceased", _("Từ trần")


class MemberQuerySet(models.QuerySet):
    def active(self) -> "MemberQuerySet":
        return self.filter(left_on__isnull=True)

    def within(self, organization: Organization) -> "MemberQuerySet":
        return self.filter(organization__path__startswith=organization.path)

    def search(self, query: str) -> "MemberQuerySet":
        """With or without diacritics; each word must start a word of the name or card."""
        qs = self
        for word in fold(query).split():
            qs = qs.filter(search_text__contains=f" {word}")
        return qs

    def in_vietnamese_order(self) -> "MemberQuerySet":
        return self.order_by("sort_key", "pk")


class Member(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, unique=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=MemberStatus.choices)
    admitted_on = models.DateField(_("ngày vào Đảng"))
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("chi bộ sinh hoạt"),
    )
    left_on = models.DateField(_("ngày thôi sinh hoạt"), null=True, blank=True)
    left_reason = models.CharField(
        _("lý do"), max_length=20, choices=LeftReason.choices, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("tài khoản"),
    )
    # Derived by members.services from full_name and card_number; never edited by hand.
    sort_key = models.CharField(max_length=255, db_index=True, editable=False)
    search_text = models.CharField(max_length=300, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        indexes = [models.Index(fields=["organization", "sort_key"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class Transfer(models.Model):
    """A member moving between cells; the dated history of where they belonged."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("từ")
    )
    to_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("đến")
    )
    transferred_on = models.DateField(_("ngày chuyển"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-transferred_on", "-pk"]
        verbose_name = _("chuyển sinh hoạt")
        verbose_name_plural = _("lịch sử chuyển sinh hoạt")

    def __str__(self) -> str:
        return f"{self.member} → {self.to_organization} ({self.transferred_on:%d/%m/%Y})"


class RosterImport(models.Model):
    """An uploaded roster file: checked in a dry run, then applied all-or-nothing."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Đã kiểm tra")
        APPLYING = "applying", _("Đang nhập")
        APPLIED = "applied", _("Đã nhập")
        FAILED = "failed", _("Lỗi")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    original_name = models.CharField(_("tên tệp"), max_length=255)
    stored_path = models.CharField(max_length=500)
    state = models.CharField(max_length=20, choices=State.choices, default=State.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # Row-by-row outcome of the dry run (capped; the counts above are exact).
    rows = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lượt nhập danh sách")
        verbose_name_plural = _("các lượt nhập danh sách")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.APPLYING)
