"""A unit's learning reports as one DOCX (a page per report) or a ZIP of one DOCX each.

Built by a background job that writes its progress on the Export row. Texts are plain
text from the database put into Word runs, never interpreted.
"""

import io
import re
import zipfile
from collections.abc import Callable, Iterator

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from reports.anonymity import Anonymity, report_number
from reports.models import Export, Report, Version
from vn.formats import format_date, format_datetime
from vn.text import fold

BATCH = 500
_UNSAFE = re.compile(r"[^a-z0-9]+")
# XML 1.0 forbids these; a report never contains them after cleaning, old data might.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _word() -> WordDocument:
    document = WordDocument()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    return document


def _write(
    document: WordDocument, report: Report, version: Version, labels: dict, hidden: bool
) -> None:
    campaign = report.campaign
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(labels["title"])
    run.bold = True
    if hidden:
        document.add_paragraph(report_number(report))
    else:
        document.add_paragraph(f"{labels['member']}: {report.member.full_name}")
        document.add_paragraph(f"{labels['unit']}: {report.organization.name}")
    document.add_paragraph(
        f"{labels['submitted']}: {format_datetime(version.submitted_at)}"
        f" ({labels['version']} {version.number})"
        + (f" — {labels['late']}" if version.late else "")
    )
    if report.rating:
        document.add_paragraph(f"{labels['rating']}: {report.rating}")
    for prompt, text in zip(campaign.prompts, version.sections, strict=False):
        question = document.add_paragraph()
        question.add_run(_NOT_XML.sub("", prompt)).bold = True
        for line in text.split("\n"):
            document.add_paragraph(_NOT_XML.sub("", line))


def _reports(export: Export, anonymity: Anonymity) -> Iterator[tuple[Report, Version]]:
    reports = anonymity.order(
        Report.objects.filter(
            campaign=export.campaign,
            organization__path__startswith=export.organization.path,
            versions_count__gt=0,
        ).select_related("member", "organization", "campaign")
    )
    for start in range(0, export.total, BATCH):
        chunk = list(reports[start : start + BATCH])
        latest = {
            v.report_id: v
            for v in Version.objects.filter(report__in=chunk).order_by("report_id", "number")
        }
        for report in chunk:
            if report.pk in latest:
                yield report, latest[report.pk]


def _entry_name(report: Report, hidden: bool) -> str:
    """The ZIP entry of one report: its number alone when its author is hidden, so
    neither a name nor a cell's folder tells who wrote it."""
    if hidden:
        return f"bai-so-{report.pk}.docx"
    name = _UNSAFE.sub("-", fold(report.member.full_name)).strip("-")
    return f"{report.organization.code}/{name}-{report.pk}.docx"


def file_stem(export: Export) -> str:
    unit = _UNSAFE.sub("-", fold(export.organization.name)).strip("-") or "don-vi"
    return f"bai-thu-hoach-{unit}-{timezone.localdate():%Y%m%d}"


def build(export: Export, labels: dict, progress: Callable[[int], None]) -> bytes:
    """The export's bytes; calls `progress(done)` as reports are written. Authors are
    shown as the one who asked for it may see them (`reports.anonymity`)."""
    anonymity = Anonymity(export.created_by or AnonymousUser(), export.campaign)
    export.total = Report.objects.filter(
        campaign=export.campaign,
        organization__path__startswith=export.organization.path,
        versions_count__gt=0,
    ).count()
    progress(0)
    out = io.BytesIO()
    if export.kind == Export.Kind.DOCX:
        document = _word()
        cover = document.add_paragraph()
        cover.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cover.add_run(f"{export.campaign.title}\n{export.organization.name}").bold = True
        document.add_paragraph(
            f"{labels['count']}: {export.total} — {format_date(timezone.localdate())}"
        )
        for done, (report, version) in enumerate(_reports(export, anonymity), start=1):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _write(document, report, version, labels, anonymity.hides(report))
            progress(done)
        document.save(out)
    else:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, (report, version) in enumerate(_reports(export, anonymity), start=1):
                hidden = anonymity.hides(report)
                document = _word()
                _write(document, report, version, labels, hidden)
                one = io.BytesIO()
                document.save(one)
                archive.writestr(_entry_name(report, hidden), one.getvalue())
                progress(done)
    return out.getvalue()
