"""In-app notices for one member (a reminder to submit, for instance), shown on their
page, read or unread."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Member


class NoticeQuerySet(models.QuerySet):
    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    # A path inside the site where the member acts on it, e.g. the report form.
    link = models.CharField(max_length=255, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [models.Index(fields=["member", "-created_at"], name="notice_by_member")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
