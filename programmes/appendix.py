"""The assignment appendix (phụ lục phân công nhiệm vụ) of a programme, read from XLSX.

Real appendices are typed for printing, not for machines: title rows above the header,
a header over one or two rows, a lead unit or a deadline merged down over several tasks,
section headings ("I. NHIỆM VỤ CHUNG") merged across the table, deadlines written as
words, footnotes under it. `read_appendix` turns such a file into a `Plan` of tasks and
row-by-row problems without writing anything; `appendix_apply` creates every task of a
plan without problems, or none.
"""

import calendar
import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from nghiquyet.spreadsheets import cell_plain
from nghiquyet.uploads import MB, UploadError, check_size, office_names
from organizations.models import Organization
from programmes import services
from programmes.models import Programme, Recurrence, Task
from vn.formats import format_int, parse_date
from vn.text import fold, normalize

HEADER_WITHIN = 15  # rows searched for the header: title rows and the issuing body above it
MAX_TASKS = 5_000
# openpyxl must load the whole sheet to see merged cells; an appendix of a few hundred
# tasks is well under 1 MB of sheet XML, so refuse what would take gigabytes of memory.
MAX_SHEET_BYTES = 20 * MB
AMBIGUOUS_SHOWN = 3

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other Office 97-2003 files


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # how messages name the column, in the middle of a sentence
    phrases: tuple[str, ...]  # folded words a header containing any of them is this column
    exact: bool = False  # the header must be one of the phrases, not merely contain one


# In the order a header cell is tried: "Cơ quan thực hiện / Phối hợp" is a partner column
# before it is a lead one, and "Sản phẩm hoàn thành" a product before it is a deadline.
COLUMNS = (
    Column("partners", "cơ quan phối hợp", ("phoi hop",)),
    Column("lead", "cơ quan chủ trì", ("chu tri", "co quan thuc hien", "don vi thuc hien")),
    Column("product", "sản phẩm", ("san pham", "ket qua", "hinh thuc van ban")),
    Column(
        "deadline",
        "thời gian hoàn thành",
        ("thoi gian", "thoi han", "tien do", "hoan thanh", "moc thoi gian"),
    ),
    Column("position", "STT", ("stt", "tt", "so tt", "so thu tu"), exact=True),
    Column("content", "nội dung nhiệm vụ", ("noi dung", "nhiem vu", "giai phap", "cong viec")),
)
LABELS = {column.key: column.label for column in COLUMNS}
REQUIRED = ("content", "lead")

_NUMBERING = re.compile(r"\(?\d{1,2}\)?")  # the "(1) (2) (3)" row under some headers
# "I.", "II)", "A." or a lone "III" in the STT cell: a group of tasks, not a task.
_HEADING = re.compile(r"(?:[IVXLC]+|[A-ZĐ])(?:[.):\-–]|$)")
_FOOTNOTE = ("ghi chu", "luu y", "chu thich", "noi nhan")
_SEPARATORS = re.compile(r"[;\n]+")
_GENERIC = re.compile(r"^cac .*lien quan$")  # "Các sở, ban, ngành liên quan" names no unit

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_FULL_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b")
_QUARTER = re.compile(r"\bquy (iv|iii|ii|i|[1-4]) (?:nam )?(\d{4})\b")
_MONTH = re.compile(r"\bthang (\d{1,2}) (?:nam )?(\d{4})\b")
_FIRST_HALF = re.compile(r"\b(?:6 thang dau|nua dau) nam (\d{4})\b")
_YEAR = re.compile(r"\b(?:nam )?(\d{4})\b")


@dataclass
class PlannedTask:
    """One task row: its row number in the sheet, `Task` fields and coordinating units."""

    row: int
    fields: dict[str, Any]
    partners: list[Organization]


class RowError(NamedTuple):
    """A problem of one row: its number as the spreadsheet shows it, and what is wrong."""

    row: int
    message: str

    @property
    def text(self) -> str:
        return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Plan:
    rows: list[PlannedTask] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


# --- The file ---------------------------------------------------------------------------


def _not_xlsx() -> UploadError:
    return UploadError(_("Tệp không phải XLSX. Hãy tải lên phụ lục phân công nhiệm vụ (.xlsx)."))


def _corrupt() -> UploadError:
    return UploadError(
        _("Tệp XLSX bị hỏng, không đọc được. Hãy mở bằng Excel, lưu lại rồi tải lên lần nữa.")
    )


def _size(file: BinaryIO) -> int:
    size = getattr(file, "size", None)
    if size is None:
        size = file.seek(0, 2)
        file.seek(0)
    return size


