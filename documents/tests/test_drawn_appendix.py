"""A Party document's landscape appendix is drawn straight into the PDF: every figure is
there and can be read back out, the heading row stands on top of every page, no row is
split between pages, pages are numbered on from the body, and the text is embedded in
Liberation Serif. Without the font files WeasyPrint sets the appendix as before."""

import io

import pytest
from pypdf import PdfReader

from documents import drawn_pages, layout

HEADINGS = ("STT", "Đơn vị", "Tổng số đảng viên", "Đã dự học tập", "Tỷ lệ dự (%)")


def _document(rows: int) -> layout.PartyDocument:
    L, P = layout.Line, layout.Paragraph
    table = layout.Table(
        headings=HEADINGS,
        rows=[
            [str(n), f"Chi bộ khu phố {n} phường Định Long", str(n * 7), str(n * 6), "85,71"]
            for n in range(1, rows + 1)
        ]
        + [["", "Tổng cộng", "35.599", "35.301", "99,16"]],
        aligns=("center", "left", "right", "right", "right"),
        widths_mm=(10, 120, 44, 44, 44),
        size=8,
        bold_last=True,
    )
    return layout.PartyDocument(
        title="Báo cáo",
        masthead=layout.Masthead(
            above=(),
            issuer=(L("ĐẢNG ỦY PHƯỜNG ĐỊNH LONG", bold=True),),
            symbol=L("Số 52-BC/ĐU"),
            subject=(),
            party=L("ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True, underline=True),
            date=(L("Định Long, ngày 05 tháng 6 năm 2026", italic=True),),
        ),
        body=[P("BÁO CÁO", "title"), P("Kết quả học tập nghị quyết", "subject")],
        signature=layout.Signature(("- Lưu VP.",), ("T/M ĐẢNG ỦY", "BÍ THƯ")),
        appendix=[
            P("BIỂU THỐNG KÊ KẾT QUẢ THEO ĐƠN VỊ TRỰC THUỘC", "title"),
            P("(Kèm theo Báo cáo số 52-BC/ĐU ngày 05/06/2026)", "period"),
            table,
        ],
    )


def _pages(data: bytes) -> list[list[str]]:
    return [
        [" ".join(line.split()) for line in page.extract_text().splitlines()]
        for page in PdfReader(io.BytesIO(data)).pages
    ]


def test_a_long_table_repeats_its_headings_and_keeps_each_row_whole():
    pages = _pages(layout.to_pdf(_document(120)))
    body, appendix = pages[:1], pages[1:]
    assert len(appendix) >= 3
    assert "BIỂU THỐNG KÊ KẾT QUẢ THEO ĐƠN VỊ TRỰC THUỘC" in appendix[0]
    found = []
    for number, lines in enumerate(appendix, len(body) + 1):
        assert lines[0] == str(number)  # numbered on from the body
        assert "STT Đơn vị Tổng số đảng viên Đã dự học tập Tỷ lệ dự (%)" in lines
        found += [line for line in lines if line.startswith(tuple("0123456789")) and " " in line]
    expected = [
        f"{n} Chi bộ khu phố {n} phường Định Long {n * 7} {n * 6} 85,71" for n in range(1, 121)
    ]
    assert found == expected  # every row once, whole, in order
    assert appendix[-1][-1] == "Tổng cộng 35.599 35.301 99,16"


def test_the_text_is_embedded_and_can_be_copied_out():
    reader = PdfReader(io.BytesIO(layout.to_pdf(_document(3))))
    fonts = reader.pages[-1]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] == "/Type0" and "/ToUnicode" in font
        descendant = font["/DescendantFonts"][0].get_object()
        assert "LiberationSerif" in descendant["/BaseFont"]
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert "Chi bộ khu phố 2 phường Định Long" in reader.pages[-1].extract_text()


def test_a_word_wider_than_its_cell_wraps_inside_it():
    font = drawn_pages.Drawing(layout.FONT_DIRS, 1).font()
    lines = drawn_pages.wrap("Ủy ban Kiểm tra Đảng ủy Khối Cơ quan - Doanh nghiệp", font, 8, 40)
    assert len(lines) > 1 and all(
        font.width(line, 8) <= 40 + 2 * drawn_pages.PAD[1] for line in lines
    )
    assert " ".join(lines) == "Ủy ban Kiểm tra Đảng ủy Khối Cơ quan - Doanh nghiệp"


def test_without_the_font_files_weasyprint_sets_the_appendix(monkeypatch):
    monkeypatch.setattr(layout, "FONT_DIRS", ("/nonexistent",))
    lines = [line for page in _pages(layout.to_pdf(_document(3))) for line in page]
    assert "BIỂU THỐNG KÊ KẾT QUẢ THEO ĐƠN VỊ TRỰC THUỘC" in lines
    assert any("Chi bộ khu phố 3 phường Định Long" in line for line in lines)


@pytest.fixture(autouse=True)
def _fonts():
    if drawn_pages.font_path(False, False, layout.FONT_DIRS) is None:
        pytest.skip("Liberation Serif không có ở máy này (apt-get install fonts-liberation2)")
