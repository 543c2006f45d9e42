"""A learning report uploaded as DOCX or PDF, taken into the draft in three steps.

1. `upload_add` (the request): the file is checked by content (type, size, macros) and
   stored privately; nothing is read.
2. `upload_read` (a job on the `files` queue): the text is read by the one extraction
   path (`documents.extraction`, a child process under limits), cleaned and kept on the
   row; the file is deleted.
3. `upload_use` (the member's click): the text goes into the first box if it is empty,
   or after what is already there; nothing typed is ever overwritten.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from campaigns.models import Campaign
from documents.extraction import DOCX, PDF, extract_text, sniff_attachment
from members.models import Member
from nghiquyet.uploads import MB, UploadError, private_file, store_private
from reports import services
from reports.models import Report, Upload
from vn.formats import format_int

FOLDER = "report-uploads"
MAX_FILE = 10 * MB
SUFFIX = {PDF: "pdf", DOCX: "docx"}


def upload_add(actor, campaign: Campaign, member: Member, upload) -> Upload:
    """Check and store the file; raises UploadError or ValidationError in Vietnamese.
    The caller queues `reports.tasks.upload_read` for the returned row."""
    if not services.may_enter_for(actor, member):
        raise ValidationError(_("Bạn không được viết bài thay đồng chí này."))
    if upload.size > MAX_FILE:
        raise UploadError(
            _("Tệp quá lớn; bài thu hoạch tải lên tối đa %(n)s MB.") % {"n": MAX_FILE // MB}
        )
    if upload.size == 0:
        raise UploadError(_("Tệp rỗng."))
    content_type = sniff_attachment(upload)
    earlier = list(Upload.objects.filter(campaign=campaign, member=member))
    stored = store_private(upload.chunks(), FOLDER, SUFFIX[content_type])
    with transaction.atomic():
        Upload.objects.filter(pk__in=[u.pk for u in earlier]).delete()
        row = Upload.objects.create(
            campaign=campaign,
            member=member,
            uploaded_by=actor,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            stored_path=stored,
        )
        audit_record(actor, "report.upload", row, {"file": [None, row.original_name]})
    for old in earlier:  # a newer file replaces the one not yet taken into the draft
        _forget_file(old)
    return row


def upload_read(upload_pk: int) -> None:
    """Read the stored file into the row's text, then delete the file."""
    row = Upload.objects.filter(pk=upload_pk, state=Upload.State.PENDING).first()
    if row is None:
        return
    Upload.objects.filter(pk=row.pk).update(state=Upload.State.READING)
    path = private_file(row.stored_path, FOLDER)
    try:
        if path is None:
            raise UploadError(_("Không còn tệp đã tải lên; hãy tải lên lần nữa."))
        extracted = extract_text(path, row.content_type)
        text = services.clean_text(extracted.text)
        if not text:
            raise UploadError(
                _(
                    "Không đọc được chữ trong tệp (có thể chỉ có hình ảnh hoặc bản quét). "
                    "Hãy gõ nội dung vào các ô bên dưới."
                )
            )
        note = extracted.note
        if len(text) > services.MAX_SECTION:
            text = text[: services.MAX_SECTION]
            note = _("Bài dài quá %(n)s ký tự; chỉ lấy phần đầu.") % {
                "n": format_int(services.MAX_SECTION)
            }
        state = Upload.State.READ
    except UploadError as problem:
        text, note, state = "", str(problem)[:255], Upload.State.FAILED
    Upload.objects.filter(pk=row.pk).update(state=state, text=text, note=note, stored_path="")
    _forget_file(row)


def upload_use(actor, upload: Upload, typed: list[str] | None) -> tuple[Report, bool]:
    """Put the file's text into the draft's first box: alone when the box is empty,
    after what is there otherwise. `typed` is what the page holds (newer than the saved
    draft); None takes the saved draft. Returns the report and whether text was kept."""
    if upload.state != Upload.State.READ:
        raise ValidationError(_("Tệp này chưa đọc xong hoặc đã được đưa vào bài."))
    campaign, member = upload.campaign, upload.member
    if typed is None:
        report = Report.objects.filter(campaign=campaign, member=member).first()
        typed = list(report.draft) if report and report.draft else []
    prompts = campaign.prompts or [""]
    sections = (list(typed) + [""] * len(prompts))[: len(prompts)]
    kept = bool(sections[0].strip())
    sections[0] = f"{sections[0].rstrip()}\n\n{upload.text}" if kept else upload.text
    with transaction.atomic():
        report = services.draft_save(actor, campaign, member, sections)
        Upload.objects.filter(pk=upload.pk).update(state=Upload.State.USED, text="")
    return report, kept


def _forget_file(row: Upload) -> None:
    path = private_file(row.stored_path, FOLDER) if row.stored_path else None
    if path is not None:
        path.unlink(missing_ok=True)
