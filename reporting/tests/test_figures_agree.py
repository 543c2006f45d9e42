"""Every place a figure is stated says the same as the roll-up: for a randomly built
campaign (cells, members with exempt ones among them, attendance marks, guests, learning
reports on time and late, ratings, copied reports), the news draft, the dashboard's
sentences and table, the roll-up page, the roll-up API and the report's DOCX, XLSX and
PDF all state the counts and rates that `campaign_rollup` and `report_rollup` give."""

import datetime as dt
import io
import random
import re
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import ApiToken, Role, RoleGrant, User
from conferences import services as conferences
from conferences.models import Status
from conferences.rollup import campaign_rollup
from conferences.tests.builders import conference_for
from conftest import add_member, add_unit
from members.models import MemberStatus
from news.drafting import draft_for
from organizations.models import Organization
from reporting import services
from reporting.exporters import exporter_for
from reporting.models import Kind
from reports import services as reports
from reports.models import Decision, Report
from reports.rollup import report_rollup
from reports.tests.builders import essay, submit
from vn.formats import percent

pytestmark = pytest.mark.django_db

NUM = r"[0-9]{1,3}(?:\.[0-9]{3})*"
RATE = rf"{NUM},[0-9]{{2}}"
STATEMENTS = {
    ("attended", "required", "attended_rate"): (
        rf"({NUM})/({NUM}) đảng viên phải học tập đã tham dự, đạt ({RATE})%"
    ),
    ("cells_held", "cells"): rf"Có ({NUM})/({NUM}) chi bộ đã tổ chức hội nghị",
    ("encouraged",): rf"({NUM}) đảng viên được miễn sinh hoạt tự nguyện tham dự",
    ("guests",): rf"({NUM}) đại biểu khách mời",
    ("absent", "absent_excused", "absent_unexcused", "made_up"): (
        rf"Vắng mặt ({NUM}) đồng chí \(({NUM}) có lý do, ({NUM}) không lý do\); "
        rf"đã học bù ({NUM}) đồng chí"
    ),
    ("submitted", "required", "submitted_rate", "on_time", "late", "missing"): (
        rf"Có ({NUM})/({NUM}) đảng viên đã nộp bài thu hoạch, đạt ({RATE})% \(({NUM}) bài "
        rf"đúng hạn, ({NUM}) bài nộp muộn\); còn ({NUM}) đảng viên chưa nộp"
    ),
    ("rated",): rf"Đã đánh giá ({NUM}) bài thu hoạch",
    ("flagged",): rf"Có ({NUM}) bài thu hoạch nghi sao chép",
}


def _number(text: str):
    if "," in text:
        return Decimal(text.replace(".", "").replace(",", "."))
    return int(text.replace(".", ""))


def stated(text: str) -> dict:
    """The figures a text states, each read once; a figure stated twice must agree."""
    text = " ".join(text.split())
    found: dict = {}
    for keys, pattern in STATEMENTS.items():
        for match in re.finditer(pattern, text):
            for key, value in zip(keys, match.groups(), strict=True):
                value = _number(value)
                assert found.setdefault(key, value) == value, (key, found[key], value)
    if "Chưa phát hiện bài thu hoạch nào nghi sao chép" in text:
        assert found.setdefault("flagged", 0) == 0
    for rating, n in re.findall(rf"(Đạt|Không đạt): ({NUM}) bài", text):
        found[f"rating:{rating}"] = _number(n)
    return found


def _expected(campaign, unit) -> dict:
    """What the one roll-up says."""
    attendance = campaign_rollup(campaign, unit).total
    learning = report_rollup(campaign, unit).total
    counts = attendance.counts
    out = {
        "attended": attendance.attended,
        "required": attendance.required,
        "attended_rate": percent(attendance.attended, attendance.required),
        "cells": attendance.cells,
        "cells_held": attendance.cells_held,
        "encouraged": counts["encouraged"],
        "guests": counts["guests"],
        "absent": attendance.absent,
        "absent_excused": counts["absent_excused"],
        "absent_unexcused": counts["absent_unexcused"],
        "made_up": counts["made_up"],
        "submitted": learning.counts["submitted"],
        "submitted_rate": percent(learning.counts["submitted"], learning.required),
        "on_time": learning.counts["on_time"],
        "late": learning.counts["late"],
        "missing": learning.missing,
        "rated": learning.counts["rated"],
        "flagged": learning.counts["flagged"],
        **{f"rating:{name}": n for name, n in learning.ratings.items()},
    }
    assert learning.required == attendance.required  # one notion of "required"
    return out


