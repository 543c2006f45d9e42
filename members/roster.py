"""Reading and checking a roster file of party members (XLSX or CSV); no HTTP here.

`sniff` vets an upload by its content before anything is stored, `read_roster` turns a
stored file into parsed rows, and `check_rows` decides row by row what an import would
do. Nothing here writes to the database: `members.tasks` applies a check.
"""

import codecs
import csv
import datetime as dt
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.db import connection
from django.db.models import Max
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from members.models import Gender, Member, MemberStatus, Transfer
from members.services import EDITABLE, card_form, member_problems, search_text
from nghiquyet.uploads import (
    MB,
    UploadError,
    check_size,
    office_names,
    private_file,
    store_private,
)
from organizations.models import Organization
from vn import names
from vn.formats import format_date, format_int, parse_date
from vn.text import fold, normalize

MAX_ROWS = 200_000
BATCH = 2_000
PROGRESS_EVERY = 1_000


CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
ACTIONS = (CREATE, UPDATE, UNCHANGED, REJECT)
TRANSFER_NOTE = "Nhập danh sách"

# Member fields compared with the stored record; the card number is the key itself.
COMPARED = tuple(name for name in EDITABLE if name != "card_number")

Progress = Callable[[str, int, int], None]  # (phase, done, total)


class RosterError(UploadError):
    """A problem with the file as a whole; the message is for the user, in Vietnamese."""


def _not_a_roster() -> RosterError:
    return RosterError(_("Tệp không phải XLSX hoặc CSV. Hãy tải lên tệp theo mẫu."))


def _corrupt() -> RosterError:
    return RosterError(
        _("Tệp XLSX bị hỏng, không đọc được. Hãy mở bằng Excel, lưu lại rồi tải lên lần nữa.")
    )


# --- The columns --------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a card number typed into a number cell
    return normalize(str(value))


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(_text(value))


def _words(value: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(_text(value))).split())


def _gender_of(words: str) -> str | None:
    return {"nam": Gender.MALE, "nu": Gender.FEMALE}.get(words)


def _gender(value: Any) -> str:
    gender = _gender_of(_words(value))
    if gender is None:
        raise ValueError(
            _('Giới tính "%(value)s" không hợp lệ; ghi "Nam" hoặc "Nữ".') % {"value": _text(value)}
        )
    return gender


def _status_of(words: str) -> str | None:
    if words.startswith("mien"):  # "Miễn sinh hoạt", "Miễn công tác và sinh hoạt", ...
        return MemberStatus.EXEMPT
    known = {"chinh thuc": MemberStatus.OFFICIAL, "du bi": MemberStatus.PROBATIONARY}
    known.update({value: value for value in MemberStatus.values})
    return known.get(words)


def _status(value: Any) -> str:
    status = _status_of(_words(value))
    if status is None:
        raise ValueError(
            _(
                'Trạng thái "%(value)s" không hợp lệ; '
                'ghi "Chính thức", "Dự bị" hoặc "Miễn sinh hoạt".'
            )
            % {"value": _text(value)}
        )
    return status


def _limited(field_name: str) -> Callable[[Any], str]:
    limit = Member._meta.get_field(field_name).max_length

    def parse(value: Any) -> str:
        text = _text(value)
        if len(text) > limit:
            raise ValueError(_("Dài quá %(n)s ký tự.") % {"n": limit})
        return text

    return parse


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any]
    required: bool = True
    aliases: tuple[str, ...] = ()
    width: int = 16

    @property
    def names(self) -> tuple[str, ...]:
        return (_words(self.header), *self.aliases)


# The headers are the file format, the same in every language of the interface.
COLUMNS = (
    Column("card_number", "Số thẻ đảng viên", _limited("card_number"), aliases=("so the",)),
    Column("full_name", "Họ và tên", _limited("full_name"), width=28),
    Column("gender", "Giới tính", _gender, width=10),
    Column("date_of_birth", "Ngày sinh", _date, width=12),
    Column("status", "Trạng thái", _status, width=18),
    Column("admitted_on", "Ngày vào Đảng", _date, width=15),
    Column("official_on", "Ngày chính thức", _date, required=False, width=16),
    Column("unit_code", "Mã chi bộ", _text, aliases=("ma don vi",), width=18),
)
HEADERS = {column.key: column.header for column in COLUMNS}
DATE_COLUMNS = ("date_of_birth", "admitted_on", "official_on")


