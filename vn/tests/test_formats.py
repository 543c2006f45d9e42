from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Engine
from django.utils import timezone

from vn.formats import (
    format_date,
    format_datetime,
    format_decimal,
    format_int,
    format_percent,
    format_ratio,
    parse_date,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def render(template: str, **context) -> str:
    engine = Engine(libraries={"vn": "vn.templatetags.vn"})
    return engine.from_string("{% load vn %}" + template).render(Context(context))


def test_dates_are_written_day_month_year():
    assert format_date(date(2024, 3, 5)) == "05/03/2024"
    assert format_date(None) == ""


def test_aware_datetimes_are_shown_in_the_current_time_zone():
    late_evening_utc = datetime(2024, 12, 31, 20, 30, tzinfo=UTC)
    with timezone.override(HANOI):
        assert format_datetime(late_evening_utc) == "01/01/2025 03:30"
        assert format_date(late_evening_utc) == "01/01/2025"


def test_naive_datetimes_and_plain_dates_are_taken_as_they_are():
    assert format_datetime(datetime(2024, 1, 2, 7, 5)) == "02/01/2024 07:05"
    assert format_datetime(date(2024, 1, 2)) == "02/01/2024"
    assert format_datetime(None) == ""


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (35599, "35.599"),
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (-1234567, "-1.234.567"),
        (Decimal("2.5"), "3"),
        (None, ""),
    ],
)
def test_integers_use_dots_between_thousands(number, text):
    assert format_int(number) == text


@pytest.mark.parametrize(
    ("number", "places", "text"),
    [
        (7.3, 2, "7,30"),
        (1234.5, 2, "1.234,50"),
        (2.675, 2, "2,68"),
        (-0.125, 2, "-0,13"),
        (-0.001, 2, "0,00"),
        (Decimal("1234567.891"), 1, "1.234.567,9"),
        (0, 0, "0"),
        ("3.14159", 3, "3,142"),
        (None, 2, ""),
    ],
)
def test_decimals_use_a_comma_and_round_half_up(number, places, text):
    assert format_decimal(number, places) == text


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (35599, 35900, "99,16%"),
        (18, 18, "100,00%"),
        (2, 3, "66,67%"),
        (1, 8, "12,50%"),
        (0, 5, "0,00%"),
        (-1, 3, "-33,33%"),
        (5, 0, "—"),
        (None, 10, ""),
    ],
)
def test_percent_of_a_whole_keeps_two_decimals(part, whole, text):
    assert format_percent(part, whole) == text


def test_percent_without_whole_takes_the_value_as_percent():
    assert format_percent(99.164) == "99,16%"
    assert format_percent(100) == "100,00%"
    assert format_percent(Decimal("12.345"), places=1) == "12,3%"
    assert format_percent(1, 8, places=0) == "13%"


def test_ratio_shows_both_counts():
    assert format_ratio(35599, 35900) == "35.599/35.900"
    assert format_ratio(None, 5) == ""


def test_non_numbers_are_refused_in_vietnamese():
    with pytest.raises(ValueError, match="không phải là một số hợp lệ"):
        format_int("abc")
    with pytest.raises(ValueError, match="không phải là một số hợp lệ"):
        format_decimal(float("nan"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2024", date(2024, 12, 31)),
        ("1/2/2024", date(2024, 2, 1)),
        ("01-02-2024", date(2024, 2, 1)),
        ("01.02.2024", date(2024, 2, 1)),
        (" 29/02/2024 ", date(2024, 2, 29)),
        ("2024-02-01", date(2024, 2, 1)),
    ],
)
def test_parse_date_reads_day_first_and_iso_dates(text, expected):
    assert parse_date(text) == expected


def test_parse_date_passes_date_objects_through():
    assert parse_date(date(2024, 5, 6)) == date(2024, 5, 6)
    with timezone.override(HANOI):
        assert parse_date(datetime(2024, 5, 6, 20, 0, tzinfo=UTC)) == date(2024, 5, 7)


@pytest.mark.parametrize(
    "text",
    ["31/02/2020", "2020/13/01", "abc", "1/1/20", "29/02/2023", "01/02.2024", "", "0/1/2024"],
)
def test_parse_date_refuses_impossible_or_ambiguous_dates_in_vietnamese(text):
    with pytest.raises(ValueError, match="ngày|Ngày"):
        parse_date(text)


def test_parse_date_error_quotes_the_input():
    with pytest.raises(ValueError) as error:
        parse_date("31/02/2020")
    assert str(error.value) == 'Ngày "31/02/2020" không hợp lệ (định dạng dd/mm/yyyy).'


def test_parse_date_explains_that_two_digit_years_are_refused():
    with pytest.raises(ValueError, match="4 chữ số"):
        parse_date("1/1/20")


def test_template_filters_format_dates_and_numbers():
    with timezone.override(HANOI):
        html = render(
            "{{ d|vndate }} {{ dt|vndatetime }} {{ n|vnint }}",
            d=date(2024, 3, 5),
            dt=datetime(2024, 3, 5, 1, 0, tzinfo=UTC),
            n=35599,
        )
    assert html == "05/03/2024 05/03/2024 08:00 35.599"


def test_template_filters_format_percent_and_ratio():
    html = render(
        "{{ rate|vnpercent }} {{ part|vnpercent:whole }} {{ part|vnratio:whole }}",
        rate=99.164,
        part=35599,
        whole=35900,
    )
    assert html == "99,16% 99,16% 35.599/35.900"


def test_template_filters_render_nothing_for_missing_or_bad_values():
    html = render(
        "[{{ missing|vndate }}][{{ text|vnint }}]"
        "[{{ part|vnpercent:none }}][{{ part|vnpercent:0 }}]",
        text="abc",
        part=3,
        none=None,
    )
    assert html == "[][][][—]"


def test_template_filter_shows_a_share_between_zero_and_one_as_a_percentage():
    html = render("{{ a|vnshare }} {{ b|vnshare }} {{ c|vnshare }}", a=0.83, b=1, c=0.0049)
    assert html == "83,00% 100,00% 0,49%"
