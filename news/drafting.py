"""A Vietnamese news draft written from a conference record, in the manner of the units'
own websites: when and who, in what form, which documents, how many bridge points and
people, who chaired and who presented what, and what members must do next, by when.

Only facts from the record are written; a missing fact leaves its sentence out rather
than inventing one. The attendance figures are the roll-up's (`campaign_rollup` for the
organising unit), stated in the clauses the reports use, so the news never says other
than the dashboard. The editor revises the draft before it is published.
"""

from dataclasses import dataclass

from django.utils import timezone, translation

from conferences.models import Conference, Format, PartOfDay
from conferences.rollup import campaign_rollup
from conferences.services import report_due_after
from documents.citations import cite
from documents.models import Document, Kind
from reporting.figures import attendance_clause, encouraged_clause
from vn.formats import format_date, format_int
from vn.names import comrade

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


def _short_name(document: Document) -> str:
    kind = document.get_kind_display() if document.kind != Kind.OTHER else "Văn bản"
    return f"{kind} số {document.display_symbol}" if document.display_symbol else kind


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + " và " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _chair(conference: Conference, main) -> str:
    chair = comrade(conference.chair, conference.chair_title)
    if not chair and main is not None:
        chair = comrade(main.chair, main.chair_title)
    return chair


@translation.override("vi")
def draft_for(conference: Conference) -> Draft:
    campaign = conference.campaign
    organizer = conference.organizer.name
    documents = list(campaign.documents.order_by("issued_on", "pk"))
    form = _FORMAT.get(conference.format, "")
    title = (
        f"{organizer} tổ chức Hội nghị{form} học tập, quán triệt "
        f"{_join([_short_name(d) for d in documents])}"
    ).strip()

    points = list(conference.bridge_points.all())
    main = next((p for p in points if p.is_main), None)
    figures = campaign_rollup(campaign, conference.organizer).total

    opening = (
        f"{_day_of(conference)}, {organizer} đã tổ chức Hội nghị{form} "
        f"học tập, quán triệt, triển khai thực hiện "
        f"{_join([cite(d, subject=organizer) for d in documents])}."
    )
    paragraphs = [opening]

    scale = []
    if len(points) > 1:
        scale.append(f"Hội nghị được kết nối tới {format_int(len(points))} điểm cầu.")
    if figures.required and (figures.attended or figures.absent):
        scale.append(f"Có {attendance_clause(figures.attended, figures.required)}.")
    others = []
    if figures.counts["encouraged"]:
        others.append(encouraged_clause(figures.counts["encouraged"]))
    if figures.counts["guests"]:
        others.append(f"{format_int(figures.counts['guests'])} đại biểu khách mời dự hội nghị")
    if others:
        scale.append(f"Ngoài ra, có {_join(others)}.")
    if scale:
        paragraphs.append(" ".join(scale))
    chair = _chair(conference, main)
    if chair:
        where = f" tại {main.name.lower()}" if main is not None and len(points) > 1 else ""
        paragraphs.append(f"{_capital(chair)} chủ trì hội nghị{where}.")
    if conference.venue and conference.format != Format.ONLINE:
        paragraphs.append(f"Hội nghị diễn ra tại {conference.venue}.")

    topics = list(conference.topics.all())
    if topics:
        parts = [
            f"{comrade(t.reporter)} trình bày chuyên đề “{t.title}”"
            if comrade(t.reporter)
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