def _reason(row: int, key: str, message: str) -> str:
    return _('Dòng %(row)s, cột "%(column)s": %(message)s') % {
        "row": row,
        "column": HEADERS[key],
        "message": message,
    }


# --- The file -----------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other Office 97-2003 files
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sniff(file: BinaryIO, size: int) -> str:
    """ "xlsx" or "csv", judged by content and never by the name; raises RosterError."""
    check_size(size)
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _check_zip(file)
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise RosterError(
            _(
                "Tệp Excel 97–2003 (.xls) không được hỗ trợ. "
                "Hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
            )
        )
    if head.startswith(b"%PDF") or not _is_text(file):
        raise _not_a_roster()
    return "csv"


def _is_text(file: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(MB):
            if _CONTROL.search(decoder.decode(chunk)):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def _check_zip(file: BinaryIO) -> None:
    """Refuse archives that are not a workbook, before the reader opens anything."""
    try:
        names = office_names(file)
    except UploadError as error:
        raise RosterError(str(error)) from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_a_roster()


def _xlsx_sheet(path: Path) -> tuple[Iterator[list], int, Callable[[], None]]:
    """The first sheet's rows through calamine (a Rust reader, about 12× openpyxl's speed
    on a 100,000-row roster); openpyxl stays for the files we write."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError, OSError):
        raise _corrupt() from None
    try:
        if not workbook.sheet_names:
            raise RosterError(_("Tệp XLSX không có trang tính nào."))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError):
        raise _corrupt() from None
    finally:
        workbook.close()
    return iter(rows), max(len(rows) - 1, 0), lambda: None


def _csv_sheet(path: Path) -> tuple[Iterator[list], int, Callable[[], None]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_a_roster() from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[list]:
        try:
            yield from reader
        except csv.Error as error:
            raise RosterError(
                _("Tệp CSV không đọc được ở dòng %(row)s: %(error)s")
                % {"row": reader.line_num, "error": error}
            ) from None

    return rows(), text.count("\n"), lambda: None


@dataclass(slots=True)
class RosterRow:
    """One data row: parsed values by column key, and the problem of each bad cell.

    `sort_key` and `folded_name` are member_derive's forms of the parsed name, made once
    per distinct name at reading so that neither the check nor the apply makes them again.
    """

    number: int
    values: dict[str, Any]
    errors: dict[str, str]
    raw_name: str = ""
    sort_key: str = ""
    folded_name: str = ""


def _positions(header: tuple | list | None) -> dict[str, int]:
    found = [_words(cell) if cell is not None else "" for cell in header or ()]
    positions: dict[str, int] = {}
    for column in COLUMNS:
        for name in column.names:
            if name in found:
                positions[column.key] = found.index(name)
                break
    missing = [f'"{column.header}"' for column in COLUMNS if column.key not in positions]
    if missing:
        raise RosterError(
            _("Thiếu cột %(columns)s ở dòng tiêu đề (dòng 1). Hãy dùng tệp mẫu.")
            % {"columns": ", ".join(missing)}
        )
    return positions


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True, slots=True)
class _Bad:
    """A cell that cannot be stored: blank (BLANK) or not understood (the message)."""

    message: str


BLANK = _Bad("")
KEYS = tuple(column.key for column in COLUMNS)


def _cell(column: Column, value: Any) -> Any:
    """The stored form of one cell's value, or a _Bad."""
    if _blank(value):
        return BLANK
    try:
        parsed = column.parse(value)
    except ValueError as error:
        return _Bad(str(error))
    if column.key == "full_name":
        return names.display_name(parsed)  # what member_derive stores
    if column.key == "card_number" and not _stored_card(parsed):
        return card_form(parsed)
    return parsed


def _stored_card(card: str) -> bool:
    # Plain upper-case letters and digits are already in stored form: skip card_form.
    return card.isascii() and card.isalnum() and card == card.upper()


def _column(column: Column, cells: list) -> list:
    """Every cell of a column parsed, each distinct value once: a roster repeats the same
    names, dates, choices and unit codes on thousands of rows."""
    if column.key == "card_number":  # every card differs; most are stored as typed
        limit = Member._meta.get_field("card_number").max_length
        return [
            value
            if type(value) is str and len(value) <= limit and _stored_card(value)
            else _cell(column, value)
            for value in cells
        ]
    # Non-text cells keyed with their type: 1, 1.0 and True are one key of a dict.
    keys = [value if type(value) is str else (type(value), value) for value in cells]
    parsed = {}
    for key in set(keys):
        parsed[key] = _cell(column, key if type(key) is str else key[1])
    return [parsed[key] for key in keys]


def _name_forms(display_names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """member_derive's sort key and folded search text of each distinct display name."""
    return {name: (names.sort_key(name), fold(name)) for name in set(display_names)}


def _row(number: int, outcomes: tuple, cells: list | tuple) -> RosterRow | None:
    """The row of a line with a blank or bad cell; None for a blank line."""
    if all(outcome is BLANK for outcome in outcomes):
        return None
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for column, outcome in zip(COLUMNS, outcomes, strict=True):
        values[column.key] = None
        if outcome is BLANK:
            if column.required:
                errors[column.key] = _("Không được để trống.")
        elif type(outcome) is _Bad:
            errors[column.key] = outcome.message
        else:
            values[column.key] = outcome
    row = RosterRow(number, values, errors)
    if "full_name" in errors:
        row.raw_name = _text(cells[KEYS.index("full_name")] or "")
    return row


def read_roster(path: Path, progress: Progress | None = None) -> list[RosterRow]:
    """Every non-empty data row of the file's first sheet; file problems raise RosterError."""
    report = progress or _silent
    with path.open("rb") as file:
        kind = sniff(file, path.stat().st_size)
    rows_of, estimate, close = _xlsx_sheet(path) if kind == "xlsx" else _csv_sheet(path)
    try:
        positions = _positions(next(rows_of, None))
        # The columns this import reads, row by row; a short line has blanks at its end.
        wanted = [positions[key] for key in KEYS]
        lines = [[line[i] if i < len(line) else None for i in wanted] for line in rows_of]
    finally:
        close()
    by_column = zip(*lines, strict=True) if lines else [[] for _ in COLUMNS]
    parsed = zip(
        *(_column(c, list(cells)) for c, cells in zip(COLUMNS, by_column, strict=True)),
        strict=True,
    )
    rows: list[RosterRow] = []
    for number, (outcomes, cells) in enumerate(zip(parsed, lines, strict=True), start=2):
        if _Bad in map(type, outcomes):
            row = _row(number, outcomes, cells)
            if row is None:
                continue
        else:
            row = RosterRow(number, dict(zip(KEYS, outcomes, strict=True)), {})
        if len(rows) >= MAX_ROWS:
            raise RosterError(
                _("Tệp có quá %(n)s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.")
                % {"n": format_int(MAX_ROWS)}
            )
        rows.append(row)
        if len(rows) % PROGRESS_EVERY == 0:
            report("read", len(rows), max(estimate, len(rows)))
    if not rows:
        raise RosterError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    forms = _name_forms(row.values["full_name"] for row in rows if row.values["full_name"])
    for row in rows:
        if row.values["full_name"]:
            row.sort_key, row.folded_name = forms[row.values["full_name"]]
    report("read", len(rows), len(rows))
    return rows


def _silent(phase: str, done: int, total: int) -> None:
    pass


# The apply reads the rows the check parsed, not the file again: reading and parsing is
# half of a check's time. The parsed rows sit beside the stored file and go with it.


def parsed_file(path: Path) -> Path:
    return path.with_name(f"{path.name}.rows.json")


def rows_save(path: Path, rows: list[RosterRow]) -> None:
    data = [
        [row.number, row.values, row.errors, row.raw_name, row.sort_key, row.folded_name]
        for row in rows
    ]
    # Dates are the only values JSON lacks; rows_load knows their columns.
    text = json.dumps(data, ensure_ascii=False, default=dt.date.isoformat)
    parsed_file(path).write_text(text, encoding="utf-8")


def rows_load(path: Path) -> list[RosterRow] | None:
    """The rows `rows_save` kept for the file at `path`, or None if there are none (or
    they were kept in an older layout: the file is then read again)."""
    try:
        data = json.loads(parsed_file(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if any(len(item) != 6 for item in data):
        return None
    rows = []
    for number, values, errors, raw_name, sort_key, folded_name in data:
        for key in DATE_COLUMNS:
            if values.get(key):
                values[key] = dt.date.fromisoformat(values[key])
        rows.append(RosterRow(number, values, errors, raw_name, sort_key, folded_name))
    return rows


# --- The check ----------------------------------------------------------------------


@dataclass(slots=True)
class RowOutcome:
    row: int
    card: str
    name: str
    action: str
    details: list[str]

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "card": self.card,
            "name": self.name,
            "action": self.action,
            "details": self.details,
        }


@dataclass(slots=True)
class PlannedWrite:
    """What applying one row writes: a new member, or changes to an existing one."""

    row: int
    member_id: int | None
    values: dict[str, Any]  # every EDITABLE field, in stored form
    unit: Organization
    from_unit_id: int | None  # set when the member moves to another cell
    changes: dict[str, list]  # {field: [old, new]} of an update; see audit_changes
    fields: list[str]  # model fields to update
    # member_derive's forms, made when the file was read.
    sort_key: str = ""
    search_text: str = ""

    def member(self) -> Member:
        return Member(
            pk=self.member_id,
            organization=self.unit,
            sort_key=self.sort_key,
            search_text=self.search_text,
            **self.values,
        )

    def audit_changes(self) -> dict[str, list]:
        """The changes of the audit entry; a new member's are only made when written."""
        if self.member_id is not None:
            return self.changes
        changes = {key: [None, _plain(self.values[key])] for key in EDITABLE}
        changes["organization"] = [None, self.unit.name]
        return changes


@dataclass
class CheckResult:
    outcomes: list[RowOutcome] = field(default_factory=list)
    writes: list[PlannedWrite] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def rejected(self) -> int:
        return self.counts[REJECT]


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return format_date(value)
    if key == "gender":
        return str(Gender(value).label)
    if key == "status":
        return str(MemberStatus(value).label)
    return str(value)


def _units_by_code(user, codes: set[str]) -> dict[str, Organization]:
    """Units the user may manage members in, by upper-cased code; others stay unknown."""
    found: dict[str, Organization] = {}
    spellings = sorted(codes | {code.upper() for code in codes})
    for start in range(0, len(spellings), BATCH):
        units = (
            policy.organizations_for(user, Action.MANAGE_MEMBERS)
            .filter(code__in=spellings[start : start + BATCH])
            .select_related("level")
        )
        found.update({unit.code.upper(): unit for unit in units})
    return found


def _one_of(values: list, db_type: str) -> Any:
    """The right side of an `__in` lookup: on PostgreSQL one array parameter rather than
    one parameter per value, which costs the driver more than the query costs the server."""
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{db_type}[])", (values,))
    return values


def _members_by_card(user, cards: list[str]) -> dict[str, dict]:
    known = {
        row["card_number"]: row
        for row in Member.objects.filter(card_number__in=_one_of(cards, "text")).values(
            "pk", "card_number", *COMPARED, "organization_id", "organization__name", "left_on"
        )
    }
    if not known:  # all new cards, the common case: nothing more to ask
        return known
    pks = [row["pk"] for row in known.values()]
    in_scope = set(
        policy.members_for(user, Action.MANAGE_MEMBERS)
        .filter(pk__in=_one_of(pks, "bigint"))
        .values_list("pk", flat=True)
    )
    last_moves = dict(
        Transfer.objects.filter(member_id__in=_one_of(list(in_scope), "bigint"))
        .order_by()
        .values("member_id")
        .annotate(last=Max("transferred_on"))
        .values_list("member_id", "last")
    )
    for row in known.values():
        row["in_scope"] = row["pk"] in in_scope
        row["last_move"] = last_moves.get(row["pk"])
    return known


class _Checker:
    def __init__(self, organization: Organization, user, today: dt.date):
        self.organization = organization
        self.user = user
        self.today = today
        self.rows_by_card: dict[str, list[int]] = defaultdict(list)
        self.units: dict[str, Organization] = {}
        self.known: dict[str, dict] = {}
        self.unit_details: dict[int, str] = {}

    def prepare(self, rows: list[RosterRow]) -> None:
        codes: set[str] = set()
        for row in rows:
            if row.values["card_number"] and "card_number" not in row.errors:
                self.rows_by_card[row.values["card_number"]].append(row.number)
            if row.values["unit_code"] and "unit_code" not in row.errors:
                codes.add(row.values["unit_code"])
        self.units = _units_by_code(self.user, codes)

    def look_up(self, rows: list[RosterRow]) -> None:
        cards = [row.values["card_number"] for row in rows if row.values["card_number"]]
        self.known = _members_by_card(self.user, cards)

    def decide(self, row: RosterRow) -> tuple[RowOutcome, PlannedWrite | None]:
        values, errors = row.values, dict(row.errors)
        card = values["card_number"] or ""
        unit = self._unit(values["unit_code"], errors)
        member = self._member(row, card, errors)
        problems = member_problems(
            {**{key: values[key] for key in COMPARED if key not in errors}, "organization": unit},
            self.today,
        )
        for key, message in problems.items():
            column = "unit_code" if key == "organization" else key
            errors.setdefault(column, message)
        if member and unit and unit.pk != member["organization_id"] and not errors:
            self._check_move(member, errors)
        name = values["full_name"] or row.raw_name
        if errors:
            reasons = [_reason(row.number, key, errors[key]) for key in HEADERS if key in errors]
            return RowOutcome(row.number, card, name, REJECT, reasons), None
        return self._plan(row, card, name, unit, member)

    def _unit(self, code: str | None, errors: dict[str, str]) -> Organization | None:
        if not code or "unit_code" in errors:
            return None
        unit = self.units.get(code.upper())
        if unit is None:
            # The same words for a unit that does not exist and one the user may not
            # see, so that a file cannot be used to probe for other provinces' codes.
            errors["unit_code"] = _(
                'Mã chi bộ "%(code)s" không có trong hệ thống hoặc ngoài phạm vi quản lý của bạn.'
            ) % {"code": code}
            return None
        if not unit.path.startswith(self.organization.path):
            errors["unit_code"] = _(
                "Chi bộ “%(name)s” ngoài phạm vi đơn vị “%(unit)s” đang nhập danh sách."
            ) % {"name": unit.name, "unit": self.organization.name}
            return None
        return unit

    def _member(self, row: RosterRow, card: str, errors: dict[str, str]) -> dict | None:
        if not card or "card_number" in errors:
            return None
        numbers = self.rows_by_card[card]
        if len(numbers) > 1:
            others = [n for n in numbers if n != row.number]
            errors["card_number"] = _('Số thẻ "%(card)s" trùng với dòng %(rows)s.') % {
                "card": card,
                "rows": ", ".join(str(n) for n in others),
            }
            return None
        member = self.known.get(card)
        if member is None:
            return None
        if not member["in_scope"]:
            errors["card_number"] = _(
                'Số thẻ "%(card)s" đã thuộc về một đảng viên ngoài phạm vi quản lý của bạn.'
            ) % {"card": card}
            return None
        if member["left_on"] is not None:
            errors["card_number"] = _(
                'Số thẻ "%(card)s" là của đảng viên đã thôi sinh hoạt từ %(day)s; '
                "không nhập lại bằng tệp được."
            ) % {"card": card, "day": format_date(member["left_on"])}
            return None
        return member

    def _check_move(self, member: dict, errors: dict[str, str]) -> None:
        # The rules of members.services.member_transfer, for a transfer dated today.
        if member["last_move"] and member["last_move"] > self.today:
            errors["unit_code"] = _(
                "Đảng viên có lần chuyển sinh hoạt ngày %(day)s, sau ngày hôm nay."
            ) % {"day": format_date(member["last_move"])}

    def _plan(
        self, row: RosterRow, card: str, name: str, unit: Organization, member: dict | None
    ) -> tuple[RowOutcome, PlannedWrite | None]:
        values = {key: row.values[key] for key in EDITABLE}
        derived = {
            "sort_key": row.sort_key,
            "search_text": search_text(row.folded_name, values["card_number"]),
        }
        if member is None:
            detail = self.unit_details.get(unit.pk)
            if detail is None:
                detail = _("Chi bộ: %(name)s") % {"name": unit.name}
                self.unit_details[unit.pk] = detail
            plan = PlannedWrite(row.number, None, values, unit, None, {}, [], **derived)
            return RowOutcome(row.number, card, name, CREATE, [detail]), plan
        fields = [key for key in COMPARED if values[key] != member[key]]
        changes = {key: [_plain(member[key]), _plain(values[key])] for key in fields}
        details = [
            f"{HEADERS[key]}: {_shown(key, member[key])} → {_shown(key, values[key])}"
            for key in fields
        ]
        moved = unit.pk != member["organization_id"]
        if moved:
            fields.append("organization")
            changes["organization"] = [member["organization__name"], unit.name]
            details.append(
                _("Chuyển sinh hoạt: %(old)s → %(new)s")
                % {"old": member["organization__name"], "new": unit.name}
            )
        if not fields:
            return RowOutcome(row.number, card, name, UNCHANGED, []), None
        if "full_name" in fields:
            fields += ["sort_key", "search_text"]
        plan = PlannedWrite(
            row.number,
            member["pk"],
            values,
            unit,
            member["organization_id"] if moved else None,
            changes,
            fields,
            **derived,
        )
        return RowOutcome(row.number, card, name, UPDATE, details), plan


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def check_rows(
    rows: list[RosterRow],
    organization: Organization,
    user,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> CheckResult:
    """What importing `rows` into `organization`'s subtree as `user` would do, row by row.

    Reads the database in batches of BATCH card numbers; writes nothing.
    """
    report = progress or _silent
    checker = _Checker(organization, user, today or timezone.localdate())
    checker.prepare(rows)
    result = CheckResult()
    total = len(rows)
    for start in range(0, total, BATCH):
        batch = rows[start : start + BATCH]
        checker.look_up(batch)
        for done, row in enumerate(batch, start=start + 1):
            outcome, plan = checker.decide(row)
            result.outcomes.append(outcome)
            result.counts[outcome.action] += 1
            if plan is not None:
                result.writes.append(plan)
            if done % PROGRESS_EVERY == 0:
                report("check", done, total)
    report("check", total, total)
    return result


def check_roster(
    path: Path, organization: Organization, user, progress: Progress | None = None
) -> CheckResult:
    return check_rows(read_roster(path, progress), organization, user, progress)


# --- Storage ------------------------------------------------------------------------


FOLDER = "rosters"


def store_upload(chunks: Iterable[bytes], kind: str) -> str:
    """Save an upload under a random name outside any web root; returns the stored path."""
    return store_private(chunks, FOLDER, kind)


def stored_file(stored_path: str) -> Path:
    """The file behind a RosterImport.stored_path; only ever inside the roster folder."""
    path = private_file(stored_path, FOLDER)
    if path is None:
        raise RosterError(_("Không còn tệp đã tải lên; hãy tải tệp lên lại."))
    return path


# --- The empty template -------------------------------------------------------------

EXAMPLE = (
    "012345",
    "Nguyễn Thị Hoa",
    "Nữ",
    dt.date(1990, 8, 15),
    "Chính thức",
    dt.date(2015, 2, 3),
    dt.date(2016, 2, 3),
    "HN-PBD-CB03",
)


def _notes() -> list[str]:
    return [
        _("Cách điền danh sách đảng viên"),
        _("Điền ở trang “Danh sách”: mỗi dòng một đảng viên; giữ nguyên dòng tiêu đề."),
        _("Số thẻ đảng viên: nếu số thẻ đã có trong hệ thống, thông tin sẽ được cập nhật."),
        _("Giới tính: Nam hoặc Nữ."),
        _("Ngày: dạng dd/mm/yyyy, ví dụ 15/08/1990."),
        _("Trạng thái: Chính thức, Dự bị hoặc Miễn sinh hoạt."),
        _("Ngày chính thức: để trống với đảng viên dự bị."),
        _(
            "Mã chi bộ: mã đơn vị trong hệ thống; ghi mã chi bộ khác với hiện tại "
            "là chuyển sinh hoạt đảng viên sang chi bộ đó."
        ),
        _(
            "Hệ thống kiểm tra cả tệp trước khi nhập. Chỉ khi không còn dòng nào bị từ chối "
            "mới nhập được, và nhập tất cả trong một lần."
        ),
        _("Ví dụ:"),
    ]


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append([column.header for column in COLUMNS])
    sheet.freeze_panes = "A2"
    last_row = MAX_ROWS + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.key in DATE_COLUMNS:
            dimension.number_format = "DD/MM/YYYY"
        elif column.key == "card_number":
            dimension.number_format = "@"  # text, so leading zeros survive
    for key, choices in (("gender", "Nam,Nữ"), ("status", "Chính thức,Dự bị,Miễn sinh hoạt")):
        letter = get_column_letter([c.key for c in COLUMNS].index(key) + 1)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)

    guide = workbook.create_sheet("Hướng dẫn")
    notes = _notes()
    for note in notes:
        guide.append([note])
    guide.cell(row=1, column=1).font = Font(bold=True)
    guide.append([column.header for column in COLUMNS])
    header_row = guide.max_row
    guide.append(list(EXAMPLE))
    for index, column in enumerate(COLUMNS, start=1):
        guide.cell(row=header_row, column=index).font = Font(bold=True)
        guide.column_dimensions[get_column_letter(index)].width = column.width
        if column.key in DATE_COLUMNS:
            guide.cell(row=header_row + 1, column=index).number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow([column.header for column in COLUMNS])
    # The BOM is what makes Excel on Windows read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
