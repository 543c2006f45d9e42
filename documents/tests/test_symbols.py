import unicodedata

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st

from documents.symbols import (
    MAX_NUMBER,
    PARTY_TYPE_NAMES,
    STATE_TYPE_NAMES,
    Symbol,
    canonical,
    find_symbols,
    parse_symbol,
)

# Written as in DOMAIN.md ("Document symbols") and in real news -> canonical form.
DOMAIN_VARIANTS = [
    ("23-NQ/TU", "23-NQ/TU"),
    ("45-NQ/TW", "45-NQ/TW"),
    ("30-CTr/TU", "30-CTr/TU"),
    ("1726-CV/BTGTU", "1726-CV/BTGTU"),
    ("09-KH/ĐU", "09-KH/ĐU"),
    ("89/QĐ-UBND", "89/QĐ-UBND"),
    ("571/QĐ-TTg", "571/QĐ-TTg"),
    ("1483/UBND-THNC", "1483/UBND-THNC"),
    ("30/2020/NĐ-CP", "30/2020/NĐ-CP"),
    ("339-QĐ/TW", "339-QĐ/TW"),
    ("36-HD/VPTW", "36-HD/VPTW"),
    ("30-Ctr/TU", "30-CTr/TU"),
    ("30-CTR/TU", "30-CTr/TU"),
    ("30-ctr/TU", "30-CTr/TU"),
    ("12-CTHĐ/TU", "12-CTr/TU"),
    ("45-NQ/TƯ", "45-NQ/TW"),
    ("23- NQ/TU", "23-NQ/TU"),
    ("15-NQ / TU", "15-NQ/TU"),
    ("700/CV-DVTU", "700/CV-DVTU"),
    ("12-QĐi/TW", "12-QĐ/TW"),
    ("05-TTR/TU", "05-TTr/TU"),
    ("03-KH/BTGDVTU", "03-KH/BTGDVTU"),
    ("12-HD/BTGTW", "12-HD/BTGTW"),
    ("07-HD/BTCTW", "07-HD/BTCTW"),
    ("21-TB/UBKTTU", "21-TB/UBKTTU"),
    ("40-CV/VPTU", "40-CV/VPTU"),
    ("118-TB/VPTW", "118-TB/VPTW"),
    ("06-CT/ĐUK", "06-CT/ĐUK"),
    ("14-NQ/HU", "14-NQ/HU"),
    ("15-KL/QU", "15-KL/QU"),
    ("02-BC/CB", "02-BC/CB"),
    ("08-ĐA/TU", "08-ĐA/TU"),
    ("11-QC/TU", "11-QC/TU"),
    ("09-TT/TW", "09-TT/TW"),
    ("20-BS/VPTW", "20-BS/VPTW"),
]


@pytest.mark.parametrize(("written", "expected"), DOMAIN_VARIANTS)
def test_canonical_writes_every_variant_of_domain_md_one_way(written, expected):
    assert canonical(written) == expected


@pytest.mark.parametrize(("written", "expected"), DOMAIN_VARIANTS)
def test_find_symbols_finds_every_variant_in_running_text(written, expected):
    text = f"Thực hiện văn bản số {written} ngày 18/12/2023 của cấp trên."
    [found] = find_symbols(text)
    assert found.symbol.canonical == expected
    assert text[found.start : found.end] == written == found.raw


@pytest.mark.parametrize(
    ("written", "number", "system", "doc_type", "issuer", "year"),
    [
        ("23-NQ/TU", 23, "party", "NQ", "TU", None),
        ("09-KH/ĐU", 9, "party", "KH", "ĐU", None),
        ("89/QĐ-UBND", 89, "state", "QĐ", "UBND", None),
        ("571/QĐ-TTg", 571, "state", "QĐ", "TTg", None),
        ("1483/UBND-THNC", 1483, "state", "", "UBND-THNC", None),
        ("30/2020/NĐ-CP", 30, "state", "NĐ", "CP", 2020),
        ("700/CV-DVTU", 700, "state", "CV", "DVTU", None),
    ],
)
def test_parse_symbol_splits_number_system_type_issuer_and_year(
    written, number, system, doc_type, issuer, year
):
    symbol = parse_symbol(written)
    assert (symbol.number, symbol.system, symbol.doc_type, symbol.issuer, symbol.year) == (
        number,
        system,
        doc_type,
        issuer,
        year,
    )


@pytest.mark.parametrize("written", ["9-KH/ĐU", "09-KH/ĐU", "009-KH/ĐU"])
def test_numbers_under_ten_carry_one_leading_zero(written):
    symbol = parse_symbol(written)
    assert symbol.number == 9
    assert symbol.canonical == "09-KH/ĐU"


