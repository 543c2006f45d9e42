import datetime as dt
import logging

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from campaigns.models import Campaign
from documents.extraction import FILES_QUEUE
from nghiquyet.jobfiles import purge_expired
from nghiquyet.uploads import store_private
from reports import copies, exports, reminders, services, uploads
from reports.models import Export

logger = logging.getLogger(__name__)
KEEP_EXPORTS = dt.timedelta(days=7)
PROGRESS_EVERY = 50


def _labels() -> dict:
    return {
        "title": _("BÀI THU HOẠCH"),
        "member": _("Họ và tên"),
        "unit": _("Chi bộ"),
        "submitted": _("Nộp lúc"),
        "version": _("lần"),
        "late": _("nộp muộn"),
        "rating": _("Xếp loại"),
        "count": _("Số bài"),
    }


@task()
def reports_export(export_pk: int) -> str:
    export = Export.objects.select_related("campaign", "organization").get(pk=export_pk)
    Export.objects.filter(pk=export.pk).update(state=Export.State.RUNNING)

    def progress(done: int) -> None:
        if done == 0 or done % PROGRESS_EVERY == 0 or done == export.total:
            Export.objects.filter(pk=export.pk).update(done=done, total=export.total)

    try:
        data = exports.build(export, _labels(), progress)
        suffix = "docx" if export.kind == Export.Kind.DOCX else "zip"
        stored = store_private([data], "exports", suffix)
    except Exception:
        logger.exception("report export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(
            state=Export.State.FAILED, error=_("Không tạo được tệp; hãy thử lại.")
        )
        raise
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        state=Export.State.DONE,
        stored_path=stored,
        file_name=f"{exports.file_stem(export)}.{suffix}",
        done=F("total"),
        finished_at=now,
        expires_at=now + KEEP_EXPORTS,
    )
    exports_purge()
    return stored


def exports_purge(now=None) -> int:
    """Delete export files past their expiry, and their rows; run after every export,
    so the folder never holds more than a week of them."""
    return purge_expired(Export, "exports", now)


@task(queue_name=FILES_QUEUE)
def upload_read(upload_pk: int) -> None:
    """Read a member's uploaded report into text for the draft (`reports.uploads`)."""
    uploads.upload_read(upload_pk)


@task()
def copies_rebuild(campaign_pk: int, workers: int = 2) -> dict:
    """Rebuild a campaign's copy index (after its documents or allowed texts change):
    marks, pairs, flags and the counters that depend on them. `workers - 1` more jobs
    share the ranges; an unfinished rebuild is resumed, never started twice."""
    campaign = Campaign.objects.get(pk=campaign_pk)
    rebuild = copies.rebuild_start(campaign, workers=workers)
    for _other in range(workers - 1):
        copies_rebuild_work.enqueue(rebuild.pk)
    copies.rebuild_work(rebuild.pk)
    rebuild.refresh_from_db()
    return {"reports": rebuild.reports, "batches": rebuild.batches, "phase": rebuild.phase}


@task()
def copies_rebuild_work(rebuild_pk: int) -> int:
    """One more worker on a rebuild: takes ranges until none is left."""
    return copies.rebuild_work(rebuild_pk)


@task()
def report_tallies_rebuild(campaign_pk: int) -> dict:
    fixed = services.report_tally_rebuild(Campaign.objects.get(pk=campaign_pk))
    if any(fixed.values()):
        logger.warning("report tally rebuild corrected %s (campaign %s)", fixed, campaign_pk)
    return fixed


@task()
def reminders_send_all(
    actor_pk: int, campaign_pk: int, unit_pk: int, state: str, query: str, site: str
) -> dict:
    """Remind every pending member of a list (a province's may be large), a batch per
    transaction; members reminded today by anyone are skipped."""
    from accounts.models import User
    from organizations.models import Organization

    actor = User.objects.get(pk=actor_pk)
    campaign = Campaign.objects.get(pk=campaign_pk)
    unit = Organization.objects.get(pk=unit_pk)
    members = reminders.remindable(campaign, unit, state=state, query=query)
    ids = list(members.order_by("pk").values_list("pk", flat=True))
    totals = {"reminded": 0, "already": 0, "emailed": 0}
    for start in range(0, len(ids), reminders.BATCH):
        done = reminders.reminders_send(
            actor,
            campaign,
            unit,
            ids[start : start + reminders.BATCH],
            state=state,
            site=site,
        )
        totals["reminded"] += done.reminded
        totals["already"] += done.already
        totals["emailed"] += done.emailed
    return totals
