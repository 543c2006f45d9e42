"""Files built by background jobs (exports, reports): their state and progress, written by
the worker outside any long transaction so pages can show a progress bar, and their
expiry."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.uploads import private_file


class GeneratedFile(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Xong")
        FAILED = "failed", _("Lỗi")

    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    stored_path = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


def purge_expired(model, folder: str, now=None) -> int:
    """Delete the files of `model` past their expiry, and their rows."""
    count = 0
    for item in model.objects.filter(expires_at__lt=now or timezone.now()):
        path = private_file(item.stored_path, folder) if item.stored_path else None
        if path is not None:
            path.unlink(missing_ok=True)
        item.delete()
        count += 1
    return count
