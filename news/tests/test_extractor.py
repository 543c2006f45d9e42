"""The news extractor: exact on the labelled samples, general on the genre, safe on junk.

The five labelled samples live in ``shared/samples/articles`` beside the repository; copies
are kept in ``fixtures/articles`` so that the suite runs on a clean checkout alone, and a
test checks that the copies have not drifted. ``fixtures/articles/extra.jsonl`` labels
articles written for this suite: a commune committee's online conference, a hybrid one,
an HTML page, a year-end review, and four texts that are not study events (a football
tournament, an English report, a Party badge ceremony, an opinion piece on conferences).
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news.extract.dates import infer_year
from news.extract.evaluation import load_labels, render, score
from news.extract.page import MAX_TEXT, read_page
from news.extract.resolutions import named_resolutions
from news.extract.topics import topics
from news.extractor import FIELDS, empty, extract

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "samples" / "articles"
SAMPLES = load_labels(FIXTURES / "gold.jsonl")
EXTRA = load_labels(FIXTURES / "extra.jsonl")


def _article(directory: Path, article_id: str) -> str:
    path = next(directory.glob(f"{article_id}.*"))
    return path.read_text(encoding="utf-8")


def _sample(article_id: str) -> str:
    # The shared samples are the reference when they are checked out beside the repository.
    directory = SHARED if (SHARED / f"{article_id}.txt").exists() else FIXTURES
    return _article(directory, article_id)


def _expected(label: dict) -> dict:
    return {name: label[name] for name in FIELDS}


# --- the labelled articles -------------------------------------------------------------------


@pytest.mark.parametrize("label", SAMPLES, ids=[label["id"] for label in SAMPLES])
def test_each_sample_article_is_extracted_exactly(label):
    got = extract(_sample(label["id"]))
    assert list(got) == list(FIELDS)
    assert got == _expected(label)


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/ is not checked out beside the repository")
def test_the_fixture_copies_are_the_shared_samples():
    shared = sorted(path.name for path in SHARED.glob("*.txt"))
    assert shared == sorted(path.name for path in FIXTURES.glob("0*.txt"))
    for name in shared:
        assert (FIXTURES / name).read_bytes() == (SHARED / name).read_bytes(), name
    assert load_labels(SHARED / "gold.jsonl") == SAMPLES


@pytest.mark.parametrize("label", EXTRA, ids=[label["id"] for label in EXTRA])
def test_each_article_of_the_genre_written_for_the_suite_is_extracted_exactly(label):
    assert extract(_article(FIXTURES, label["id"])) == _expected(label)


def test_the_records_are_json_with_exactly_the_agreed_keys():
    for label in SAMPLES + EXTRA:
        got = extract(_article(FIXTURES, label["id"]))
        assert list(json.loads(json.dumps(got))) == list(FIELDS)
        assert got["format"] in (None, "in_person", "online", "hybrid")
        assert all(isinstance(got[name], list) for name in ("documents", "topics"))


# --- inputs that are not an article ----------------------------------------------------------

ENGLISH = _article(FIXTURES, "104_english")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t\n ",
        None,
        ENGLISH,
        "Бюро ЦК провело конференцию по изучению резолюции 45-NQ/TW 18/12/2023.",
        "<<<<>>>><div><p></div></p><script>",
        "<html><body><nav><ul><li>Trang chủ</li></ul></nav></body></html>",
        bytes(range(256)) * 40,
        "Hội nghị",
        "chuyên đề “" * 1000,
        "Nghị quyết Đại hội " * 1000,
        "1/2-3/4.5/6 " * 1000,
    ],
    ids=[
        "empty",
        "blank",
        "none",
        "english",
        "russian",
        "broken-html",
        "menu-only",
        "binary",
        "one-word",
        "open-quotes",
        "repeated-phrase",
        "slashes",
    ],
)
def test_text_without_a_study_event_gives_the_empty_record(text):
    assert extract(text) == empty()


def test_html_entities_in_a_text_paste_are_read():
    text = _sample("000_ee68c997ca4f3780")
    escaped = text.replace("“", "&ldquo;").replace("”", "&rdquo;").replace("–", "&#8211;")
    assert extract(escaped) == extract(text)


def test_bytes_are_read_as_utf8():
    text = _sample("004_c0fa87fd435a18c9")
    assert extract(text.encode("utf-8")) == extract(text)


def test_a_10_mb_paste_is_cut_before_it_is_read():
    # Bounded work comes from the cut, not from a clock: the reader never passes on more
    # than MAX_TEXT characters, and the article at the top is still read whole.
    article = _sample("004_c0fa87fd435a18c9")
    huge = article + "\n" + ("Lượt xem: 503\nThống kê truy cập\n" + "x" * 998 + "\n") * 10_000
    assert len(huge) > 10_000_000
    assert len(read_page(huge).text) <= MAX_TEXT
    assert extract(huge) == extract(article)
    single_line = "Hội nghị học tập nghị quyết " * 400_000
    assert len(read_page(single_line).text) <= MAX_TEXT
    assert list(extract(single_line)) == list(FIELDS)
    assert list(extract("<div>" * 2_000_000)) == list(FIELDS)


# Pieces of the genre's sentences mixed with stray characters, in any order.
_PIECES = list("abcdđêôơưạảãàáĐÂHNQTUWXIV0123456789 .,;:/-–()“”\"'\n<>%") + [
    "Nghị quyết ", "Hội nghị ", "khóa ", "điểm cầu ", "đại biểu ", "chuyên đề ", "tổ chức ",
    "do ", "Đảng ủy xã ", "ngày ", "trực tuyến ", "năm 2023 ", "lần thứ ", "học tập ", "23-NQ/TU",
]  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=200).map("".join))
def test_any_text_gives_a_record_and_never_an_error(text):
    got = extract(text)
    assert list(got) == list(FIELDS)
    json.dumps(got)


# --- the page around the article -------------------------------------------------------------


def test_an_html_page_reads_like_its_text():
    text = _sample("000_ee68c997ca4f3780")
    title, *lines = [line for line in text.splitlines() if line.strip()]
    page = (
        "<!doctype html><html><head><title>Sở TN&amp;MT</title>"
        "<script>var x = '<p>Nghị quyết Trung ương 5 khóa XII</p>';</script></head><body>"
        "<nav><a href='/'>Trang chủ</a> <a href='/tin'>Tin tức hoạt động của Sở</a></nav>"
        f"<h1>{title}</h1>"
        + "".join(
            f"<p>{line.replace('“', '&ldquo;').replace('”', '&rdquo;')}</p>" for line in lines
        )
        + "<aside><h3>Tin liên quan</h3><a>Hội nghị quán triệt Chỉ thị 35-CT/TW</a></aside>"
        "</body></html>"
    )
    assert extract(page) == extract(text)


def test_headlines_after_tin_lien_quan_lend_nothing_to_the_article():
    article = _article(FIXTURES, "101_xa_tan_lap_tw10")
    got = extract(article)
    assert "05-CT/TW" not in got["documents"]
    assert got["named_resolutions"] == ["NQ TW10 khóa XIII"]
    page = read_page(article)
    assert not any("Tin liên quan" in line or "Đang online" in line for line in page.body)


def test_the_publication_line_is_found_in_its_usual_shapes():
    for line in [
        "27/12/2023",
        "Ngày đăng 10/05/2024 | 16:21  | Lượt xem: 503",
        "Thứ Năm, 21/12/2023 09:15 (GMT+7)",
        "Cập nhật lúc 10:20 ngày 21 tháng 12 năm 2023",
    ]:
        page = read_page(f"Tiêu đề bài viết về hội nghị học tập\n{line}\nNội dung.")
        assert page.published is not None and page.published.year in (2023, 2024), line


# --- fields ------------------------------------------------------------------------------


def _lead(sentence: str, published: str = "") -> dict:
    return extract(f"Đảng ủy xã An Khánh học tập Nghị quyết\n{published}\n{sentence}")


def test_a_day_without_its_year_takes_the_publication_year():
    lead = "Chiều ngày 18/12, Đảng ủy xã An Khánh tổ chức hội nghị học tập Nghị quyết."
    assert _lead(lead, "21/12/2020")["event_date"] == "2020-12-18"
    # Published early in January about a conference of late December.
    late = lead.replace("18/12", "28/12")
    assert _lead(late, "Ngày đăng 03/01/2024")["event_date"] == "2023-12-28"


def test_a_day_without_its_year_takes_the_year_of_the_round_s_documents():
    lead = (
        "Ngày 4/12, Đảng ủy xã An Khánh tổ chức hội nghị học tập Nghị quyết. "
        "Ban Tuyên giáo Tỉnh ủy ban hành Công văn số 1726-CV/BTGTU, ngày 01/12/2023 về "
        "viết thu hoạch; nộp bài trước ngày 11/12."
    )
    assert _lead(lead)["event_date"] == "2023-12-04"


def test_a_year_of_work_dates_the_conference_but_a_horizon_does_not():
    text = (
        "Chiều 28/12, Chi bộ A tổ chức hội nghị tổng kết công tác Đảng năm 2023, nhiệm vụ năm 2024."
    )
    assert infer_year(12, 28, published=None, text=text) == 2023
    text = "Sáng 10/1, Chi bộ A tổ chức hội nghị tổng kết năm 2023, triển khai nhiệm vụ năm 2024."
    assert infer_year(1, 10, published=None, text=text) == 2024
    horizon = "Mục tiêu đến năm 2030, tầm nhìn đến năm 2045; nhiệm kỳ 2020-2025."
    assert infer_year(12, 18, published=None, text=horizon) is None
    history = "Đảng thành lập năm 1930. Học tập chuyên đề năm 2024."
    assert infer_year(5, 19, published=None, text=history) == 2024


def test_a_document_s_date_or_a_deadline_is_not_the_day_of_the_conference():
    lead = (
        "Thực hiện Kế hoạch số 215-KH/HU ngày 05/11/2024 của Huyện ủy, sáng ngày 26/11/2024, "
        "Đảng ủy xã An Khánh tổ chức hội nghị học tập Nghị quyết."
    )
    assert _lead(lead)["event_date"] == "2024-11-26"
    lead = "Đảng viên nộp bài thu hoạch trước ngày 11/12/2023 sau hội nghị học tập Nghị quyết."
    assert _lead(lead)["event_date"] is None


def test_day_ranges_and_written_out_days():
    assert (
        _lead("Trong 2 ngày (18-19/12/2023), Đảng ủy Khối tổ chức lớp bồi dưỡng Nghị quyết.")[
            "event_date"
        ]
        == "2023-12-18"
    )
    assert (
        _lead("Ngày 18 tháng 12 năm 2023, Chi bộ A tổ chức hội nghị học tập Nghị quyết.")[
            "event_date"
        ]
        == "2023-12-18"
    )


def test_evening_and_weekday_leads():
    assert (
        _lead("Tối 18/12/2023, Đảng ủy xã A tổ chức hội nghị học tập Nghị quyết.")["event_date"]
        == "2023-12-18"
    )
    lead = "Sáng thứ Hai, 18-12, Đảng ủy xã A tổ chức hội nghị học tập Nghị quyết năm 2023."
    assert _lead(lead)["event_date"] == "2023-12-18"


def test_counts_drop_their_qualifiers_and_read_vietnamese_thousands():
    def people(sentence: str) -> int | None:
        return _lead(f"Ngày 9/5/2024, Quận ủy tổ chức hội nghị quán triệt Nghị quyết {sentence}")[
            "attendees"
        ]

    assert people("với trên gần 300 đại biểu tham dự.") == 300
    assert people("với 1.200 cán bộ, đảng viên tham dự.") == 1200
    assert people("có 45/47 đảng viên tham dự.") == 45
    assert people("với 100% đảng viên tham dự.") is None
    assert people("với hơn 1,44 triệu cán bộ, đảng viên tham dự.") == 1_440_000
    roll = "tại hội trường.\nĐảng bộ có 1.350 đảng viên.\nDự hội nghị có 120 đảng viên."
    assert people(roll) == 120


def test_absurd_numbers_are_no_counts():
    lead = "Ngày 9/5/2024, Quận ủy tổ chức hội nghị quán triệt Nghị quyết với {} đại biểu dự."
    assert _lead(lead.format("9" * 5000))["attendees"] is None
    assert _lead(lead.format("1.234.567.890"))["attendees"] is None
    assert _lead(lead.format("1.234.567"))["attendees"] == 1_234_567


def test_the_form_of_the_conference():
    def form(sentence: str) -> str:
        return _lead(f"Ngày 9/5/2024, Quận ủy tổ chức hội nghị quán triệt Nghị quyết {sentence}")[
            "format"
        ]

    assert form("tại hội trường.") == "in_person"
    assert form("theo hình thức trực tuyến.") == "online"
    assert form("tới 14 điểm cầu.") == "online"
    assert form("theo hình thức trực tiếp kết hợp trực tuyến.") == "hybrid"
    assert form("kết hợp trực tiếp với trực tuyến.") == "hybrid"
    assert form("trực tiếp tại hội trường và trực tuyến tới 21 điểm cầu.") == "hybrid"
    # "tác động trực tiếp" says nothing about the hall; a public service is not the meeting.
    assert form("trực tuyến; nghị quyết tác động trực tiếp đến đời sống.") == "online"
    assert form("và hướng dẫn dùng dịch vụ công trực tuyến.") == "in_person"


def test_the_organiser_is_the_convenor_as_written():
    def organiser(sentence: str) -> str | None:
        return extract(f"Tin hoạt động của cơ sở đảng\n{sentence}")["organizer"]

    assert (
        organiser(
            "Ngày 4/12, đảng viên Đảng bộ Văn phòng tham dự hội nghị toàn quốc học tập Nghị "
            "quyết do Bộ Chính trị, Ban Bí thư Trung ương Đảng tổ chức."
        )
        == "Bộ Chính trị, Ban Bí thư Trung ương Đảng"
    )
    assert (
        organiser(
            "Sáng 15/11, tại Hội trường UBND xã, Đảng ủy xã Tân Lập đã tổ chức hội nghị học tập "
            "Nghị quyết."
        )
        == "Đảng ủy xã Tân Lập"
    )
    assert (
        organiser(
            "Chiều 18-12, Ban Thường vụ Huyện ủy phối hợp với Trường Chính trị tỉnh tổ chức lớp "
            "bồi dưỡng, quán triệt Nghị quyết."
        )
        == "Ban Thường vụ Huyện ủy"
    )
    assert (
        organiser("Sáng 18/12, hội nghị học tập Nghị quyết được Đảng ủy phường Phú Thượng tổ chức.")
        == "Đảng ủy phường Phú Thượng"
    )


def test_named_resolutions_are_read_with_the_plenum_number_s_end_checked():
    # documents.names alone reads "ban hành" as plenum 3, "năm 2023" as 5, "về" as V.
    assert named_resolutions("các Nghị quyết Trung ương ban hành gần đây") == []
    assert named_resolutions("Nghị quyết Trung ương năm 2023") == []
    assert named_resolutions("Nghị quyết TW về công tác cán bộ") == []
    # …and needs "Trung ương" spelled out after "Ban Chấp hành".
    assert named_resolutions(
        "các Nghị quyết Hội nghị lần thứ 8 Ban Chấp hành TW Đảng khóa XIII"
    ) == ["NQ TW8 khóa XIII"]
    assert named_resolutions("NQ Hội nghị lần thứ 10 BCH T.Ư Đảng khóa XIII".replace(".", "")) == [
        "NQ TW10 khóa XIII"
    ]


def test_a_term_typo_is_read_as_the_term_in_progress():
    text = "Nghị quyết Trung ương 8 khóa XIII; thu hoạch Nghị quyết Hội nghị Trung ương 8 khóa III"
    assert named_resolutions(text, 2023) == ["NQ TW8 khóa XIII"]
    assert named_resolutions("Nghị quyết Trung ương 8 khóa III", 2023) == ["NQ TW8 khóa XIII"]
    # Term XIV had not begun in 2023: "khóa IV" is left as written.
    assert named_resolutions("Nghị quyết Trung ương 2 khóa IV", 2023) == ["NQ TW2 khóa IV"]
    # A mention without the term is the termed one of the same plenum.
    assert named_resolutions("Nghị quyết Trung ương 8 khóa XIII. Nghị quyết Trung ương 8") == [
        "NQ TW8 khóa XIII"
    ]


def test_congress_resolutions_need_the_congress_s_number():
    text = (
        "Nghị quyết Đại hội Đại biểu Đảng bộ TP Hà Nội lần thứ XVII; Nghị quyết Đại hội đại "
        "biểu lần thứ XVII (nhiệm kỳ 2020-2025) Đảng bộ thành phố Hà Nội; các mục tiêu Nghị "
        "quyết Đại hội đề ra."
    )
    assert named_resolutions(text) == ["NQ Đại hội Đảng bộ TP Hà Nội XVII"]
    assert named_resolutions("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng") == [
        "NQ Đại hội Đảng toàn quốc XIII"
    ]
    assert named_resolutions("Nghị quyết Đại hội Đảng bộ tỉnh Trà Vinh lần thứ XI") == [
        "NQ Đại hội Đảng bộ tỉnh Trà Vinh XI"
    ]


def test_only_titles_called_chuyen_de_are_topics():
    text = (
        "Đại hội với chủ đề “Gương mẫu xây dựng Đảng bộ”. Không để “đầu voi đuôi chuột”. "
        "Nghị quyết số 23-NQ/TU về “Tăng cường sự lãnh đạo của Đảng”. Các chuyên đề: "
        "“Chiến lược bảo vệ Tổ quốc”, “Tiếp tục đổi mới chính sách xã hội” và "
        '"Phát huy vai trò trí thức". Chuyên đề 4: Đại đoàn kết toàn dân tộc; chuyên đề về '
        "“Chiến lược bảo vệ Tổ quốc.”"
    )
    assert topics(text) == [
        "Chiến lược bảo vệ Tổ quốc",
        "Tiếp tục đổi mới chính sách xã hội",
        "Phát huy vai trò trí thức",
        "Đại đoàn kết toàn dân tộc",
    ]


# --- the commands --------------------------------------------------------------------------


def test_extract_article_prints_one_json_record_per_file():
    files = [str(FIXTURES / "004_c0fa87fd435a18c9.txt"), str(FIXTURES / "105_phuong_ba_dinh.html")]
    out = io.StringIO()
    call_command("extract_article", *files, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert all(list(record) == list(FIELDS) for record in records)
    assert records[0] == _expected(SAMPLES[4])
    assert records[1]["event_date"] == "2026-03-11"


def test_extract_article_reports_a_missing_file_after_the_others(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "extract_article",
            str(tmp_path / "missing.txt"),
            str(FIXTURES / "103_the_thao.txt"),
            stdout=out,
            stderr=err,
        )
    assert json.loads(out.getvalue()) == empty()
    assert "missing.txt" in err.getvalue()


def test_evaluate_extractor_prints_the_table_and_the_mismatches(tmp_path):
    out = io.StringIO()
    call_command(
        "evaluate_extractor", str(FIXTURES / "gold.jsonl"), "--articles", str(FIXTURES), stdout=out
    )
    report = out.getvalue()
    assert "| event_date | 5/5 |" in report
    assert "| documents | 5/5 | 1.00 | 1.00 | 1.00 |" in report
    assert "No mismatches." in report

    wrong = dict(SAMPLES[4], attendees=299, topics=["“Một chuyên đề khác.”"], id=SAMPLES[4]["id"])
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        json.dumps(wrong, ensure_ascii=False) + "\n" + json.dumps({"id": "absent"}) + "\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("evaluate_extractor", str(labels), "--articles", str(FIXTURES), stdout=out)
    report = out.getvalue()
    assert "not found: absent" in report
    assert "| attendees | 0/1 |" in report
    assert "| topics | 0/1 | 1.00 | 0.00 | 0.00 |" in report
    assert "- 004_c0fa87fd435a18c9 attendees: expected 299, got 300" in report
    assert 'missing ["“Một chuyên đề khác.”"], extra []' in report


def test_topics_are_compared_without_quotes_and_trailing_punctuation():
    label = dict(SAMPLES[0])
    label["topics"] = [f"“{topic}.”" for topic in label["topics"]]
    report = score([label], FIXTURES, extract)
    assert report.fields["topics"].f1 == 1.0
    assert "No mismatches." in render(report)


def test_evaluate_extractor_refuses_labels_that_are_not_jsonl(tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"id": "000_ee68c997ca4f3780"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CommandError, match="labels.jsonl:2"):
        call_command("evaluate_extractor", str(labels), "--articles", str(FIXTURES))
