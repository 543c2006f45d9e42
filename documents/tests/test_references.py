"""References written without a symbol resolve when the text names the issuer, and only then."""

import pytest

from documents.references import find_references, reference_keys, resolve_label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quán triệt Nghị quyết số 43 của Bộ Chính trị.", "43-NQ/TW"),
        ("Thực hiện Chỉ thị 42 của Bộ Chính trị.", "42-CT/TW"),
        ("Theo Kết luận số 14 của Ban Bí thư.", "14-KL/TW"),
        ("Nghị quyết 18 của Ban Chấp hành Trung ương.", "18-NQ/TW"),
        ("Triển khai Nghị quyết 93 của Chính phủ.", "93/NQ-CP"),
        ("Theo Quyết định 1234 của Thủ tướng Chính phủ.", "1234/QĐ-TTg"),
        ("Căn cứ Quyết định 2160 Bộ Y tế.", "2160/QĐ-BYT"),
        ("Căn cứ Quyết định số 88 của Bộ Giáo dục và Đào tạo.", "88/QĐ-BGDĐT"),
        ("Chương trình hành động số 27 của Tỉnh ủy Nghệ An.", "27-CTr/TU"),
        ("Tỉnh ủy Nghệ An ban hành Chương trình hành động số 27 để thực hiện.", "27-CTr/TU"),
        ("Nghị quyết số 05 ngày 12/3/2021 của Ban Thường vụ Thành ủy.", "05-NQ/TU"),
        ("Kế hoạch số 9 của Huyện ủy Tân Kỳ.", "09-KH/HU"),
        ("Thực hiện Nghị quyết số 05 năm 2021 của Ban Thường vụ Tỉnh ủy.", "05-NQ/TU"),
        ("Nghị quyết số 43 về phát huy truyền thống đại đoàn kết của Bộ Chính trị.", "43-NQ/TW"),
    ],
)
def test_a_reference_naming_its_issuer_resolves_to_the_canonical_symbol(text, expected):
    assert reference_keys(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Học tập Kết luận 61 trong toàn Đảng bộ.", "Kết luận số 61"),
        ("Sơ kết NQ 33 về văn hóa.", "Nghị quyết số 33"),
        ("Rà soát Chương trình hành động số 27.", "Chương trình hành động số 27"),
        # A decree's symbol needs its year; the National Assembly's its term.
        ("Thực hiện Nghị định 100 của Chính phủ.", "Nghị định số 100"),
        ("Thực hiện Nghị quyết 68 của Quốc hội.", "Nghị quyết số 68"),
    ],
)
def test_a_reference_without_its_issuer_keeps_its_number_and_type_only(text, expected):
    assert reference_keys(text) == [expected]


def test_a_reference_to_a_document_printed_elsewhere_in_the_text_is_not_listed_twice():
    text = "Nghị quyết số 57-NQ/TW của Bộ Chính trị. Sau đó, Nghị quyết 57 được phổ biến."
    assert reference_keys(text) == ["57-NQ/TW"]


def test_references_are_listed_in_order_of_first_mention_printed_or_not():
    text = "Kết luận 61, Chỉ thị 05-CT/TW và Nghị quyết 93 của Chính phủ."
    assert reference_keys(text) == ["Kết luận số 61", "05-CT/TW", "93/NQ-CP"]


@pytest.mark.parametrize(
    "text",
    [
        "Nghị quyết 2 năm qua đã đi vào cuộc sống.",
        "Hội nghị có 45 người dự.",
        "Nghị quyết số 43-NQ/TW.",  # printed: read once, as printed
    ],
)
def test_counts_and_printed_symbols_make_no_unprinted_reference(text):
    assert [r for r in find_references(text) if not r.printed] == []


def test_a_reference_says_how_sure_it_is_and_which_issuer_was_written():
    printed, named, bare = find_references(
        "Chỉ thị 05-CT/TW, Nghị quyết 93 của Chính phủ và Kết luận 61."
    )
    assert (printed.confidence, printed.printed) == (1.0, True)
    assert (named.issuer, named.confidence) == ("Chính phủ", 0.8)
    assert (bare.symbol, bare.confidence) == (None, 0.5)
    assert named.confidence > bare.confidence


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("NQ 33", "Nghị quyết số 33"),
        ("Kết luận 61", "Kết luận số 61"),
        ("ctr số 7", "Chương trình hành động số 07"),
        ("43-NQ/TW", None),
    ],
)
def test_labels_written_differently_compare_equal(written, label):
    assert resolve_label(written) == label
