"""Attendance of one bridge point from a filled-in XLSX list, all or nothing.

The host downloads the list (`conferences.exports.roster_xlsx`), fills the status column
and uploads it. Every row is checked before anything is written; one bad row rejects the
file. A member already marked differently (by QR or on the roster page) is reported as a
conflict and never overwritten: a mark is corrected on purpose, one member at a time.
"""

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from conferences import services
from conferences.exports import CARD, REASON, STATUS
from conferences.models import ABSENT, ATTENDED, Attendance, BridgePoint, Channel, Status
from members.models import Member
from nghiquyet.spreadsheets import cell_plain
from nghiquyet.uploads import UploadError, check_size, office_names
from vn.formats import format_datetime, format_int
from vn.text import fold, normalize

MAX_ROWS = 20_000
HEADER_WITHIN = 15  # rows searched for the header: the exported list has title rows above it
MAX_PROBLEMS = 200  # listed; the rest are counted
BATCH = 2_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other Office 97-2003 files
REASON_LIMIT = Attendance._meta.get_field("reason").max_length


@dataclass
class ImportOutcome:
    """What an upload did. When `problems` is not empty, nothing was written."""

    created: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Row:
    number: int  # the row number as the spreadsheet shows it
    card: str
    numeric_card: bool  # typed as a number, so leading zeros may have been lost
    status_text: str
    reason: str


# --- Reading the file -----------------------------------------------------------------


def _not_xlsx() -> UploadError:
    return UploadError(
        _("Tệp không phải XLSX. Hãy tải lên danh sách điểm danh (.xlsx) tải về từ hệ thống.")
    )


def _corrupt() -> UploadError:
    return UploadError(
        _("Tệp XLSX bị hỏng, không đọc được. Hãy mở bằng Excel, lưu lại rồi tải lên lần nữa.")
    )


def _sniff(upload: UploadedFile) -> None:
    """Refuse anything but an XLSX package, judged by content and never by the name."""
    check_size(upload.size)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(_OLE_MAGIC):
        raise UploadError(
            _(
                "Tệp Excel 97–2003 (.xls) không được hỗ trợ. "
                "Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
            )
        )
    if head.startswith(b"%PDF"):
        raise UploadError(
            _("Đây là tệp PDF. Hãy tải lên danh sách điểm danh (.xlsx) tải về từ hệ thống.")
        )
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise _not_xlsx()
    names = office_names(upload)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_xlsx()  # a DOCX, an ODS or any other zip


def _words(value: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(_text(value))).split())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize(str(cell_plain(value)))


