import sqlite3
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vn.names import SORT_KEY_MAX_LENGTH, display_name, sort_key, split_name


def by_key(names):
    return sorted(names, key=sort_key)


@pytest.mark.parametrize(
    ("full_name", "parts"),
    [
        ("nguyễn văn an", ("Nguyễn", "Văn", "An")),
        ("  NGUYỄN   THỊ minh   KHAI ", ("Nguyễn", "Thị Minh", "Khai")),
        ("lê an", ("Lê", "", "An")),
        ("an", ("", "", "An")),
        ("", ("", "", "")),
    ],
)
def test_split_name_returns_family_middle_and_given_name(full_name, parts):
    assert split_name(full_name) == parts


def test_display_name_capitalizes_each_word_and_normalizes():
    assert display_name("  trần   THỊ thuý ") == "Trần Thị Thúy"
    assert display_name("\u00d0ỗ văn \u00f0ức") == "Đỗ Văn Đức"


def test_display_name_capitalizes_after_apostrophe_and_hyphen_in_minority_names():
    assert display_name("ksor h'luân") == "Ksor H'Luân"
    assert display_name("y-moan ÊNUÔL") == "Y-Moan Ênuôl"


def test_names_sort_by_given_name_with_its_tones_before_the_middle_name():
    names = [
        "Trần Thị Bình",
        "Nguyễn Văn An",
        "Lê Văn Anh",
        "Phạm Thị Ánh",
        "Hoàng Văn Ân",
        "Đỗ Thị Ấn",
        "Vũ Đức Đạt",
        "Bùi Văn Dũng",
    ]
    # an < anh < ánh < ân < ấn < bình < dũng < đạt: the given name, tones included,
    # decides before the middle name, so every "Anh" comes before every "Ánh".
    assert by_key(names) == [
        "Nguyễn Văn An",
        "Lê Văn Anh",
        "Phạm Thị Ánh",
        "Hoàng Văn Ân",
        "Đỗ Thị Ấn",
        "Trần Thị Bình",
        "Bùi Văn Dũng",
        "Vũ Đức Đạt",
    ]


def test_given_name_outranks_family_name():
    assert by_key(["Trần Văn Anh", "Trần Văn An", "Vũ Văn An"]) == [
        "Trần Văn An",
        "Vũ Văn An",
        "Trần Văn Anh",
    ]


def test_middle_name_outranks_family_name_and_absent_middle_name_comes_first():
    assert by_key(["An Văn Bình", "Bùi Thị Bình", "Cao Bình", "Bùi Thị Minh Bình"]) == [
        "Cao Bình",
        "Bùi Thị Bình",
        "Bùi Thị Minh Bình",
        "An Văn Bình",
    ]


def test_letters_with_marks_follow_their_plain_letter():
    given_names = ["Ơn", "Ôn", "Ư", "On", "Ăn", "Đan", "Ê", "Dung", "Ấn", "Uy", "An", "Em", "Vy"]
    expected = ["An", "Ăn", "Ấn", "Dung", "Đan", "Em", "Ê", "On", "Ôn", "Ơn", "Uy", "Ư", "Vy"]
    assert by_key(given_names) == expected


def test_foreign_letters_take_their_latin_places():
    assert by_key(["Zin", "Xuân", "Wang", "Kim", "Jun", "Ích", "Gấm", "Fan", "Êm"]) == [
        "Êm",
        "Fan",
        "Gấm",
        "Ích",
        "Jun",
        "Kim",
        "Wang",
        "Xuân",
        "Zin",
    ]


def test_tones_break_ties_in_order_ngang_huyen_hoi_nga_sac_nang():
    assert by_key(["Lê Mạ", "Lê Má", "Lê Mã", "Lê Mả", "Lê Mà", "Lê Ma"]) == [
        "Lê Ma",
        "Lê Mà",
        "Lê Mả",
        "Lê Mã",
        "Lê Má",
        "Lê Mạ",
    ]


def test_tones_of_the_given_name_count_before_tones_of_the_family_name():
    assert by_key(["Lã Ánh", "La Anh"]) == ["La Anh", "Lã Ánh"]
    assert by_key(["Lã Anh", "La Ánh"]) == ["Lã Anh", "La Ánh"]


def test_a_tone_on_the_given_name_outranks_a_different_middle_name():
    assert by_key(["An Thị Ánh", "An Văn Anh"]) == ["An Văn Anh", "An Thị Ánh"]


def test_sort_key_ignores_case_spacing_and_tone_placement_style():
    assert sort_key("nguyễn  THỊ thuỷ") == sort_key("Nguyễn Thị Thủy")


def test_decomposed_input_gives_the_same_key_as_composed():
    for name in ["Nguyễn Văn An", "Đặng Thị Ngọc Hường", "Võ Ưu Ấn"]:
        assert sort_key(unicodedata.normalize("NFD", name)) == sort_key(name)


def test_sort_key_drops_punctuation_consistently():
    assert sort_key("Ksor H'Luân") == sort_key("Ksor HLuân")
    assert sort_key("Nguyễn - Văn An") == sort_key("Nguyễn Văn An")


def test_sort_key_of_empty_name_sorts_first():
    assert sort_key("") < sort_key("A")
    assert sort_key("") == sort_key("  -- ")


def test_very_long_names_are_truncated_to_the_limit():
    key = sort_key("Nguyễn " + "Văn " * 100 + "An")
    assert len(key) == SORT_KEY_MAX_LENGTH
    assert key.startswith(sort_key("An")[:4])


NAMES = st.lists(
    st.sampled_from(["Nguyễn", "Văn", "Thị", "An", "Anh", "Ánh", "Ân", "Đạt", "Dũng", "Ơn", "Hà"]),
    max_size=5,
).map(" ".join)


@given(st.lists(NAMES, min_size=2, max_size=20))
def test_sqlite_binary_collation_orders_keys_like_python(names):
    keys = [sort_key(name) for name in names]
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE person (key TEXT COLLATE BINARY)")
        db.executemany("INSERT INTO person VALUES (?)", [(key,) for key in keys])
        ordered = [row[0] for row in db.execute("SELECT key FROM person ORDER BY key")]
    assert ordered == sorted(keys)


@given(st.text())
def test_sort_key_is_short_ascii_digits_for_any_text(text):
    key = sort_key(text)
    assert key.isascii()
    assert key.isdigit()
    assert len(key) <= SORT_KEY_MAX_LENGTH


@given(st.text())
def test_name_helpers_never_raise(text):
    family, middle, given_name = split_name(text)
    assert " ".join(p for p in (family, middle, given_name) if p) == display_name(text)
