import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vn.text import fold, normalize

# Text heavy in Vietnamese letters, combining marks and whitespace, plus anything else.
VIETNAMESE_LIKE = st.text(
    st.one_of(
        st.sampled_from("aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐðÐƉqQhkn \t\n-'"),
        st.sampled_from("\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"),
        st.characters(),
    )
)


def test_normalize_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    assert decomposed != "Nguyễn Thị Hằng"
    assert normalize(decomposed) == "Nguyễn Thị Hằng"


def test_normalize_replaces_eth_lookalikes_with_d_stroke():
    assert normalize("\u00d0ảng \u0189oàn \u00f0ồng chí") == "Đảng Đoàn đồng chí"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("khoá", "khóa"),
        ("hoà", "hòa"),
        ("thuý", "thúy"),
        ("toạ", "tọa"),
        ("hoè", "hòe"),
        ("Thuỷ", "Thủy"),
        ("KHOÁ", "KHÓA"),
        ("Oà", "Òa"),
        ("Hoà Bình, Khánh Hoà.", "Hòa Bình, Khánh Hòa."),
        ("Thuỵ-Khuê", "Thụy-Khuê"),
    ],
)
def test_normalize_puts_the_tone_of_a_final_oa_oe_uy_on_the_first_vowel(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "word",
    ["hoàn", "khoán", "quyền", "tuyển", "khuya", "khuỷu", "ngoài", "hoạch", "quý", "Quỳ", "QUỸ"],
)
def test_normalize_leaves_clusters_that_do_not_end_the_syllable_alone(word):
    assert normalize(word) == word


def test_normalize_accepts_decomposed_old_style_tone_placement():
    assert normalize(unicodedata.normalize("NFD", "Thuỷ Hoà")) == "Thủy Hòa"


def test_normalize_collapses_and_strips_whitespace():
    assert normalize("  Chi bộ\t\tkhu  phố\n3 \u00a0") == "Chi bộ khu phố 3"


@given(VIETNAMESE_LIKE)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


def test_normalize_survives_lone_surrogates_and_empty_input():
    assert normalize("") == ""
    assert normalize("\ud800 hoá") == "\ud800 hóa"


def test_folding_removes_tone_marks_and_stroke_d():
    assert fold("Nguyễn Văn An") == "nguyen van an"
    assert fold("ĐẢNG BỘ") == "dang bo"
    assert fold("  Trường   Sư phạm ") == "truong su pham"


def test_folding_makes_old_and_new_tone_placement_equal():
    assert fold("Khánh Hoà") == fold("khánh hòa") == "khanh hoa"


@given(VIETNAMESE_LIKE)
def test_folding_never_raises_and_leaves_no_marks_or_capitals(text):
    folded = fold(text)
    assert folded == folded.strip()
    assert folded == folded.lower()
    assert "đ" not in folded
    assert not any(unicodedata.category(ch) == "Mn" for ch in unicodedata.normalize("NFD", folded))
    assert fold(folded) == folded


def test_aligned_folding_keeps_every_offset():
    from vn.text import fold_aligned

    text = "Nghị quyết số 23-NQ/TU  về ĐẢNG"
    folded = fold_aligned(text)
    assert folded == "nghi quyet so 23-nq/tu  ve dang"
    assert len(folded) == len(text)
    start = folded.index("quyet")
    assert text[start : start + 5] == "quyết"