def _card(value: Any) -> tuple[str, bool]:
    """The card in stored form (as `members.services.member_derive` keeps it), and whether
    it was typed into a number cell."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return _text(value).replace(" ", "").upper(), numeric


def _columns(cells: tuple) -> dict[str, int] | None:
    found = [_words(cell) for cell in cells]
    wanted = {
        "card": (_words(CARD), "so the"),
        "status": (_words(STATUS),),
        "reason": (_words(REASON), "ly do vang"),
    }
    positions = {}
    for key, names in wanted.items():
        for name in names:
            if name in found:
                positions[key] = found.index(name)
                break
    if "card" not in positions or "status" not in positions:
        return None
    return positions


def _guarded(rows: Iterator[tuple]) -> Iterator[tuple]:
    # Damage inside a sheet surfaces only while reading it.
    try:
        yield from rows
    except (zipfile.BadZipFile, zlib.error, SyntaxError, KeyError, ValueError, OSError, EOFError):
        raise _corrupt() from None


def _cell(cells: tuple, columns: dict[str, int], key: str) -> Any:
    index = columns.get(key)
    return cells[index] if index is not None and index < len(cells) else None


def _rows_of(sheet_rows: Iterable[tuple]) -> list[_Row]:
    columns = None
    rows: list[_Row] = []
    for number, cells in enumerate(sheet_rows, start=1):
        if columns is None:
            columns = _columns(cells)
            if columns is None and number >= HEADER_WITHIN:
                break
            continue

        status_text = _text(_cell(cells, columns, "status"))
        if not status_text:
            continue  # not filled in: the member is left as they are
        if len(rows) == MAX_ROWS:
            raise UploadError(
                _("Tệp có hơn %(n)s dòng điểm danh; hãy chia thành nhiều tệp.")
                % {"n": format_int(MAX_ROWS)}
            )
        card, numeric = _card(_cell(cells, columns, "card"))
        reason = _text(_cell(cells, columns, "reason"))
        rows.append(_Row(number, card, numeric, status_text, reason))
    if columns is None:
        raise UploadError(
            _(
                "Không tìm thấy dòng tiêu đề có cột “%(card)s” và “%(status)s” trong "
                "%(n)s dòng đầu. Hãy dùng danh sách tải về từ hệ thống."
            )
            % {"card": CARD, "status": STATUS, "n": HEADER_WITHIN}
        )
    if not rows:
        raise UploadError(_("Tệp chưa có dòng nào ghi tình trạng điểm danh."))
    return rows


def _read(upload: UploadedFile) -> list[_Row]:
    from openpyxl import load_workbook

    _sniff(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises a dozen kinds for a damaged package
        raise _corrupt() from None
    try:
        if not workbook.worksheets:
            raise UploadError(_("Tệp XLSX không có trang tính nào."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the stored size may be wrong; read to the real end
        return _rows_of(_guarded(sheet.iter_rows(min_row=1, values_only=True)))
    finally:
        workbook.close()


# --- Checking the rows ----------------------------------------------------------------


def _statuses() -> dict[str, str]:
    """Folded words accepted in the status column: the labels in Vietnamese and in the
    interface language, and the ticks people put in a column of names."""
    known = {
        "co mat": Status.PRESENT,
        "x": Status.PRESENT,
        "co": Status.PRESENT,
        "ve som": Status.LEFT_EARLY,
        "vang co ly do": Status.ABSENT_EXCUSED,
        "vang khong ly do": Status.ABSENT_UNEXCUSED,
    }
    for value, label in Status.choices:
        known.setdefault(_words(label), value)
        known.setdefault(_words(value), value)
    return known


def _labels() -> str:
    return ", ".join(f"“{label}”" for label in Status.labels)


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Checker:
    """Decides, row by row, what each row would do; reads the database in batches."""

    def __init__(self, point: BridgePoint, rows: list[_Row]):
        self.point = point
        self.conference = point.conference
        self.rows = rows
        self.problems: list[tuple[int, str]] = []
        self.writes: list[tuple[_Row, str, str, int]] = []  # row, status, reason, member id
        self.unchanged = 0
        self.statuses = _statuses()
        expected = services.roster(point).values_list("card_number", "pk", "full_name")
        self.expected = {card: (pk, name) for card, pk, name in expected}
        self.unpadded: dict[str, list[str]] = {}
        self.marks = self._marks()

    def _resolved(self, row: _Row) -> str:
        """The stored card a row means. A number cell drops the leading zeros of a card
        such as 010203; such a card is found on the roster if only one fits."""
        if row.card in self.expected or not (row.numeric_card and row.card.isdigit()):
            return row.card
        if not self.unpadded:
            for card in self.expected:
                if card.isdigit():
                    self.unpadded.setdefault(card.lstrip("0"), []).append(card)
        fits = self.unpadded.get(row.card.lstrip("0"), [])
        return fits[0] if len(fits) == 1 else row.card

    def _marks(self) -> dict[int, Attendance]:
        ids = [
            self.expected[card][0]
            for card in {self._resolved(r) for r in self.rows}
            if card in self.expected
        ]
        return _marks_of(self.conference.campaign_id, ids)

    def problem(self, row: _Row, message: str) -> None:
        if row.card:
            text = _("Dòng %(row)s (số thẻ %(card)s): %(problem)s")
        else:
            text = _("Dòng %(row)s: %(problem)s")
        self.problems.append(
            (row.number, text % {"row": row.number, "card": row.card, "problem": message})
        )

    def check(self) -> None:
        first_row: dict[str, int] = {}
        for row in self.rows:
            status = self._status(row)
            if not row.card:
                self.problem(row, _("thiếu số thẻ đảng viên."))
                continue
            card = self._resolved(row)
            if card in first_row:
                self.problem(
                    row, _("số thẻ trùng với dòng %(first)s.") % {"first": first_row[card]}
                )
                continue
            first_row[card] = row.number
            if card not in self.expected:
                self.problem(row, self._not_here(row))
                continue
            if status is None:
                continue
            member_id, name = self.expected[card]
            reason = row.reason if status in ABSENT else ""
            if status == Status.ABSENT_EXCUSED and not reason:
                self.problem(row, _("vắng có lý do thì cần ghi lý do ở cột “Lý do”."))
                continue
            if len(reason) > REASON_LIMIT:
                self.problem(row, _("lý do dài quá %(n)s ký tự.") % {"n": REASON_LIMIT})
                continue
            mark = self.marks.get(member_id)
            if mark is not None:
                # Reasons typed on the roster page are stored as typed; compare the
                # canonical forms, or a round trip of "khoá" would read as a change.
                if mark.status == status and normalize(mark.reason) == reason:
                    self.unchanged += 1
                else:
                    self.problem(row, _conflict(name, mark, status, self.conference))
                continue
            if self.conference.is_closed and status in ATTENDED:
                self.problem(
                    row,
                    _("hội nghị đã kết thúc điểm danh; không ghi nhận “%(status)s” được nữa.")
                    % {"status": Status(status).label},
                )
                continue
            self.writes.append((row, status, reason, member_id))

    def _status(self, row: _Row) -> str | None:
        words = _words(row.status_text)
        status = self.statuses.get(words)
        if status is not None:
            return status
        if words == "vang":
            self.problem(
                row,
                _("“%(value)s” chưa đủ: ghi “%(excused)s” hoặc “%(unexcused)s”.")
                % {
                    "value": row.status_text,
                    "excused": Status.ABSENT_EXCUSED.label,
                    "unexcused": Status.ABSENT_UNEXCUSED.label,
                },
            )
        else:
            self.problem(
                row,
                _("tình trạng “%(value)s” không hợp lệ; ghi một trong: %(labels)s.")
                % {"value": row.status_text, "labels": _labels()},
            )
        return None

    def _not_here(self, row: _Row) -> str:
        """The same answer for every card outside the roster (see services.NOT_ON_ROSTER);
        only the file's own form can be pointed out."""
        if row.numeric_card:
            return _(
                "không tìm thấy đảng viên này trong danh sách của điểm cầu (ô đang ở dạng số "
                "nên có thể đã mất số 0 ở đầu; hãy định dạng cột số thẻ là Văn bản)."
            )
        return _("không tìm thấy đảng viên này trong danh sách của điểm cầu.")


