"""Text written to spreadsheets, safe from formula injection.

A member's name, a reason for absence or a unit name is typed by users. Written as it is,
"=HYPERLINK(...)" or "@SUM(...)" becomes a formula when the file is opened (openpyxl itself
stores any string starting with "=" as one), and a formula can leak data or launch
programs. Every exported text goes through `cell_safe`, which makes such a value plain text
by prefixing an apostrophe; `cell_plain` undoes that when the file comes back.
"""

from typing import Any

# What spreadsheet programs read as the start of a formula, with the full-width forms that
# some input methods type and that Excel also accepts.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def cell_safe(value: Any) -> Any:
    """`value` ready for a cell: text that could start a formula gets a leading
    apostrophe; numbers, dates and None pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_plain(value: Any) -> Any:
    """The text `cell_safe` was given, for a value read back from an exported file."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
