import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. What they may see comes from role grants (accounts.policy)."""

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")


class Role(models.TextChoices):
    COMMITTEE = "committee", _("Cấp ủy")
    OFFICE = "office", _("Văn phòng")
    PROPAGANDA = "propaganda", _("Tuyên giáo")
    INSPECTION = "inspection", _("Kiểm tra")
    REVIEWER = "reviewer", _("Chấm bài thu hoạch")


class RoleGrantQuerySet(models.QuerySet):
    def active(self) -> "RoleGrantQuerySet":
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    """A role on one unit, covering that unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="role_grants"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_grant_per_role_and_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


class Scope(models.TextChoices):
    """What an API token may call (accounts/api.py), within what its user may do."""

    READ = "read", _("Chỉ đọc")
    CHECKIN = "checkin", _("Điểm danh")
    SUBMIT = "submit", _("Nộp bài thu hoạch")
    FULL = "full", _("Mọi quyền của tài khoản")


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored. A revoked token keeps its
    row (revoked_at), so the audit trail can still name it."""

    DEFAULT_DAYS = 90
    MAX_DAYS = 365

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("phạm vi"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return self.name

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user, name: str, *, scope: str = Scope.FULL, days: int = DEFAULT_DAYS
    ) -> tuple["ApiToken", str]:
        """A new token and its raw value (shown once). Who may have which scope is the
        policy's question (accounts.services.token_issue asks it)."""
        raw = "nq_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            digest=cls.hash(raw),
            scope=scope,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return token, raw
