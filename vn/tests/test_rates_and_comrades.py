"""One rate for every figure, and a person named as Party writing names them."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vn.formats import format_percent, percent
from vn.names import comrade


def test_a_rate_rounds_half_away_from_zero_on_the_exact_fraction():
    assert percent(105, 115) == Decimal("91.30")
    assert percent(1, 32) == Decimal("3.13")  # 3.125: a float would round it to 3.12
    assert percent(0, 0) is None and percent(None, 3) is None


@given(st.integers(0, 10**7), st.integers(1, 10**7))
def test_the_rate_and_its_text_never_disagree(part, whole):
    text = format_percent(part, whole)
    assert (
        text
        == f"{percent(part, whole):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        + "%"
    )


@pytest.mark.parametrize(
    ("name", "title", "written"),
    [
        (
            "Đ/c Nguyễn Văn Hùng",
            "Bí thư Đảng ủy phường",
            "đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy phường",
        ),
        ("Đồng chí Trần Văn Tâm, Phó Trưởng Ban", "", "đồng chí Trần Văn Tâm, Phó Trưởng Ban"),
        ("", "Đồng chí Bí thư chi bộ", "đồng chí Bí thư chi bộ"),
        ("đồng chí đ/c. Lê Mai", "Bí thư", "đồng chí Lê Mai, Bí thư"),
        ("Nguyễn Đức Chính", "", "đồng chí Nguyễn Đức Chính"),
        ("", "", ""),
    ],
)
def test_a_person_is_called_comrade_exactly_once(name, title, written):
    assert comrade(name, title) == written
