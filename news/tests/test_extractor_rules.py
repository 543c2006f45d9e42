"""The extractor's rules for study events, dates and organisers told in other ways.

Each case is a short text written for the rule it exercises; none comes from, or stands in
for, the labelled evaluation sets.
"""

import pytest

from news.extractor import extract, extract_reading

PUBLISHED = "Ngày đăng 05/12/2023\n"


def _read(title: str, lead: str, published: str = PUBLISHED) -> dict:
    return extract_reading(f"{title}\n{published}{lead}")


@pytest.mark.parametrize(
    ("title", "lead", "organiser"),
    [
        # A unit attending a national online conference that nobody in the text convenes.
        (
            "Đảng bộ phường Mai Lâm dự hội nghị toàn quốc",
            "Sáng 4/12, Đảng ủy phường Mai Lâm tham dự Hội nghị trực tuyến toàn quốc quán "
            "triệt Nghị quyết Hội nghị Trung ương 8 khóa XIII tại điểm cầu phường.",
            "Đảng ủy phường Mai Lâm",
        ),
        # A hospital's and a company's Party committee.
        (
            "Học tập nghị quyết ở bệnh viện",
            "Sáng 4-12, Đảng ủy Bệnh viện Đa khoa tỉnh tổ chức hội nghị học tập, quán triệt "
            "Nghị quyết số 43-NQ/TW.",
            "Đảng ủy Bệnh viện Đa khoa tỉnh",
        ),
        (
            "Quán triệt chỉ thị",
            "Ngày 4/12, Đảng ủy Công ty Cổ phần Than Hà Lầm tổ chức hội nghị quán triệt Chỉ "
            "thị 35 của Bộ Chính trị.",
            "Đảng ủy Công ty Cổ phần Than Hà Lầm",
        ),
        # "Sinh hoạt chính trị", "hội nghị báo cáo viên", "lớp bồi dưỡng".
        (
            "Chi bộ sinh hoạt chính trị",
            "Tối 4/12, Chi bộ khu phố 3 tổ chức buổi sinh hoạt chính trị về Nghị quyết số "
            "57-NQ/TW.",
            "Chi bộ khu phố 3",
        ),
        (
            "Hội nghị báo cáo viên tháng 12",
            "Sáng 4/12, Ban Tuyên giáo Tỉnh ủy tổ chức Hội nghị báo cáo viên tháng 12/2023.",
            "Ban Tuyên giáo Tỉnh ủy",
        ),
        (
            "Khai giảng lớp bồi dưỡng",
            "Sáng 4/12, Đảng ủy xã Yên Bình khai giảng lớp bồi dưỡng nhận thức về Đảng cho 45 "
            "quần chúng ưu tú.",
            "Đảng ủy xã Yên Bình",
        ),
        # Organisers named other ways: after "Thực hiện kế hoạch của …", abbreviated.
        (
            "Hội nghị học tập Nghị quyết 43",
            "Thực hiện kế hoạch của Ban Thường vụ Huyện ủy Tân Kỳ, sáng 4/12, hội nghị học "
            "tập, quán triệt Nghị quyết số 43-NQ/TW đã được tổ chức tại hội trường xã.",
            "Ban Thường vụ Huyện ủy Tân Kỳ",
        ),
        (
            "Đảng ủy Khối các cơ quan tỉnh tổ chức hội nghị học tập Nghị quyết số 43-NQ/TW",
            "Sáng 4/12, hội nghị học tập Nghị quyết số 43-NQ/TW đã diễn ra với 200 đảng viên.",
            "Đảng ủy Khối các cơ quan tỉnh",
        ),
        (
            "ĐU xã Gia Tân học tập nghị quyết",
            "Sáng 4/12, ĐU xã Gia Tân tổ chức hội nghị học tập Nghị quyết số 43-NQ/TW.",
            "ĐU xã Gia Tân",
        ),
    ],
)
def test_study_events_told_other_ways_are_read_with_their_day_and_organiser(title, lead, organiser):
    found = _read(title, lead)
    assert found["is_study_event"]
    assert found["event_date"] == "2023-12-04"
    assert found["organizer"] == organiser


@pytest.mark.parametrize(
    ("lead", "part"),
    [
        ("Ngày mùng 4 tháng 12, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết số "
         "43-NQ/TW.", None),
        ("Sáng mồng 4/12, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết số "
         "43-NQ/TW.", "morning"),
        ("Sáng thứ Hai vừa qua, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết số "
         "43-NQ/TW.", "morning"),
        ("Chiều thứ Hai (4/12), Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết số "
         "43-NQ/TW.", "afternoon"),
    ],
)  # fmt: skip
def test_days_written_other_ways(lead, part):
    # Published on Wednesday 6 December 2023: Monday is the 4th.
    found = _read("Học tập nghị quyết", lead, "Cập nhật: 10:20 | Thứ Tư, 06/12/2023\n")
    assert found["event_date"] == "2023-12-04"
    assert found["event_part_of_day"] == part


def test_a_weekday_counted_back_from_publication_is_flagged_as_less_sure():
    written = _read(
        "Đảng ủy xã Yên Bình học tập nghị quyết",
        "Sáng 4/12/2023, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết số 43-NQ/TW.",
    )
    counted = _read(
        "Đảng ủy xã Yên Bình học tập nghị quyết",
        "Sáng thứ Hai vừa qua, Đảng ủy xã Yên Bình tổ chức hội nghị học "
        "tập Nghị quyết số 43-NQ/TW.",
        "Ngày đăng 06/12/2023\n",
    )
    assert counted["event_date"] == "2023-12-04"
    assert counted["confidence"]["event_date"] < 0.7 < written["confidence"]["event_date"]


def test_the_year_only_in_the_dateline_dates_the_event():
    found = _read(
        "Học tập nghị quyết",
        "Sáng 4/12, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết số 43-NQ/TW.",
        "Cập nhật: 10:20 | 05/12/2023\n",
    )
    assert found["event_date"] == "2023-12-04"


@pytest.mark.parametrize(
    ("lead", "time"),
    [
        ("Lúc 14 giờ 30 ngày 4/12, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết.",
         "14:30"),
        ("Chiều 4/12, vào lúc 2 giờ, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết.",
         "14:00"),
        ("Chiều 4/12, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết trong 3 giờ.",
         None),
    ],
)  # fmt: skip
def test_an_hour_is_kept_only_when_the_text_gives_one(lead, time):
    assert _read("Học tập nghị quyết", lead)["event_time"] == time


def test_an_approximate_count_keeps_its_word():
    found = _read(
        "Học tập",
        "Sáng 4/12/2023, Đảng ủy xã Yên Bình tổ chức hội nghị học tập Nghị quyết số 43-NQ/TW "
        "với gần 300 đảng viên tham dự.",
    )
    assert (found["attendees"], found["attendees_qualifier"]) == (300, "gần")
    assert found["confidence"]["attendees"] < 0.7


@pytest.mark.parametrize(
    "text",
    [
        "Đảng ủy xã Yên Bình tổ chức giải bóng đá\n" + PUBLISHED
        + "Sáng 4/12, Đảng ủy xã Yên Bình tổ chức giải bóng đá chào mừng ngày thành lập Đảng.",
        "Hội nghị báo cáo viên cần đổi mới\n" + PUBLISHED
        + "Theo chúng tôi, báo cáo viên cần nắm chắc nghị quyết trước khi lên lớp.",
    ],
)  # fmt: skip
def test_near_misses_are_not_study_events(text):
    assert extract(text)["is_study_event"] is False