def _marks_of(campaign_id: int, member_ids: Iterable[int]) -> dict[int, Attendance]:
    marks: dict[int, Attendance] = {}
    for chunk in _chunks(sorted(member_ids)):
        for mark in Attendance.objects.filter(
            campaign_id=campaign_id, member_id__in=chunk
        ).select_related("conference", "bridge_point"):
            marks[mark.member_id] = mark
    return marks


def _conflict(name: str, mark: Attendance, status: str, conference) -> str:
    values = {
        "name": name,
        "status": mark.get_status_display(),
        "channel": mark.get_channel_display(),
        "time": format_datetime(mark.marked_at),
        "new": Status(status).label,
    }
    if mark.conference_id != conference.pk:
        message = _(
            "đồng chí %(name)s đã được điểm danh “%(status)s” tại hội nghị “%(conference)s” "
            "lúc %(time)s (%(channel)s); tệp ghi “%(new)s”. Không ghi đè."
        )
        values["conference"] = mark.conference.title
    elif mark.reason:
        message = _(
            "đồng chí %(name)s đã được điểm danh “%(status)s”, lý do “%(reason)s” "
            "lúc %(time)s (%(channel)s); tệp ghi “%(new)s”. Không ghi đè: hãy sửa "
            "trên trang điểm danh nếu cần."
        )
        values["reason"] = mark.reason
    else:
        message = _(
            "đồng chí %(name)s đã được điểm danh “%(status)s” lúc %(time)s (%(channel)s); "
            "tệp ghi “%(new)s”. Không ghi đè: hãy sửa trên trang điểm danh nếu cần."
        )
    return message % values


def _listed(problems: list[tuple[int, str]]) -> list[str]:
    ordered = [text for _number, text in sorted(problems, key=lambda item: item[0])]
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    rest = len(ordered) - MAX_PROBLEMS
    return [
        *ordered[:MAX_PROBLEMS],
        _("… và %(n)s lỗi khác.") % {"n": format_int(rest)},
    ]


# --- Writing --------------------------------------------------------------------------


class _Refused(Exception):
    """Someone marked a member of the file between the check and the write."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(problems)
        self.problems = problems


def _write(actor, point: BridgePoint, checker: _Checker) -> tuple[int, int]:
    """Write the checked marks; (created, unchanged). Call inside a transaction."""
    member_ids = [member_id for *_rest, member_id in checker.writes]
    members: dict[int, Member] = {}
    for chunk in _chunks(member_ids):
        # Locked as attendance_mark locks them; a check-in since the check waits for us.
        members.update(Member.objects.select_for_update().in_bulk(chunk))
    names = {pk: name for pk, name in checker.expected.values()}
    since = _marks_of(point.conference.campaign_id, member_ids)
    if since:
        for row, status, _reason, member_id in checker.writes:
            if member_id in since:
                checker.problem(
                    row, _conflict(names[member_id], since[member_id], status, point.conference)
                )
        raise _Refused(checker.problems)
    rows = [
        (members[member_id], status, reason) for _row, status, reason, member_id in checker.writes
    ]
    try:
        created = services.attendance_bulk_create(actor, point, rows, channel=Channel.XLSX)
    except services.MarkRefused as refused:
        checker.problem(checker.writes[0][0], refused.messages[0])
        raise _Refused(checker.problems) from None
    return created, 0


def attendance_import(actor, point: BridgePoint, upload: UploadedFile) -> ImportOutcome:
    """Check every row of `upload`, then write all its new marks or none.

    Raises UploadError for a file that cannot be read as an attendance list; returns the
    row problems (and writes nothing) when any row is wrong.
    """
    point = BridgePoint.objects.select_related("conference", "conference__campaign").get(
        pk=point.pk
    )
    checker = _Checker(point, _read(upload))
    checker.check()
    if checker.problems:
        return ImportOutcome(unchanged=checker.unchanged, problems=_listed(checker.problems))
    try:
        with transaction.atomic():
            created, unchanged = _write(actor, point, checker)
    except _Refused as refused:
        return ImportOutcome(unchanged=checker.unchanged, problems=_listed(refused.problems))
    return ImportOutcome(created=created, unchanged=checker.unchanged + unchanged)