def sniff_workbook(file: BinaryIO) -> None:
    """Refuse anything but a workbook of sane size, judged by content, never by name."""
    check_size(_size(file))
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(_OLE_MAGIC):
        raise UploadError(
            _(
                "Tệp Excel 97–2003 (.xls) không được hỗ trợ. "
                "Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
            )
        )
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise _not_xlsx()
    names = office_names(file)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_xlsx()  # a DOCX, an ODS or any other zip
    try:
        with zipfile.ZipFile(file) as archive:
            sheets = sum(
                entry.file_size
                for entry in archive.infolist()
                if entry.filename.startswith("xl/worksheets/")
                or entry.filename == "xl/sharedStrings.xml"
            )
    finally:
        file.seek(0)
    if sheets > MAX_SHEET_BYTES:
        raise UploadError(
            _("Bảng tính quá lớn cho một phụ lục nhiệm vụ; hãy chỉ giữ lại bảng phân công.")
        )


def _grid(sheet) -> tuple[list[list[Any]], list[list[Any]], set[tuple[int, int]]]:
    """The sheet's values twice, and the cells that only repeat a merged value.

    In the first grid a merged value fills its whole range: headers read as shown. In
    the second it fills only the range's first column, down every row: a lead unit merged
    down over five tasks leads all five, but a heading merged across the table does not
    become their deadline too. Coordinates are 0-based (row, column)."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    width = max((len(row) for row in rows), default=0)
    shown = [row + [None] * (width - len(row)) for row in rows]
    data = [list(row) for row in shown]
    inherited: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(shown) or left >= width:
            continue
        value = shown[top][left]
        for r in range(top, min(merged.max_row, len(shown))):
            for c in range(left, min(merged.max_col, width)):
                shown[r][c] = value
                if (r, c) != (top, left):
                    data[r][c] = value if c == left else None
                    inherited.add((r, c))
    return shown, data, inherited


# --- The header -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return normalize(str(cell_plain(value)))


def _words(value: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(_text(value))).split())


def _column_of(words: str, taken: dict[str, int]) -> str | None:
    padded = f" {words} "
    for column in COLUMNS:
        if column.key in taken:
            continue
        if column.exact:
            if words in column.phrases:
                return column.key
        elif any(f" {phrase} " in padded for phrase in column.phrases):
            return column.key
    return None


def _columns(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, words in enumerate(cells):
        if words and (key := _column_of(words, found)):
            found[key] = index
    return found


def _complete(columns: dict[str, int]) -> bool:
    return all(key in columns for key in REQUIRED)


def _joined(above: list[str], below: list[str]) -> list[str]:
    below = below + [""] * (len(above) - len(below))
    # A header cell merged down over both rows reads once, not twice.
    return [a if a == b else f"{a} {b}".strip() for a, b in zip(above, below, strict=False)]


def _continues(above: list[str], below: list[str]) -> bool:
    """Whether `below` is the second row of a two-row header: each of its cells names a
    column or repeats the cell above (merged down); a task row does neither."""
    cells = [(a, b) for a, b in zip(above, below, strict=False) if b]
    return bool(cells) and all(b == a or _column_of(b, {}) for a, b in cells)


def _header(shown: list[list[Any]]) -> tuple[dict[str, int], int]:
    """Column positions and the index of the first row under the header. A header may
    span two rows ("Cơ quan thực hiện" merged over "Chủ trì" | "Phối hợp")."""
    rows = [[_words(cell) for cell in row] for row in shown[: HEADER_WITHIN + 1]]
    best: dict[str, int] = {}
    for index, words in enumerate(rows[:HEADER_WITHIN]):
        found = _columns(words)
        below = rows[index + 1] if index + 1 < len(rows) else []
        two_rows = _continues(words, below)
        joined = _columns(_joined(words, below)) if two_rows else {}
        if _complete(found):
            if len(joined) > len(found):
                return joined, index + 2
            return found, index + 1
        if two_rows and _complete(joined) and not _complete(_columns(below)):
            return joined, index + 2
        if len(found) > len(best):
            best = found
    missing = ", ".join(f"“{LABELS[key].capitalize()}”" for key in REQUIRED if key not in best)
    raise UploadError(
        _(
            "Không tìm thấy dòng tiêu đề của bảng phân công (thiếu cột %(columns)s) trong "
            "%(n)s dòng đầu. Bảng cần có cột “Nội dung nhiệm vụ” và “Cơ quan chủ trì”."
        )
        % {"columns": missing, "n": HEADER_WITHIN}
    )


# --- Deadlines --------------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _sane_year(year: int) -> bool:
    return 1990 <= year <= 2100


def deadline_of(value: Any) -> tuple[dt.date | None, str]:
    """(deadline, recurrence) of what an appendix writes in its deadline column; raises
    ValueError with a Vietnamese message for anything it cannot read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, Recurrence.NONE
    if isinstance(value, dt.datetime):
        return value.date(), Recurrence.NONE
    if isinstance(value, dt.date):
        return value, Recurrence.NONE
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and _sane_year(int(value)):
            return dt.date(int(value), 12, 31), Recurrence.NONE  # "2025" typed as a number
        from openpyxl.utils.datetime import from_excel

        try:
            day = from_excel(value)  # a date cell formatted as a plain number
        except (ValueError, OverflowError, TypeError):
            day = None
        if isinstance(day, dt.datetime) and _sane_year(day.year):
            return day.date(), Recurrence.NONE
        raise ValueError(_unreadable(_text(value)))
    text = _text(value)
    words = _words(text)
    if re.search(r"\bhang quy\b", words):
        return None, Recurrence.QUARTERLY
    if re.search(r"\bhang nam\b", words):
        return None, Recurrence.YEARLY
    if "thuong xuyen" in words:
        return None, Recurrence.CONTINUOUS
    if dates := _FULL_DATE.findall(text):
        return parse_date(dates[-1]), Recurrence.NONE
    if found := _QUARTER.findall(words):
        quarter, year = found[-1]
        number = _ROMAN.get(quarter) or int(quarter)
        if _sane_year(int(year)):
            return _month_end(int(year), number * 3), Recurrence.NONE
    if found := _MONTH.findall(words):
        month, year = (int(part) for part in found[-1])
        if 1 <= month <= 12 and _sane_year(year):
            return _month_end(year, month), Recurrence.NONE
    if (found := _FIRST_HALF.findall(words)) and _sane_year(int(found[-1])):
        return dt.date(int(found[-1]), 6, 30), Recurrence.NONE
    if found := [int(year) for year in _YEAR.findall(words) if _sane_year(int(year))]:
        return dt.date(found[-1], 12, 31), Recurrence.NONE  # "Năm 2025", "2025–2030"
    raise ValueError(_unreadable(text))


