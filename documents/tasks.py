from django.db import transaction
from django_tasks import task

from documents.extraction import FILES_QUEUE, extract_text
from documents.models import Attachment, Document
from documents.services import document_reindex, links_from_attachments
from nghiquyet.uploads import UploadError, private_file

FOLDER = "documents"


@task(queue_name=FILES_QUEUE)
def attachment_extract(attachment_pk: int) -> None:
    """Read the text of one attachment and re-index its document."""
    attachment = Attachment.objects.filter(pk=attachment_pk).first()
    if attachment is None:
        return
    path = private_file(attachment.stored_path, FOLDER)
    try:
        if path is None:
            raise UploadError("Không còn tệp đã tải lên.")
        extracted = extract_text(path, attachment.content_type)
    except UploadError as problem:
        text, state, error = "", Attachment.State.FAILED, str(problem)[:255]
    else:
        text, error = extracted.text, extracted.note
        state = Attachment.State.PARTIAL if error else Attachment.State.DONE
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(text=text, state=state, error=error)
        document = Document.objects.select_for_update().get(pk=attachment.document_id)
        document_reindex(document)
        document.save(update_fields=["search_text", "search_folded"])
        links_from_attachments(document)
