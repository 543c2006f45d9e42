"""The urging letter (công văn đôn đốc) about overdue tasks, as a DOCX draft.

Laid out as guidance 36-HD/VPTW lays out a Party letter: the issuing body and number on
the left and the Party's name, place and date on the right of a borderless header, the
subject under the number, the addressees, the body, the list of tasks, then the
recipients and the signature block. The number, the signer and any wording are left for
the office to fill in Word. Text from the database goes in as plain runs, never markup.
"""

import datetime as dt
import io

from django.utils.translation import gettext as _
from docx.shared import Cm

from documents import layout
from organizations.models import Organization
from programmes.models import Task
from vn.formats import format_date, format_int

REPORT_WITHIN = dt.timedelta(days=7)
DOCUMENTS_NAMED = 3  # more than this and the opening refers to them together
TABLE_WIDTHS = (Cm(1.0), Cm(5.6), Cm(2.6), Cm(3.4), Cm(2.2), Cm(1.7))
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
        return _("các chương trình, kế hoạch của %(unit)s") % {"unit": unit.name}
    return "; ".join(
        _("%(kind)s số %(symbol)s ngày %(date)s của %(issuer)s")
        % {
            "kind": document.get_kind_display(),
            "symbol": document.display_symbol,
            "date": format_date(document.issued_on),
            "issuer": document.issuer_name,
        }
        for document in documents
    )


def _days_late(task: Task, today: dt.date) -> int:
    return max((today - task.deadline).days, 0) if task.deadline else 0


def _addressees(document, leads: list[Organization]) -> None:
    document.add_paragraph()
    if len(leads) <= 1:
        names = leads[0].name if leads else "……"
        layout.line(document, _("Kính gửi: %(name)s") % {"name": names})
        return
    layout.line(document, _("Kính gửi:"))
    for index, lead in enumerate(leads):
        end = "." if index == len(leads) - 1 else ","
        paragraph = layout.line(document, f"- {lead.name}{end}", align=layout.LEFT)
        paragraph.paragraph_format.left_indent = Cm(5.0)


def _tasks_table(document, tasks: list[Task], today: dt.date) -> None:
    rows = [
        (
            str(number),
            task.content,
            task.document.display_symbol,
            task.lead.name,
            format_date(task.deadline),
            format_int(_days_late(task, today)),
        )
        for number, task in enumerate(tasks, start=1)
    ]
    layout.table(document, COLUMNS, rows, widths=TABLE_WIDTHS, aligns=ALIGNS)


def urging_letter(
    unit: Organization,
    tasks: list[Task],
    today: dt.date,
    *,
    place: str | None = None,
    report_by: dt.date | None = None,
) -> bytes:
    """The letter `unit` sends to the lead units of `tasks` (overdue ones, as the caller
    chose them; fetch them with `lead` and `document`), asking for a report by
    `report_by` (a week from `today` unless given)."""
    tasks = sorted(tasks, key=lambda task: (task.lead.path, task.deadline or today, task.pk))
    leads = list({task.lead_id: task.lead for task in tasks}.values())
    report_by = report_by or today + REPORT_WITHIN
    document = layout.word()
    # The number is written in by hand when the letter is registered and signed.
    number = _("Số %(gap)s-CV/%(issuer)s") % {"gap": " " * 6, "issuer": unit.issuer_code}
    subject = _("V/v đôn đốc thực hiện nhiệm vụ quá hạn")
    layout.header(document, unit, place or place_of(unit), today, number, subject)
    _addressees(document, leads)
    layout.body(
        document,
        _(
            "Thực hiện %(documents)s, %(unit)s đã phân công các cơ quan, đơn vị chủ trì "
            "thực hiện các nhiệm vụ. Qua theo dõi, đến ngày %(today)s còn %(n)s nhiệm vụ đã "
            "quá thời hạn nhưng chưa hoàn thành, cụ thể như sau:"
        )
        % {
            "documents": _implemented(unit, tasks),
            "unit": unit.name,
            "today": format_date(today),
            "n": format_int(len(tasks)),
        },
    )
    document.add_paragraph()
    _tasks_table(document, tasks, today)
    layout.body(
        document,
        _(
            "%(unit)s đề nghị các cơ quan, đơn vị khẩn trương chỉ đạo thực hiện dứt điểm các "
            "nhiệm vụ nêu trên; báo cáo kết quả thực hiện, nêu rõ nguyên nhân chậm tiến độ và "
            "thời gian hoàn thành đối với nhiệm vụ chưa hoàn thành, gửi về %(unit)s (qua Văn "
            "phòng) trước ngày %(date)s để tổng hợp."
        )
        % {"unit": unit.name, "date": format_date(report_by)},
    )
    layout.signature(document, unit, [_("- Như trên,"), _("- Lưu văn phòng.")])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
