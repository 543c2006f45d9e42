"""Uploading and downloading a document's files."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from documents.extraction import DOCX, PDF, sniff_attachment
from documents.forms import AttachmentForm
from documents.models import Attachment
from documents.tasks import FOLDER, attachment_extract
from nghiquyet.uploads import UploadError, check_size, private_file, store_private

SUFFIX = {PDF: "pdf", DOCX: "docx"}


@login_required
@require_POST
def attachment_upload(request, document_pk):
    document = policy.get_document_for(request.user, document_pk, Action.VIEW)
    if not policy.can(request.user, Action.MANAGE_DOCUMENTS, document.owner):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp PDF hoặc DOCX."))
        return redirect("documents:detail", document_pk=document.pk)
    upload = form.cleaned_data["file"]
    try:
        check_size(upload.size)
        content_type = sniff_attachment(upload)
    except UploadError as error:
        messages.error(request, f"{upload.name}: {error}")
        return redirect("documents:detail", document_pk=document.pk)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    if document.attachments.filter(sha256=digest.hexdigest()).exists():
        messages.error(request, _("Tệp này đã được đính kèm văn bản."))
        return redirect("documents:detail", document_pk=document.pk)
    upload.seek(0)
    attachment = Attachment.objects.create(
        document=document,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        stored_path=store_private(upload.chunks(), FOLDER, SUFFIX[content_type]),
        sha256=digest.hexdigest(),
        uploaded_by=request.user,
    )
    audit_record(
        request.user, "document.attach", document, {"file": [None, attachment.original_name]}
    )
    attachment_extract.enqueue(attachment.pk)
    messages.success(request, _("Đã tải lên; nội dung đang được trích xuất để tìm kiếm."))
    return redirect("documents:detail", document_pk=document.pk)


def listing(document) -> dict:
    """A document's files for its page, without their text; `reading` while a job is
    still reading one, so the page asks again."""
    attachments = list(document.attachments.defer("text"))
    reading = any(a.state == Attachment.State.PENDING for a in attachments)
    return {"document": document, "attachments": attachments, "reading": reading}


@login_required
def attachment_states(request, document_pk):
    """The list of a document's files, polled by its page while one is being read."""
    document = policy.get_document_for(request.user, document_pk, Action.VIEW)
    return render(request, "documents/_attachments.html", listing(document))


@login_required
def attachment_download(request, attachment_pk):
    attachment = (
        Attachment.objects.filter(
            pk=attachment_pk, document__in=policy.documents_for(request.user, Action.VIEW)
        )
        .select_related("document")
        .first()
    )
    path = private_file(attachment.stored_path, FOLDER) if attachment else None
    if path is None:
        raise Http404
    audit_record(request.user, "download.attachment", attachment, unit=attachment.document.owner_id)
    # Always a download with the sniffed type: nothing uploaded is rendered inline.
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
