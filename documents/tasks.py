from django.db import transaction
from django_tasks import task

from documents.extraction import extract_text
from documents.models import Attachment, Document
from documents.services import document_reindex
from nghiquyet.uploads import UploadError, private_file

FOLDER = "documents"


@task()
def attachment_extract(attachment_pk: int) -> None:
    """Read the text of one attachment and re-index its document."""
    attachment = Attachment.objects.filter(pk=attachment_pk).first()
    if attachment is None:
        return
    path = private_file(attachment.stored_path, FOLDER)
    try:
        if path is None:
            raise UploadError("Không còn tệp đã tải lên.")
        text, state, error = extract_text(path, attachment.content_type), Attachment.State.DONE, ""
    except UploadError as problem:
        text, state, error = "", Attachment.State.FAILED, str(problem)[:255]
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(text=text, state=state, error=error)
        document = Document.objects.select_for_update().get(pk=attachment.document_id)
        document_reindex(document)
        document.save(update_fields=["search_text", "search_folded"])