def test_state_numbers_under_ten_carry_a_leading_zero_too():
    assert canonical("5/2020/TT-BNV") == "05/2020/TT-BNV"
    assert canonical("1/QĐ-UBND") == "01/QĐ-UBND"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Số: 23-NQ/TU", "23-NQ/TU"),
        ("số 23-NQ/TU", "23-NQ/TU"),
        ("SỐ 89/QĐ-UBND", "89/QĐ-UBND"),
        ("  (23-NQ/TU).  ", "23-NQ/TU"),
        ("“45-NQ/TW”", "45-NQ/TW"),
        ("23 – NQ/TU", "23-NQ/TU"),
        ("23—NQ/TU", "23-NQ/TU"),
        ("23\u2212NQ/TU", "23-NQ/TU"),
        ("23-nq/tu", "23-NQ/TU"),
        ("23-NQ/Tu", "23-NQ/TU"),
        ("03-NQ/\u00d0U", "03-NQ/ĐU"),
        ("03-Q\u00d0/TW", "03-QĐ/TW"),
        ("45-NQ/TU\u031b", "45-NQ/TW"),
        ("12-HD/BTGTƯ", "12-HD/BTGTW"),
        ("09-KH/DU", "09-KH/ĐU"),
        ("07-QD/TW", "07-QĐ/TW"),
        ("15-NQ\u00a0/\u00a0TU", "15-NQ/TU"),
        ("15-NQ   /   TU", "15-NQ/TU"),
        ("89/QĐ - UBND", "89/QĐ-UBND"),
        ("1206 /QĐ-HVTC", "1206/QĐ-HVTC"),
        ("77/2014/tt-btc", "77/2014/TT-BTC"),
        ("144/2004/ND-CP", "144/2004/NĐ-CP"),
        ("12/TTg-KGVX", "12/TTg-KGVX"),
        ("59/2020/QH14", "59/2020/QH14"),
        ("01-HD/BTGTW-BTCTW", "01-HD/BTGTW-BTCTW"),
    ],
)
def test_parse_symbol_is_lenient_about_how_a_symbol_is_typed(written, expected):
    assert canonical(written) == expected


def test_parse_symbol_reads_decomposed_unicode():
    assert canonical(unicodedata.normalize("NFD", "Số 45-NQ/TƯ")) == "45-NQ/TW"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "số",
        "18/12/2023",
        "7/2025",
        "11-13/10",
        "35.599/35.900",
        "18/18",
        "99,16%",
        "0912-345-678",
        "024/3825.1234",
        "24/7",
        "2020-2025",
        "covid -19",
        "và/hoặc",
        "Đ/c",
        "HĐND/UBND",
        "TN&MT",
        "10/QĐ",
        "23-NQ",
        "NQ/TU",
        "23-XY/TU",
        "23/ngày",
        "0-NQ/TU",
        "1234567-NQ/TU",
        "12/1850/NĐ-CP",
        "1483/UBND",
        "1483/UBND - THNC",
        "23-NQ/TU và 45-NQ/TW",
        "https://thanhuy.vn/23-NQ/TU",
    ],
)
def test_parse_symbol_returns_none_for_what_is_not_one_symbol(text):
    assert parse_symbol(text) is None
    assert canonical(text) is None


def test_party_qd_is_both_quy_dinh_and_quyet_dinh():
    symbol = parse_symbol("339-QĐ/TW")
    assert symbol.type_names == ("Quy định", "Quyết định")
    assert symbol.type_name == "Quy định / Quyết định"
    assert symbol.type_is_ambiguous


def test_the_old_qdi_is_read_as_the_party_qd():
    assert parse_symbol("57-QĐi/TW") == parse_symbol("57-QĐ/TW")


def test_state_qd_is_quyet_dinh_and_state_qyd_is_quy_dinh():
    assert parse_symbol("89/QĐ-UBND").type_names == ("Quyết định",)
    assert parse_symbol("12/QyĐ-UBND").type_name == "Quy định"
    assert not parse_symbol("89/QĐ-UBND").type_is_ambiguous


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("23-NQ/TU", "Nghị quyết"),
        ("30-CT/TU", "Chỉ thị"),
        ("15-KL/TW", "Kết luận"),
        ("09-KH/ĐU", "Kế hoạch"),
        ("30-CTr/TU", "Chương trình hành động"),
        ("12-CTHĐ/TU", "Chương trình hành động"),
        ("36-HD/VPTW", "Hướng dẫn"),
        ("1726-CV/BTGTU", "Công văn"),
        ("118-TB/VPTW", "Thông báo"),
        ("02-BC/CB", "Báo cáo"),
        ("08-ĐA/TU", "Đề án"),
        ("05-TTr/TU", "Tờ trình"),
        ("09-TT/TW", "Thông tri"),
        ("30/2020/NĐ-CP", "Nghị định"),
        ("05/2020/TT-BNV", "Thông tư"),
        ("1483/UBND-THNC", "Công văn"),
        ("59/2020/QH14", "Luật / Nghị quyết"),
    ],
)
def test_type_name_is_the_vietnamese_name_of_the_type(written, name):
    assert parse_symbol(written).type_name == name


