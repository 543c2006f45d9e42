import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from nghiquyet.spreadsheets import cell_plain, cell_safe


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"],
)
def test_text_that_could_start_a_formula_is_stored_as_plain_text(text):
    workbook = Workbook()
    workbook.active["A1"] = cell_safe(text)
    out = io.BytesIO()
    workbook.save(out)
    cell = load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert cell.data_type == "s" and cell.value == "'" + text
    assert cell_plain(cell.value) == text


@pytest.mark.parametrize(
    "value", ["Nguyễn Văn An", "010203", "'quoted", 42, -3.5, dt.date(2025, 1, 2), None]
)
def test_ordinary_values_pass_through_unchanged(value):
    assert cell_safe(value) == value
    assert cell_plain(value) == value
