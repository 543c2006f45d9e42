import pytest

from documents.names import NamedResolution, find_named_resolutions, roman


def test_a_plenum_resolution_is_read_in_its_usual_spellings():
    for text in [
        "Nghị quyết Hội nghị Trung ương 8 khóa XIII",
        "nghị quyết hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khóa XIII",
        "NQ TW8 khóa XIII",
        "Nghị quyết Trung ương 8 (khoá 13)",
    ]:
        assert find_named_resolutions(text) == [NamedResolution(8, 13)], text


def test_the_short_label_is_what_readers_write():
    assert NamedResolution(8, 13).label == "NQ TW8 khóa XIII"
    assert NamedResolution(4, None).label == "NQ TW4"
    assert roman(13) == "XIII" and roman(9) == "IX" and roman(14) == "XIV"


def test_repeats_collapse_and_order_is_kept():
    text = (
        "Học tập Nghị quyết Trung ương 4 khóa XII và Nghị quyết Trung ương 8 khóa XIII; "
        "NQ TW4 khóa XII."
    )
    assert find_named_resolutions(text) == [NamedResolution(4, 12), NamedResolution(8, 13)]


def test_text_without_a_plenum_resolution_finds_nothing():
    assert find_named_resolutions("Nghị quyết Đại hội Đảng bộ thành phố lần thứ XVII") == []
    assert find_named_resolutions("Hội nghị học tập chuyên đề năm 2024") == []
    assert find_named_resolutions("") == []


@pytest.mark.parametrize(
    "text",
    [
        "các Nghị quyết Trung ương ban hành",
        "Nghị quyết Trung ương năm 2023",
        "Nghị quyết TW về phát triển kinh tế",
        "Nghị quyết TW vừa qua",
    ],
)
def test_words_after_trung_uong_are_not_plenum_numbers(text):
    assert find_named_resolutions(text) == []


def test_ban_chap_hanh_tw_after_the_plenum_number():
    found = find_named_resolutions("Nghị quyết Hội nghị lần thứ 8 Ban Chấp hành TW Đảng khóa XIII")
    assert [r.label for r in found] == ["NQ TW8 khóa XIII"]
    found = find_named_resolutions("Nghị quyết Hội nghị lần thứ tư BCH Trung ương khóa XII")
    assert [r.label for r in found] == ["NQ TW4 khóa XII"]