def test_a_party_letter_with_state_punctuation_is_kept_as_written():
    symbol = parse_symbol("700/CV-DVTU")
    assert symbol.system == "state"
    assert symbol.canonical == "700/CV-DVTU"
    assert symbol.issued_by_party
    assert symbol.type_name == "Công văn"
    assert parse_symbol(symbol.canonical) == symbol
    assert symbol != parse_symbol("700-CV/DVTU")


def test_a_party_type_with_state_punctuation_keeps_its_party_name():
    assert parse_symbol("15/TT-TU").type_name == "Thông tri"
    assert parse_symbol("15/TT-BNV").type_name == "Thông tư"


def test_a_state_letter_has_no_type_and_keeps_issuer_and_drafting_unit():
    symbol = parse_symbol("1483/UBND-THNC")
    assert symbol.doc_type == ""
    assert symbol.issuer == "UBND-THNC"
    assert not symbol.issued_by_party


def test_issued_by_party_recognises_party_organ_codes():
    assert parse_symbol("45-NQ/TW").issued_by_party
    assert not parse_symbol("89/QĐ-UBND").issued_by_party
    assert not parse_symbol("571/QĐ-TTg").issued_by_party


def test_raw_keeps_the_written_form_and_takes_no_part_in_equality():
    symbol = parse_symbol("30-Ctr/TU")
    assert symbol.raw == "30-Ctr/TU"
    assert symbol == parse_symbol("30-CTr/TU")
    assert hash(symbol) == hash(parse_symbol("30-CTr/TU"))
    assert str(symbol) == "30-CTr/TU"


def test_the_constructor_canonicalises_its_fields():
    symbol = Symbol(30, "party", "Ctr", "tư")
    assert (symbol.doc_type, symbol.issuer, symbol.canonical) == ("CTr", "TW", "30-CTr/TW")


@pytest.mark.parametrize(
    "fields",
    [
        (0, "party", "NQ", "TU", None),
        (MAX_NUMBER + 1, "party", "NQ", "TU", None),
        (1, "church", "NQ", "TU", None),
        (1, "party", "XY", "TU", None),
        (1, "party", "NĐ", "CP", None),
        (1, "party", "NQ", "", None),
        (1, "party", "NQ", "T U", None),
        (1, "party", "NQ", "TU", 2020),
        (1, "state", "QĐ", "UBND", 1800),
        (1, "state", "", "UBND", None),
        (1, "state", "", "QĐ-UBND", None),
    ],
)
def test_the_constructor_rejects_what_is_not_a_symbol(fields):
    with pytest.raises(ValueError):
        Symbol(*fields)


# --- finding symbols in text -------------------------------------------------------------


def test_find_symbols_returns_matches_in_order_with_positions_in_the_original_text():
    text = "Nghị quyết số 23- NQ/TU, Chương trình số 30-Ctr/TU và Quyết định 89/QĐ-UBND."
    found = find_symbols(text)
    assert [m.symbol.canonical for m in found] == ["23-NQ/TU", "30-CTr/TU", "89/QĐ-UBND"]
    assert [text[m.start : m.end] for m in found] == ["23- NQ/TU", "30-Ctr/TU", "89/QĐ-UBND"]


def test_find_symbols_keeps_every_occurrence_of_a_repeated_symbol():
    found = find_symbols("23-NQ/TU ... lại nói 23-NQ/TU")
    assert [m.symbol.canonical for m in found] == ["23-NQ/TU", "23-NQ/TU"]


def test_find_symbols_positions_hold_in_decomposed_text():
    text = unicodedata.normalize("NFD", "Theo 45-NQ/TƯ của Ban Chấp hành")
    [found] = find_symbols(text)
    assert found.symbol.canonical == "45-NQ/TW"
    assert text[found.start : found.end] == found.raw


def test_find_symbols_reads_a_symbol_glued_to_the_word_so():
    [found] = find_symbols("Quyết định của Bộ Chính trị số31-QĐ/TW, ngày 01-10-1997")
    assert found.symbol.canonical == "31-QĐ/TW"


def test_find_symbols_stops_a_letter_at_a_spaced_dash():
    [found] = find_symbols("Luật 59/2020/QH14 - UBND tỉnh triển khai")
    assert found.raw == "59/2020/QH14"


