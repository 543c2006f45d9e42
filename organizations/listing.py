"""How lists of units read: open units in name order (a renamed unit sorts by its new
name); closed ones (giải thể, sáp nhập) only when the reader asks, with a count of how
many are hidden, so a roll-up's total still explains itself."""

from vn.text import natural_key


def shown_rows(rows: list, *, show_closed: bool, unit=lambda row: row.unit) -> tuple[list, int]:
    """(the rows to show, how many closed ones were left out)."""
    rows = sorted(rows, key=lambda row: natural_key(unit(row).name))
    if show_closed:
        return rows, 0
    shown = [row for row in rows if unit(row).is_open]
    return shown, len(rows) - len(shown)
