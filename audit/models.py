from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def about(self, obj) -> "AuditEntryQuerySet":
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """One write made by a person (or a job acting for one). Append-only."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("thao tác"), max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thao tác")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor} {self.action} {self.object_repr}"
