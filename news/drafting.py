"""A Vietnamese news draft written from a conference record, in the manner of the units'
own websites: when and who, in what form, which documents, how many bridge points and
people, who chaired and who presented what, and what members must do next, by when.

Only facts from the record are written; a missing fact leaves its sentence out rather
than inventing one. The editor revises the draft before it is published.
"""

from dataclasses import dataclass

from django.utils import timezone

from conferences.models import ATTENDED, Attendance, Conference, Format, PartOfDay
from conferences.services import report_due_after
from documents.models import Document, Kind
from vn.formats import format_date, format_int, format_percent

_FORMAT = {
    Format.IN_PERSON: "",
    Format.ONLINE: " trực tuyến",
    Format.HYBRID: " trực tiếp kết hợp trực tuyến",
}


@dataclass(frozen=True)
class Draft:
    title: str
    lead: str
    body: str


_PARTS = {
    PartOfDay.MORNING: "Sáng",
    PartOfDay.NOON: "Trưa",
    PartOfDay.AFTERNOON: "Chiều",
    PartOfDay.EVENING: "Tối",
}


def _day_of(conference: Conference) -> str:
    """ "Chiều ngày 27/12/2023", or "Ngày 27/12/2023" when the part of the day is unknown."""
    day = format_date(conference.starts_at)
    if conference.part_of_day == PartOfDay.UNKNOWN:
        return f"Ngày {day}"
    if conference.part_of_day == PartOfDay.EXACT:
        hour = timezone.localtime(conference.starts_at).hour
        part = "Sáng" if hour < 12 else "Chiều" if hour < 18 else "Tối"
    else:  # the draft is Vietnamese whatever the reader's language
        part = _PARTS[conference.part_of_day]
    return f"{part} ngày {day}"


def _document_name(document: Document, *, full: bool) -> str:
    kind = document.get_kind_display() if document.kind != Kind.OTHER else "Văn bản"
    name = f"{kind} số {document.display_symbol}" if document.display_symbol else kind
    if not full:
        return name
    issued = f" ngày {format_date(document.issued_on)}" if document.issued_on else ""
    issuer = f" của {document.issuer_name}" if document.issuer_name else ""
    title = f" về “{document.title.strip().rstrip('.')}”" if document.title else ""
    return f"{name}{issued}{issuer}{title}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + " và " + items[-1]


def draft_for(conference: Conference) -> Draft:
    campaign = conference.campaign
    organizer = conference.organizer.name
    documents = list(campaign.documents.order_by("issued_on", "pk"))
    shown = [_document_name(d, full=False) for d in documents]
    form = _FORMAT.get(conference.format, "")
    title = f"{organizer} tổ chức Hội nghị{form} học tập, quán triệt {_join(shown)}".strip()

    points = list(conference.bridge_points.all())
    main = next((p for p in points if p.is_main), None)
    marks = Attendance.objects.filter(conference=conference)
    attended = marks.filter(status__in=ATTENDED).count()
    required = marks.filter(required=True).count()
    guests = sum(p.guests for p in points)

    opening = (
        f"{_day_of(conference)}, {organizer} đã tổ chức Hội nghị{form} "
        f"học tập, quán triệt, triển khai thực hiện "
        f"{_join([_document_name(d, full=True) for d in documents])}."
    )
    paragraphs = [opening]

    scale = []
    if len(points) > 1:
        scale.append(f"Hội nghị được kết nối tới {format_int(len(points))} điểm cầu")
    if attended:
        people = f"{format_int(attended)} đảng viên"
        if guests:
            people += f" và {format_int(guests)} đại biểu khách mời"
        scale.append(f"với {people} tham dự" if scale else f"Hội nghị có {people} tham dự")
    if scale:
        sentence = " ".join(scale)
        if required:
            sentence += (
                f", đạt {format_percent(min(attended, required), required)} số đảng viên phải dự"
            )
        paragraphs.append(sentence + ".")
    if main is not None and main.chair:
        where = f" tại {main.name.lower()}" if len(points) > 1 else ""
        paragraphs.append(f"Đồng chí {main.chair.removeprefix('Đ/c ')} chủ trì hội nghị{where}.")
    if conference.venue and conference.format != Format.ONLINE:
        paragraphs.append(f"Hội nghị diễn ra tại {conference.venue}.")

    topics = list(conference.topics.all())
    if topics:
        parts = [
            f"đồng chí {t.reporter} trình bày chuyên đề “{t.title}”"
            if t.reporter
            else f"chuyên đề “{t.title}”"
            for t in topics
        ]
        paragraphs.append(f"Tại hội nghị, các đại biểu đã được nghe {_join(parts)}.")

    due = report_due_after(conference)
    prompts = [p.strip().rstrip(".") for p in campaign.prompts or [] if p.strip()]
    if prompts:
        contents = _join([f"({i}) {p[:1].lower()}{p[1:]}" for i, p in enumerate(prompts, 1)])
        paragraphs.append(
            f"Sau hội nghị, mỗi đảng viên viết bài thu hoạch gồm {len(prompts)} nội dung: "
            f"{contents}; hạn nộp về chi bộ trước ngày {format_date(due)}. Các cấp ủy, "
            f"tổ chức đảng xây dựng chương trình hành động, kế hoạch thực hiện sát với "
            f"thực tiễn của cơ quan, đơn vị, địa phương."
        )
    lead = opening.split(",", 1)[-1].strip() if len(opening) > 200 else opening
    return Draft(title=title[:300], lead=lead[:600], body="\n\n".join(paragraphs))