def _unreadable(text: str) -> str:
    return _(
        "không đọc được thời hạn “%(value)s”; hãy ghi ngày (dd/mm/yyyy), “Tháng 6/2025”, "
        "“Quý II/2025”, “Năm 2025”, “Thường xuyên”, “Hằng năm” hoặc “Hằng quý”."
    ) % {"value": text}


# --- Units ------------------------------------------------------------------------------


class UnitNames:
    """The units a user may see, found by name as appendices write them: the folded name
    exactly, else the one unit whose name contains the text ("Ban Tuyên giáo" for "Ban
    Tuyên giáo Thành ủy"), else the one whose name begins the text ("Văn phòng Thành ủy"
    for "Văn phòng Thành ủy Hà Nam": the head noun comes first, the rest qualifies it)."""

    def __init__(self, user):
        units = policy.organizations_for(user, Action.VIEW).values_list("pk", "name", "valid_to")
        self.names = [(f" {_words(name)} ", pk, valid_to is None) for pk, name, valid_to in units]
        self.exact: dict[str, list[tuple[int, bool]]] = {}
        for padded, pk, is_open in self.names:
            self.exact.setdefault(padded, []).append((pk, is_open))
        self.found: dict[str, list[int]] = {}

    def find(self, text: str) -> list[int]:
        """The pks of the units `text` may mean: one when it is found, none when unknown."""
        key = f" {_words(text)} "
        if key not in self.found:
            self.found[key] = self._find(key) if key.strip() else []
        return self.found[key]

    def _find(self, key: str) -> list[int]:
        tries = (
            lambda: self.exact.get(key, []),
            lambda: [(pk, is_open) for padded, pk, is_open in self.names if key in padded],
            lambda: [(pk, is_open) for padded, pk, is_open in self.names if key.startswith(padded)],
        )
        for candidates in tries:
            if found := candidates():
                # A closed unit keeps its name for old records; the open one is meant.
                return [pk for pk, is_open in found if is_open] or [pk for pk, _o in found]
        return []

    def problem(self, label: str, text: str, pks: list[int]) -> str:
        if not pks:
            return _("không tìm thấy %(column)s “%(text)s” trong cây tổ chức.") % {
                "column": label,
                "text": text,
            }
        names = Organization.objects.filter(pk__in=pks[:AMBIGUOUS_SHOWN]).values_list(
            "name", flat=True
        )
        more = len(pks) - AMBIGUOUS_SHOWN
        return _(
            "%(column)s “%(text)s” khớp với %(n)s đơn vị (%(names)s%(more)s); "
            "hãy ghi đủ tên đơn vị."
        ) % {
            "column": label,
            "text": text,
            "n": format_int(len(pks)),
            "names": "; ".join(f"“{name}”" for name in names),
            "more": _(" và %(n)s đơn vị khác") % {"n": format_int(more)} if more > 0 else "",
        }


