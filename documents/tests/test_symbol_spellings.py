"""Symbols written oddly are read to their regular, canonical spelling."""

import pytest

from documents.symbols import find_symbols, parse_symbol

ODD = [
    ("19-NQ-TW", "19-NQ/TW"),
    ("19 NQ-TW", "19-NQ/TW"),
    ("45 nq cp", "45/NQ-CP"),
    ("45 NQ CP", "45/NQ-CP"),
    ("12 ct tw", "12-CT/TW"),
    ("63 2019 qh14", "63/2019/QH14"),
    ("22-2021-TT-BGDĐT", "22/2021/TT-BGDĐT"),
    ("41-QĐ&#x002F;TW", "41-QĐ/TW"),
    ("41-QĐ&#47;TW", "41-QĐ/TW"),
    ("97 QĐ/TWĐTN", "97-QĐ/TWĐTN"),
    ("47/2015/TTLT/BTC-BNV", "47/2015/TTLT-BTC-BNV"),
    ("2310/BTTTT-PTTH&TTĐT", "2310/BTTTT-PTTH&TTĐT"),
    ("05-KH-HU", "05-KH/HU"),
]


@pytest.mark.parametrize(("written", "expected"), ODD)
def test_an_odd_spelling_parses_to_the_canonical_symbol(written, expected):
    assert parse_symbol(written).canonical == expected


@pytest.mark.parametrize(("written", "expected"), ODD)
def test_an_odd_spelling_is_found_in_a_sentence_with_its_text_as_written(written, expected):
    text = f"Thực hiện văn bản số {written} của cấp trên, đơn vị tổ chức hội nghị."
    [match] = find_symbols(text)
    assert match.symbol.canonical == expected
    assert text[match.start : match.end] == written


@pytest.mark.parametrize(
    "prose",
    [
        "Ngày 18-12-2023 đơn vị họp",
        "nhiệm kỳ 2020-2025-2030",
        "có 45 người dự",
        "giai đoạn 2021 - 2025",
        "45 nq abc chưa rõ",  # an issuer nobody knows, spaced out in lower case
        "khoảng 12 CT TNHH",
    ],
)
def test_prose_with_numbers_and_letters_reads_no_symbol(prose):
    assert find_symbols(prose) == []


def test_a_regular_symbol_wins_over_an_odd_reading_of_the_same_place():
    found = find_symbols("Nghị quyết số 43-NQ/TW ngày 24/11/2023")
    assert [m.symbol.canonical for m in found] == ["43-NQ/TW"]
