from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from vn.formats import format_datetime


class AppendOnlyError(RuntimeError):
    """An audit entry was about to be changed or deleted."""


class AuditEntryQuerySet(models.QuerySet):
    def about(self, obj) -> "AuditEntryQuerySet":
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))

    def update(self, **kwargs):
        raise AppendOnlyError("The audit trail is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One write made by a person (or a job acting for one), one sign-in event, or one
    bulk read of personal data. Append-only: the application refuses to change or delete
    an entry, and on PostgreSQL a trigger refuses it too (migration 0004)."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    # Users are deactivated, not deleted; if one is deleted anyway, the entry keeps the
    # id and the name it had, and nothing is written back into the trail (no SET NULL).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=50)
    # The unit the entry belongs to: the object's own unit, else the actor's. The audit
    # page shows a unit's subtree to those who may audit it.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    # Empty for events about no stored object (a failed sign-in names an account that
    # may not exist).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            models.Index(fields=["actor_name", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thao tác")

    def __str__(self) -> str:
        return f"{format_datetime(self.at)} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("An audit entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("An audit entry cannot be deleted.")
