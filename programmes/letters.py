"""The urging letter (công văn đôn đốc) about overdue tasks, as a DOCX draft to finish in
Word or a PDF to read.

Laid out as guidance 36-HD/VPTW lays out a Party letter: the issuing body and number on
the left and the Party's name, place and date on the right of a borderless header, the
subject under the number, the addressees, the body, the list of tasks, then the
recipients and the signature block (`documents.layout`). The number, the signer and any
wording are left for the office to fill in Word. No sentence names the same unit twice:
the documents implemented are cited without their issuer when it is the sender.
"""

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from documents import layout
from documents.citations import cite
from organizations.models import Organization
from programmes.models import Task
from vn.formats import format_date, format_int

REPORT_WITHIN = dt.timedelta(days=7)
DOCUMENTS_NAMED = 3  # more than this and the opening refers to them together
TABLE_WIDTHS_MM = (10, 56, 26, 34, 22, 17)
COLUMNS = (
    "STT",
    "Nội dung nhiệm vụ",
    "Văn bản",
    "Đơn vị chủ trì",
    "Thời hạn",
    "Số ngày quá hạn",
)
ALIGNS = ("center", "left", "center", "left", "center", "center")
place_of = layout.place_of


def _implemented(unit: Organization, tasks: list[Task]) -> str:
    documents = list({task.document_id: task.document for task in tasks}.values())
    if not documents or len(documents) > DOCUMENTS_NAMED:
        return _("các chương trình, kế hoạch đã ban hành")
    # Cited without their titles: the letter is about its tasks, not the documents.
    return "; ".join(cite(document, subject=unit.name, titled=False) for document in documents)


def _days_late(task: Task, today: dt.date) -> int:
    return max((today - task.deadline).days, 0) if task.deadline else 0


def _addressees(leads: list[Organization]) -> list[layout.Paragraph]:
    if len(leads) <= 1:
        names = leads[0].name if leads else "……"
        return [layout.Paragraph(_("Kính gửi: %(name)s") % {"name": names}, "address")]
    out = [layout.Paragraph(_("Kính gửi:"), "address")]
    for index, lead in enumerate(leads):
        end = "." if index == len(leads) - 1 else ","
        out.append(layout.Paragraph(f"- {lead.name}{end}", "addressee"))
    return out


def _tasks_table(tasks: list[Task], today: dt.date) -> layout.Table:
    rows = [
        [
            str(number),
            task.content,
            task.document.display_symbol,
            task.lead.name,
            format_date(task.deadline),
            format_int(_days_late(task, today)),
        ]
        for number, task in enumerate(tasks, start=1)
    ]
    return layout.Table(COLUMNS, rows, ALIGNS, widths_mm=TABLE_WIDTHS_MM)


@translation.override("vi")
def urging_letter_document(
    unit: Organization,
    tasks: list[Task],
    today: dt.date,
    *,
    place: str | None = None,
    report_by: dt.date | None = None,
) -> layout.PartyDocument:
    """The letter `unit` sends to the lead units of `tasks` (overdue ones, as the caller
    chose them; fetch them with `lead` and `document`), asking for a report by
    `report_by` (a week from `today` unless given)."""
    tasks = sorted(tasks, key=lambda task: (task.lead.path, task.deadline or today, task.pk))
    leads = list({task.lead_id: task.lead for task in tasks}.values())
    report_by = report_by or today + REPORT_WITHIN
    # The number is written in by hand when the letter is registered and signed.
    number = layout.number_line("", "CV", unit)
    subject = _("V/v đôn đốc thực hiện nhiệm vụ quá hạn")
    committee = layout.committee_name(unit)
    body = [
        *_addressees(leads),
        layout.Paragraph(
            _(
                "Thực hiện %(documents)s, các cơ quan, đơn vị đã được phân công chủ trì thực "
                "hiện các nhiệm vụ. Qua theo dõi, đến ngày %(today)s còn %(n)s nhiệm vụ đã "
                "quá thời hạn nhưng chưa hoàn thành, cụ thể như sau:"
            )
            % {
                "documents": _implemented(unit, tasks),
                "today": format_date(today),
                "n": format_int(len(tasks)),
            }
        ),
        _tasks_table(tasks, today),
        layout.Paragraph(
            _(
                "%(committee)s đề nghị các cơ quan, đơn vị khẩn trương chỉ đạo thực hiện dứt "
                "điểm các nhiệm vụ nêu trên; báo cáo kết quả thực hiện, nêu rõ nguyên nhân "
                "chậm tiến độ và thời gian hoàn thành đối với nhiệm vụ chưa hoàn thành, gửi "
                "về Văn phòng trước ngày %(date)s để tổng hợp."
            )
            % {"committee": committee, "date": format_date(report_by)}
        ),
    ]
    return layout.PartyDocument(
        title=subject,
        masthead=layout.masthead_for(unit, place or place_of(unit), today, number, subject),
        body=body,
        signature=layout.Signature(
            recipients=(_("- Như trên,"), _("- Lưu VP.")),
            roles=layout.signature_roles(unit),
            hint=_("(Ký, ghi rõ họ tên)"),
        ),
    )


def urging_letter(unit: Organization, tasks: list[Task], today: dt.date, *, fmt="docx", **options):
    """The urging letter as DOCX (to finish in Word) or PDF (to read and print)."""
    document = urging_letter_document(unit, tasks, today, **options)
    return layout.to_pdf(document) if fmt == "pdf" else layout.to_docx(document)