def _agrees(source: str, found: dict, expected: dict, *, must: tuple[str, ...]) -> None:
    missing = [key for key in must if key not in found]
    assert not missing, (source, missing, found)
    wrong = {key: (value, expected[key]) for key, value in found.items() if expected[key] != value}
    assert not wrong, (source, wrong)


def _build(world, campaign, seed: int):
    """A ward of two to four cells under the city, its conference ten days ago, and
    what its members did; the marker is the ward's committee."""
    rng = random.Random(seed)
    campaign.exempt_required = rng.random() < 0.3
    campaign.save(update_fields=["exempt_required"])
    ward = add_unit(world.city, "Đảng bộ phường Định Long", "HNA-DL", "ĐU", "ĐU")
    committee = User.objects.create_user("bithu_dinhlong", password="pw")
    RoleGrant.objects.create(user=committee, organization=ward, role=Role.COMMITTEE)
    members = []
    for number in range(rng.randint(2, 4)):
        cell = add_unit(ward, f"Chi bộ khu phố {number + 1}", f"HNA-DL-{number}", "CB", "CB")
        for person in range(rng.randint(3, 8)):
            status = MemberStatus.EXEMPT if rng.random() < 0.2 else MemberStatus.OFFICIAL
            card = f"7{seed:02d}{number}{person:02d}"
            members.append(add_member(cell, f"Đảng viên {card}", card, status))
    ward.refresh_from_db()
    conference = conference_for(
        world,
        campaign,
        organizer=ward,
        title="Hội nghị học tập Nghị quyết số 23-NQ/TU",
        starts_at=timezone.now() - dt.timedelta(days=10),
    )
    hall = conference.bridge_points.get(is_main=True)
    statuses = [Status.PRESENT] * 6 + [Status.LEFT_EARLY, Status.ABSENT_EXCUSED]
    statuses += [Status.ABSENT_UNEXCUSED, None]
    came = []
    for member in members:
        status = rng.choice(statuses)
        if status is None:
            continue
        reason = "Ốm" if status == Status.ABSENT_EXCUSED else ""
        conferences.attendance_mark(committee, hall, member, status, reason=reason)
        if status in (Status.PRESENT, Status.LEFT_EARLY):
            came.append(member)
    conferences.guests_set(committee, hall, rng.randint(0, 12))
    # Reports: most who came write one (late, ten days on, unless given an extension);
    # every third writer hands in the same text.
    writers = [m for m in members if m in came or rng.random() < 0.3]
    rng.shuffle(writers)
    copied = [essay(seed * 100 + 1, 260), essay(seed * 100 + 2, 260)]
    for index, member in enumerate(writers):
        if rng.random() < 0.3:
            continue
        if rng.random() < 0.4:
            reports.extension_grant(
                committee,
                campaign,
                member=member,
                due=timezone.localdate() + dt.timedelta(days=3),
                reason="Đi công tác",
            )
        submit(world, campaign, member, copied if index % 3 == 0 else None, actor=committee)
    for report in Report.objects.filter(campaign=campaign, versions_count__gt=0):
        if rng.random() < 0.6:
            rating = rng.choice(campaign.rating_scale)
            reports.review(committee, report, Decision.RATE, rating=rating)
    return ward, conference, committee


