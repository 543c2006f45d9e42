"""Reading a roster parses each distinct value of a column once; the rows read are those
each line gives alone, and the check's plan carries the name forms member_derive makes."""

import datetime as dt
import unicodedata

from members.models import Member
from members.roster import check_rows, read_roster
from members.services import member_derive
from members.tests.roster_files import AN, changed, csv_bytes, newcomer, xlsx

THUY = "Hoàng Thị Thủy"
LINES = [
    newcomer("030405", THUY),
    newcomer("030406", unicodedata.normalize("NFD", THUY.lower())),
    changed(newcomer("030407", "hoàng  thị THUỶ"), gender="NAM", born=dt.date(1990, 2, 3)),
    changed(newcomer("030408", THUY), born="31/02/1990", gender="Nu"),
    changed(newcomer("030409", THUY), born="31/02/1990", status="không rõ"),
    changed(newcomer(30410, "Lê Văn Bốn"), full_name=""),
    [None] * 8,
    changed(AN, card="01 02 03x", unit="hna-lh-kp1"),
    changed(newcomer("030411", "Lê Văn Bốn"), admitted=dt.datetime(2024, 9, 2)),
]


def _read(tmp_path, name: str, content: bytes) -> list[tuple]:
    path = tmp_path / name
    path.write_bytes(content)
    return [
        (row.values, row.errors, row.raw_name, row.sort_key, row.folded_name)
        for row in read_roster(path)
    ]


def test_each_line_reads_the_same_in_a_file_of_repeated_values_as_alone(tmp_path):
    together = _read(tmp_path, "all.xlsx", xlsx(LINES))

    alone = []
    for n, line in enumerate(LINES):
        if any(cell is not None for cell in line):
            alone += _read(tmp_path, f"{n}.xlsx", xlsx([line]))

    assert together == alone
    assert len({values["full_name"] for values, *_ in together[:5]}) == 1
    bad_date = together[3][1]["date_of_birth"]
    assert bad_date and together[4][1]["date_of_birth"] == bad_date
    assert together[3][0]["gender"] == "F" and "status" in together[4][1]


def test_a_csv_of_repeated_values_reads_as_the_same_workbook(tmp_path):
    lines = [
        [cell.strftime("%d/%m/%Y") if isinstance(cell, dt.date) else cell for cell in line]
        for line in LINES
    ]
    assert _read(tmp_path, "all.csv", csv_bytes(lines)) == _read(tmp_path, "all.xlsx", xlsx(lines))


def test_the_plan_carries_the_name_forms_member_derive_makes(world, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx([line for line in LINES[:3]] + [newcomer("ab-12 c", "đỗ  văn đức")]))

    result = check_rows(read_roster(path), world.ward, world.clerk)

    assert len(result.writes) == 4
    for plan in result.writes:
        derived = member_derive(Member(**plan.values))
        assert (plan.values["full_name"], plan.values["card_number"]) == (
            derived.full_name,
            derived.card_number,
        )
        assert (plan.sort_key, plan.search_text) == (derived.sort_key, derived.search_text)
    assert result.writes[3].search_text == " do van duc ab-12c"
