import datetime as dt
import logging

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from nghiquyet.jobfiles import purge_expired
from nghiquyet.uploads import store_private
from reporting.exporters import exporter_for
from reporting.models import File

logger = logging.getLogger(__name__)
KEEP_FILES = dt.timedelta(days=7)


@task()
def report_file_build(file_pk: int) -> str:
    """Build one file of a report with the registered exporter, writing progress on the
    File row (outside any long transaction, so pages see it)."""
    item = File.objects.select_related("snapshot", "snapshot__organization").get(pk=file_pk)
    File.objects.filter(pk=item.pk).update(state=File.State.RUNNING)
    exporter = exporter_for(item.snapshot.kind, item.format)

    def progress(done: int, total: int) -> None:
        File.objects.filter(pk=item.pk).update(done=done, total=total)

    try:
        data = exporter.build(item.snapshot, progress)
        stored = store_private([data], "reporting", exporter.extension)
    except Exception:
        logger.exception("report file %s failed", item.pk)
        File.objects.filter(pk=item.pk).update(
            state=File.State.FAILED, error=_("Không tạo được tệp; hãy thử lại.")
        )
        raise
    now = timezone.now()
    File.objects.filter(pk=item.pk).update(
        state=File.State.DONE, stored_path=stored, done=F("total"), expires_at=now + KEEP_FILES
    )
    files_purge(now)
    return stored


def files_purge(now=None) -> int:
    """Delete generated files past their expiry (the report itself stays)."""
    return purge_expired(File, "reporting", now)