def _pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def _xlsx_total(data: bytes) -> dict:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Biểu thống kê"]
    rows = list(sheet.iter_rows(values_only=True))
    labels = next(row for row in rows if row[0] == "STT")
    total = next(row for row in rows if row[1] == "Tổng cộng")
    return dict(zip(labels, total, strict=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_statement_of_a_figure_agrees_with_the_rollup(world, campaign, client, seed):
    ward, conference, committee = _build(world, campaign, seed)
    expected = _expected(campaign, ward)
    core = ("attended", "required", "attended_rate")

    news_body = draft_for(conference).body
    news = stated(news_body)
    _agrees("news", news, expected, must=core)
    if expected["encouraged"]:
        assert news["encouraged"] == expected["encouraged"]

    client.force_login(committee)
    dashboard = client.get(reverse("reporting:dashboard", args=[campaign.pk]), {"unit": ward.pk})
    phrases = re.search(r'id="phrases">(.*?)</ul>', dashboard.content.decode(), re.S)[1]
    sentences = stated(re.sub(r"<[^>]+>", " ", phrases))
    study = (*core, "cells_held", "cells", "submitted", "submitted_rate", "missing", "flagged")
    _agrees("dashboard", sentences, expected, must=study)

    rollup_page = client.get(reverse("conferences:rollup", args=[campaign.pk]), {"unit": ward.pk})
    lead = re.search(r'<p class="lead">(.*?)</p>', rollup_page.content.decode(), re.S)[1]
    _agrees("roll-up page", stated(lead), expected, must=core)

    _token, raw = ApiToken.issue(committee, "kiểm tra")
    api = client.get(
        f"/api/v1/campaigns/{campaign.pk}/rollup",
        {"unit": ward.pk},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    ).json()
    total, learning = api["total"], api["reports"]["total"]
    from_api = {key: total[key] for key in ("attended", "required", "encouraged", "guests")}
    from_api |= {key: total[key] for key in ("absent_excused", "absent_unexcused", "cells")}
    from_api |= {key: learning[key] for key in ("submitted", "on_time", "late", "missing")}
    from_api |= {key: learning[key] for key in ("rated", "flagged")}
    from_api |= {f"rating:{k}": n for k, n in learning["ratings"].items()}
    if total["rate"] is not None:
        from_api["attended_rate"] = (Decimal(str(total["rate"])) * 100).quantize(Decimal("0.01"))
    _agrees("API", from_api, expected, must=("attended", "required", "attended_rate"))

    snapshot = services.snapshot_draft(
        committee,
        ward,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=timezone.localdate() - dt.timedelta(days=30),
        period_to=timezone.localdate(),
        title="Kết quả học tập, quán triệt Nghị quyết số 23-NQ/TU",
        place="Định Long",
    )
    names = list(Organization.objects.values_list("name", flat=True))
    for sentence in [*snapshot.figures["phrases"], *re.split(r"(?<=\.) ", news_body)]:
        assert all(sentence.count(name) <= 1 for name in names), sentence
    for fmt, read in (("docx", _docx), ("pdf", _pdf)):
        text = read(exporter_for(Kind.CAMPAIGN, fmt).build(snapshot, lambda done, all: None))
        _agrees(fmt, stated(text), expected, must=study)
    sheet = _xlsx_total(exporter_for(Kind.CAMPAIGN, "xlsx").build(snapshot, lambda d, a: None))
    columns = {
        "attended": "Đã dự học tập",
        "required": "Đảng viên phải học tập",
        "encouraged": "Miễn sinh hoạt tự nguyện dự",
        "cells": "Tổng số chi bộ",
        "cells_held": "Chi bộ đã tổ chức",
        "submitted": "Đã nộp bài thu hoạch",
        "on_time": "Nộp đúng hạn",
        "late": "Nộp muộn",
        "missing": "Chưa nộp",
        "rated": "Đã đánh giá",
        "flagged": "Nghi sao chép",
    }
    from_sheet = {key: sheet[label] for key, label in columns.items()}
    rate = sheet["Tỷ lệ dự (%)"]
    if rate != "—":
        from_sheet["attended_rate"] = Decimal(str(rate)).quantize(Decimal("0.01"))
    _agrees("xlsx", from_sheet, expected, must=tuple(columns))