def _partner_texts(text: str) -> list[str]:
    parts = []
    for chunk in _SEPARATORS.split(text):
        if _GENERIC.match(_words(chunk)):
            continue
        parts.extend(part.strip(" .-–+") for part in chunk.split(","))
    return [part for part in parts if part]


# --- The rows ---------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _heading(position: str, content: str) -> bool:
    """A group of tasks ("I. NHIỆM VỤ CHUNG", "II", "A. Về công tác tuyên truyền")."""
    first = content.split(maxsplit=1)[0] if content else ""
    letters = [ch for ch in content if ch.isalpha()]
    return bool(
        _HEADING.match(position)
        or _HEADING.match(first)
        or (letters and content == content.upper())
    )


def _heading_text(position: str, content: str) -> str:
    """The heading as the appendix writes it: "II. NHIỆM VỤ CỤ THỂ" from "II" and
    "NHIỆM VỤ CỤ THỂ", or the content alone when it carries its own number."""
    limit = Task._meta.get_field("section").max_length
    if not position or content.startswith(position):
        return content[:limit]
    joiner = " " if position[-1] in ".):-–" else ". "
    return f"{position}{joiner}{content}"[:limit]


@dataclass
class _Row:
    number: int
    fields: dict[str, Any]
    lead_id: int | None
    partner_ids: list[int]


class _Reader:
    """Reads the rows under the header into a Plan; units and checks come at the end."""

    def __init__(self, programme: Programme, user, columns: dict[str, int]):
        self.programme = programme
        self.columns = columns
        self.units = UnitNames(user)
        self.plan = Plan()
        self.rows: list[_Row] = []
        self.first_row: dict[tuple[str, int], int] = {}
        self.existing = _existing(programme)
        self.section = ""

    def cell(self, cells: list[Any], key: str) -> Any:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def error(self, row: int, message: str) -> None:
        self.plan.errors.append(RowError(row, message))

    def read(self, index: int, cells: list[Any], inherited: set[tuple[int, int]]) -> bool:
        """Read the row at 0-based `index`; False once the table has ended."""
        own = [
            value
            for column, value in enumerate(cells)
            if not _blank(value) and (index, column) not in inherited
        ]
        if not own:
            return True  # blank, or only the rest of merged cells
        if _text(own[0]).startswith("*") or _words(own[0]).startswith(_FOOTNOTE):
            return False
        if all(_NUMBERING.fullmatch(_text(value)) for value in own):
            return True  # the "(1) (2) (3)" row under the header
        position = _text(self.cell(cells, "position"))
        content = _text(self.cell(cells, "content"))
        lead = self.columns["lead"]
        lead_own = not _blank(self.cell(cells, "lead")) and (index, lead) not in inherited
        if not lead_own and (not content or _heading(position, content)):
            # A heading merged across the table is read in its first (STT) cell.
            if content or _heading(position, position):
                self.section = _heading_text(position, content) if content else position
            return True
        self.task(index + 1, content, cells)
        return True

    def task(self, number: int, content: str, cells: list[Any]) -> None:
        fields: dict[str, Any] = {"content": content, "section": self.section}
        for key in ("position", "product"):
            text = _text(self.cell(cells, key))
            limit = Task._meta.get_field(key).max_length
            if len(text) > limit:
                self.error(
                    number,
                    _("%(column)s dài quá %(n)s ký tự.") % {"column": LABELS[key], "n": limit},
                )
            fields[key] = text[:limit]
        try:
            fields["deadline"], fields["recurrence"] = deadline_of(self.cell(cells, "deadline"))
        except ValueError as problem:
            self.error(number, str(problem))
            fields["deadline"], fields["recurrence"] = None, Recurrence.NONE

        lead_text = _text(self.cell(cells, "lead"))
        found = self.units.find(lead_text)
        lead_id = found[0] if len(found) == 1 else None
        if not lead_text:
            self.error(number, _("chưa ghi cơ quan chủ trì."))
        elif lead_id is None and not found and re.search(r"[,;\n]", lead_text):
            self.error(
                number,
                _(
                    "“%(text)s”: mỗi nhiệm vụ ghi một cơ quan chủ trì; các cơ quan khác ghi ở "
                    "cột “Cơ quan phối hợp”."
                )
                % {"text": lead_text},
            )
        elif lead_id is None:
            self.error(number, self.units.problem(LABELS["lead"], lead_text, found))
        partner_ids: list[int] = []
        for text in _partner_texts(_text(self.cell(cells, "partners"))):
            found = self.units.find(text)
            if len(found) != 1:
                self.error(number, self.units.problem(LABELS["partners"], text, found))
            elif found[0] != lead_id and found[0] not in partner_ids:
                partner_ids.append(found[0])

        if content and lead_id is not None:
            key = (fold(content), lead_id)
            if key in self.existing:
                self.error(number, _("nhiệm vụ này đã có trong chương trình."))
            elif key in self.first_row:
                self.error(
                    number,
                    _("trùng nội dung và cơ quan chủ trì với dòng %(first)s.")
                    % {"first": self.first_row[key]},
                )
            else:
                self.first_row[key] = number
        self.rows.append(_Row(number, fields, lead_id, partner_ids))

    def finish(self) -> Plan:
        """Units fetched once for all rows, then each row checked as the services check."""
        ids = {pk for row in self.rows for pk in [row.lead_id, *row.partner_ids] if pk}
        units = Organization.objects.in_bulk(sorted(ids))
        for row in self.rows:
            fields = row.fields
            fields["lead"] = units.get(row.lead_id) if row.lead_id else None
            for key, message in services.task_problems(self.programme, fields).items():
                if key == "lead" and fields["lead"] is None:
                    continue  # already said why, in the file's words
                self.error(row.number, message)
            if fields["lead"] is not None:
                partners = [units[pk] for pk in row.partner_ids]
                self.plan.rows.append(PlannedTask(row.number, fields, partners))
        self.plan.errors.sort(key=lambda error: error.row)
        return self.plan