@pytest.mark.parametrize(
    "text",
    [
        "Chiều ngày 18/12/2023, ngày 4/12 và 04/12; tháng 7/2025.",
        "378 lớp, 35.599/35.900 đảng viên, đạt 99,16%; 18/18 đảng bộ trực thuộc",
        "Đại hội diễn ra từ ngày 11-13/10, nhiệm kỳ 2020-2025, dịch covid -19.",
        "Gọi 0912-345-678 hoặc 024/3825.1234, trực 24/7, lúc 7h30.",
        "Đ/c Hoàng Thanh Oai, Sở TN&MT, HĐND/UBND, và/hoặc, Ban Chấp hành T.W Đảng.",
        "Xem https://thanhuy.hanoi.gov.vn/van-ban?so=23-NQ/TU và www.x.vn/?q=45-NQ/TW",
        "Đường dẫn /van-ban/23-NQ/TU, mã A23-NQ/TU, v.23-NQ/TU, 1.23-NQ/TU",
        "Ngày 2023-12-04, tỷ lệ 1/2, 3/4 số xã, 10/QĐ chưa ghi cơ quan ban hành.",
        "Số 93 / T TIN TỨC - SỰ KIỆN, 15/KP, phòng 201/B",
    ],
)
def test_find_symbols_ignores_dates_fractions_phones_urls_and_words_around_slashes(text):
    assert find_symbols(text) == []


def test_find_symbols_still_reads_a_symbol_right_after_a_url():
    found = find_symbols("Nguồn: https://tuyengiao.vn/bai-viet 23-NQ/TU")
    assert [m.symbol.canonical for m in found] == ["23-NQ/TU"]


# --- properties ----------------------------------------------------------------------------

ISSUERS = st.from_regex(r"[A-ZĐ]{1,8}[0-9]{0,2}(-[A-ZĐ]{1,6}){0,2}", fullmatch=True)


@st.composite
def symbols(draw):
    system = draw(st.sampled_from(["party", "state"]))
    if system == "party":
        doc_type, year = draw(st.sampled_from(sorted(PARTY_TYPE_NAMES))), None
    else:
        doc_type = draw(st.sampled_from(sorted({*STATE_TYPE_NAMES, *PARTY_TYPE_NAMES})))
        year = draw(st.none() | st.integers(1945, 2099))
    number = draw(st.integers(1, MAX_NUMBER))
    try:
        return Symbol(number, system, doc_type, draw(ISSUERS), year)
    except ValueError:
        reject()


@given(symbols())
def test_parse_of_canonical_gives_the_symbol_back(symbol):
    assert parse_symbol(symbol.canonical) == symbol
    assert canonical(symbol.canonical) == symbol.canonical


@given(symbols())
def test_find_symbols_finds_any_valid_symbol_in_a_sentence(symbol):
    text = f"Thực hiện văn bản số {symbol.canonical}, ngày 18/12/2023."
    [found] = find_symbols(text)
    assert found.symbol == symbol
    assert text[found.start : found.end] == symbol.canonical


@given(
    st.integers(1, 9999),
    st.sampled_from(["NQ", "Ctr", "CTHĐ", "qđ", "KH"]),
    st.sampled_from(["TU", "TƯ", "ĐU", "\u00d0U", "BTGTU"]),
    st.sampled_from(["-", "- ", " -", "–", "—", " – "]),
    st.sampled_from(["/", " /", "/ ", " / "]),
)
def test_party_symbols_read_the_same_however_spaced_and_dashed(number, type_, issuer, dash, slash):
    written = f"{number}{dash}{type_}{slash}{issuer}"
    assert parse_symbol(written) == parse_symbol(f"{number}-{type_}/{issuer}")
    [found] = find_symbols(f"Văn bản {written} của cấp ủy")
    assert found.raw == written


# Text rich in the characters symbols are made of, plus anything else.
SYMBOLISH = st.text(
    st.one_of(
        st.sampled_from("0123456789-–/ .,:NQTUWĐƯđưÐðCrVKHiLBSPgh\u031b\u00a0\n"),
        st.characters(),
    )
)


@given(st.one_of(st.text(), SYMBOLISH))
def test_parse_symbol_never_raises(text):
    parse_symbol(text)
    canonical(text)


@given(st.one_of(st.text(), SYMBOLISH))
def test_find_symbols_never_raises_and_its_matches_are_ordered_slices_that_parse_back(text):
    found = find_symbols(text)
    previous_end = 0
    for match in found:
        assert previous_end <= match.start < match.end <= len(text)
        assert text[match.start : match.end] == match.raw
        assert parse_symbol(match.raw) == match.symbol
        previous_end = match.end
