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