def _existing(programme: Programme) -> set[tuple[str, int]]:
    """(folded content, lead) of the programme's tasks: an appendix is imported once."""
    tasks = Task.objects.filter(programme=programme).values_list("content", "lead_id")
    return {(fold(content), lead_id) for content, lead_id in tasks}


def read_appendix(file: BinaryIO, programme: Programme, user) -> Plan:
    """The tasks of an appendix file and the problems of its rows; writes nothing.

    Raises UploadError for a file that cannot be read as an appendix at all."""
    from openpyxl import load_workbook

    sniff_workbook(file)
    try:
        # Not read-only: only a fully loaded sheet knows its merged cells.
        workbook = load_workbook(file, data_only=True)
    except Exception:  # openpyxl raises a dozen kinds for a damaged package
        raise _corrupt() from None
    programme = Programme.objects.select_related("document", "organization").get(pk=programme.pk)
    problem = None
    for sheet in workbook.worksheets:
        shown, data, inherited = _grid(sheet)
        try:
            columns, start = _header(shown)
        except UploadError as error:
            problem = problem or error  # the appendix may follow a sheet of targets
            continue
        reader = _Reader(programme, user, columns)
        for index in range(start, len(data)):
            if not reader.read(index, data[index], inherited):
                break
            if len(reader.rows) > MAX_TASKS:
                raise UploadError(
                    _("Phụ lục có quá %(n)s nhiệm vụ; hãy chia thành nhiều tệp.")
                    % {"n": format_int(MAX_TASKS)}
                )
        if not reader.rows:
            raise UploadError(_("Không có nhiệm vụ nào dưới dòng tiêu đề của bảng phân công."))
        return reader.finish()
    raise problem or UploadError(_("Tệp XLSX không có trang tính nào."))


def appendix_apply(user, programme: Programme, plan: Plan) -> list[Task]:
    """Create every task of the plan, or none: refused while any row has a problem."""
    if not policy.can(user, Action.MANAGE_PROGRAMMES, programme.organization):
        raise ValidationError(_("Bạn không được sửa chương trình của đơn vị này."))
    if plan.errors:
        raise ValidationError([error.text for error in plan.errors])
    if not plan.rows:
        raise ValidationError(_("Phụ lục không có nhiệm vụ nào để nhập."))
    with transaction.atomic():
        # One import at a time per programme: a second submit waits, then finds the tasks.
        Programme.objects.select_for_update().get(pk=programme.pk)
        existing = _existing(programme)
        again = [
            RowError(row.row, _("nhiệm vụ này đã có trong chương trình.")).text
            for row in plan.rows
            if (fold(row.fields["content"]), row.fields["lead"].pk) in existing
        ]
        if again:
            raise ValidationError(again)
        rows = [(dict(row.fields), list(row.partners)) for row in plan.rows]
        return services.tasks_create(user, programme, rows)
