"""Pages of the roster import: template, upload, progress and result, apply."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from accounts.policy import Action
from members import roster
from members.forms import RosterUploadForm
from members.models import RosterImport
from members.tasks import progress_of, roster_apply, roster_check
from nghiquyet.uploads import UploadError

logger = logging.getLogger(__name__)

SHOWN_ROWS = 2_000
TEMPLATES = {
    "xlsx": (
        roster.template_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": (roster.template_csv, "text/csv; charset=utf-8"),
}


def get_import_for(user, pk) -> RosterImport:
    """An import of a unit where `user` may manage members; Http404 for any other."""
    units = policy.organizations_for(user, Action.MANAGE_MEMBERS)
    try:
        return RosterImport.objects.select_related("organization", "created_by").get(
            pk=pk, organization__in=units
        )
    except (RosterImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_required
@require_GET
def template_download(request, fmt: str) -> HttpResponse:
    if fmt not in TEMPLATES:
        raise Http404
    if not policy.has_any_scope(request.user, Action.MANAGE_MEMBERS):
        raise PermissionDenied
    build, content_type = TEMPLATES[fmt]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mau-danh-sach-dang-vien.{fmt}"'
    return response


def _enqueue(job, record: RosterImport, *args) -> None:
    try:
        job.enqueue(record.pk, *args)
    except Exception:
        logger.exception("roster import %s: could not enqueue", record.pk)
        RosterImport.objects.filter(pk=record.pk).update(
            state=RosterImport.State.FAILED,
            error=_("Không đưa được việc vào hàng đợi xử lý; hãy thử lại sau ít phút."),
        )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.MANAGE_MEMBERS)
    form = RosterUploadForm()
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if not unit.is_open:
            form.add_error(None, _("Đơn vị này đã đóng, không nhập danh sách được."))
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                kind = roster.sniff(upload, upload.size)
            except UploadError as error:
                form.add_error("file", str(error))
            else:
                record = RosterImport.objects.create(
                    organization=unit,
                    original_name=upload.name[:255],
                    stored_path=roster.store_upload(upload.chunks(), kind),
                    state=RosterImport.State.CHECKING,
                    created_by=request.user,
                )
                _enqueue(roster_check, record)
                return redirect("members:import-status", import_pk=record.pk)
    recent = RosterImport.objects.filter(organization=unit).select_related("created_by")[:10]
    return render(
        request,
        "members/import_upload.html",
        {"form": form, "unit": unit, "recent": recent, "max_mb": settings.MAX_UPLOAD_MB},
    )


def _phase_label(phase: str | None) -> str:
    return {
        "read": _("Đang đọc tệp"),
        "check": _("Đang kiểm tra từng dòng"),
        "write": _("Đang ghi vào cơ sở dữ liệu"),
    }.get(phase or "", _("Đang chờ xử lý"))


@login_required
@require_GET
def import_status(request, import_pk):
    record = get_import_for(request.user, import_pk)
    if request.headers.get("HX-Request"):
        if not record.is_running:
            # Finished while the page polled: reload it whole to show the result.
            response = HttpResponse()
            response["HX-Refresh"] = "true"
            return response
        return render(request, "members/_import_progress.html", _progress_context(record))
    changing = record.created_count + record.updated_count
    labels = {
        roster.CREATE: _("Tạo mới"),
        roster.UPDATE: _("Cập nhật"),
        roster.UNCHANGED: _("Không đổi"),
        roster.REJECT: _("Bị từ chối"),
    }
    rows = [{**row, "label": labels.get(row["action"], "")} for row in record.rows[:SHOWN_ROWS]]
    context = {
        **_progress_context(record),
        "unit": record.organization,
        "rows": rows,
        "shown": len(rows),
        "changing": changing,
        "may_apply": record.state == RosterImport.State.CHECKED
        and record.rejected_count == 0
        and changing > 0,
    }
    return render(request, "members/import_status.html", context)


def _progress_context(record: RosterImport) -> dict:
    progress = progress_of(record.pk) if record.is_running else None
    done, total = (progress or {}).get("done", 0), (progress or {}).get("total", 0)
    return {
        "record": record,
        "progress": progress,
        "phase": _phase_label((progress or {}).get("phase")),
        "done": done,
        "total": total,
        "percent": min(100, done * 100 // total) if total else None,
    }


@login_required
@require_POST
def import_apply(request, import_pk):
    record = get_import_for(request.user, import_pk)
    # One conditional UPDATE, so a double click cannot start two applies.
    claimed = RosterImport.objects.filter(
        pk=record.pk, state=RosterImport.State.CHECKED, rejected_count=0
    ).update(state=RosterImport.State.APPLYING, error="", finished_at=None)
    if not claimed:
        messages.error(
            request,
            _(
                "Chỉ nhập được tệp đã kiểm tra xong và không có dòng nào bị từ chối; "
                "chưa có gì được ghi."
            ),
        )
        return redirect("members:import-status", import_pk=record.pk)
    _enqueue(roster_apply, record, request.user.pk)
    return redirect("members:import-status", import_pk=record.pk)
