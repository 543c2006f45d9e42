import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conferences import services as conferences
from conferences.models import Status
from conftest import add_unit
from reporting import services
from reporting.models import File, Kind
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _held(world, conference):
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    conferences.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm"
    )


def _issue(actor, snapshot):
    services.snapshot_edit(
        actor, snapshot, limitations="Còn chi bộ chậm.", directions="Đôn đốc học bù."
    )
    return services.snapshot_issue(actor, snapshot)


def _draft(world, campaign, **extra):
    fields = {
        "kind": Kind.CAMPAIGN,
        "campaign": extra.pop("campaign", campaign),
        "period_from": TODAY() - dt.timedelta(days=30),
        "period_to": TODAY(),
        "title": "Kết quả học tập, quán triệt Nghị quyết số 23-NQ/TU",
        "place": "Hà Nam",
        **extra,
    }
    return services.snapshot_draft(world.propaganda, world.city, **fields)


def test_figures_and_phrasing_of_a_campaign_report(world, campaign, conference):
    _held(world, conference)
    submit(world, campaign, world.an)
    snapshot = _draft(world, campaign)
    total = snapshot.figures["total"]
    assert (total["required"], total["attended"], total["submitted"]) == (3, 1, 1)
    phrases = snapshot.figures["phrases"]
    assert (
        "Có 1/3 chi bộ đã tổ chức hội nghị học tập, quán triệt; 1/3 đảng viên phải học tập "
        "đã tham dự, đạt 33,33%." in phrases
    )
    assert "Có 0/2 đơn vị trực thuộc đã tổ chức hội nghị ở tất cả các chi bộ." in phrases
    assert any(p.startswith("Có 1/3 đảng viên đã nộp bài thu hoạch, đạt 33,33%") for p in phrases)
    rows = {r["unit"]["name"]: r for r in snapshot.figures["rows"]}
    assert rows["Đảng bộ phường Lam Hạ"]["attended"] == 1


def test_an_issued_report_does_not_change_and_the_next_one_compares(world, campaign, conference):
    first = _draft(world, campaign, period_to=TODAY() - dt.timedelta(days=1))
    _issue(world.propaganda, first)
    _held(world, conference)
    first.refresh_from_db()
    assert first.figures["total"]["attended"] == 0
    with pytest.raises(Exception, match="đã ban hành"):
        services.snapshot_refresh(world.propaganda, first)
    second = _draft(world, campaign)
    assert second.figures["total"]["attended"] == 1
    assert services.previous_of(second) == first


def test_a_period_with_no_data_is_still_a_correct_report(world):
    from programmes.tests.builders import document_for

    document = document_for(world)
    snapshot = services.snapshot_draft(
        world.clerk,
        world.city,
        kind=Kind.SIX_MONTH,
        document=document,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 6, 30),
        title="Sơ kết 6 tháng thực hiện Chương trình 30-CTr/TU",
        place="Hà Nam",
    )
    assert snapshot.figures["total"]["tasks"] == 0 and snapshot.figures["phrases"] == []
    for fmt in ("docx", "xlsx", "pdf"):
        from reporting.exporters import exporter_for

        assert exporter_for(Kind.SIX_MONTH, fmt).build(snapshot, lambda d, t: None)


def test_bad_requests_for_a_report_are_refused(world, campaign):
    with pytest.raises(Exception, match="đợt học tập"):
        _draft(world, None)
    with pytest.raises(Exception, match="sau ngày đầu kỳ"):
        _draft(world, campaign, period_to=TODAY() - dt.timedelta(days=40))
    with pytest.raises(Exception, match="không được"):
        services.snapshot_draft(
            world.outsider,
            world.city,
            kind=Kind.CAMPAIGN,
            campaign=campaign,
            period_from=TODAY(),
            period_to=TODAY(),
            title="x",
            place="y",
        )


def test_units_below_answer_and_the_level_above_aggregates_them(world, campaign, conference):
    asked = services.request_create(
        world.propaganda,
        world.city,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=TODAY() - dt.timedelta(days=30),
        period_to=TODAY(),
        due_on=TODAY(),
    )
    status = {s["unit"].code: s for s in services.request_status(asked)}
    assert not status["HNA-LH"]["issued"]
    _held(world, conference)
    answer = services.snapshot_draft(
        world.secretary, world.ward, request=asked, title="Báo cáo của phường", place="Lam Hạ"
    )
    _issue(world.secretary, answer)
    # Later marks do not reach the city's report through the ward's issued figures.
    conferences.attendance_mark(
        world.secretary, conference.bridge_points.get(), world.binh, Status.PRESENT
    )
    city = services.snapshot_draft(
        world.propaganda,
        world.city,
        request=None,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=asked.period_from,
        period_to=asked.period_to,
        title="Thành phố",
        place="Hà Nam",
    )
    assert city.figures["total"]["attended"] == 2  # live, no request
    summary = services.snapshot_draft(
        world.propaganda, world.city, request=asked, title="Tổng hợp", place="Hà Nam"
    )
    aggregated = summary.figures
    rows = {r["unit"]["code"]: r for r in aggregated["rows"]}
    assert rows["HNA-LH"]["reported"] is True and rows["HNA-LH"]["attended"] == 1
    assert rows["HNA-TT"]["reported"] is False
    assert aggregated["total"]["attended"] == 1
    with pytest.raises(Exception, match="không gửi tới"):
        services.snapshot_draft(
            world.clerk, world.commune_cell, request=asked, title="x", place="y"
        )
    assert {s["unit"].code: s["issued"] for s in services.request_status(asked)}["HNA-LH"]


def _text_of_pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_docx_xlsx_and_pdf_carry_the_report(world, campaign, conference, client):
    add_unit(
        world.city,
        '=HYPERLINK("http://x") Chi bộ Ấp Đồng Nhựt ằẳẵặ ỗộờởỡợ ừửữự ỳỷỹỵ',
        "HNA-X",
        "CB",
        "CB",
    )
    _held(world, conference)
    snapshot = _draft(world, campaign, symbol="15-BC/TU", signer="Nguyễn Thị Thủy")
    client.force_login(world.propaganda)
    url = reverse("reporting:detail", args=[snapshot.pk])
    payloads = {}
    for fmt in ("docx", "xlsx", "pdf"):
        answer = client.post(url, {"action": fmt})
        item = File.objects.get(format=fmt)
        assert answer.url == reverse("reporting:file", args=[item.pk]) and item.state == "done"
        download = client.get(reverse("reporting:file-download", args=[item.pk]))
        payloads[fmt] = b"".join(download.streaming_content)
    document = docx.Document(io.BytesIO(payloads["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells and "15-BC/TU" in cells
    assert "1/3 đảng viên phải học tập đã tham dự, đạt 33,33%." in text
    assert "Nguyễn Thị Thủy" in cells
    sheet = openpyxl.load_workbook(io.BytesIO(payloads["xlsx"])).active
    names = [sheet.cell(row=r, column=2).value for r in range(7, sheet.max_row + 1)]
    assert "Đảng bộ phường Lam Hạ" in names and "Tổng cộng" in names
    hostile = next(n for n in names if n and "HYPERLINK" in n)
    assert not hostile.startswith("=")
    total_row = names.index("Tổng cộng") + 7
    assert sheet.cell(row=total_row, column=5).value == 1  # attended
    pdf = " ".join(_text_of_pdf(payloads["pdf"]).split())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in pdf
    assert "BÁO CÁO Kết quả học tập, quán triệt Nghị quyết số 23-NQ/TU" in pdf
    assert "1/3 đảng viên phải học tập đã tham dự, đạt 33,33%." in pdf
    assert "ằẳẵặ ỗộờởỡợ ừửữự ỳỷỹỵ" in pdf
    client.force_login(world.outsider)
    assert (
        client.get(reverse("reporting:file-download", args=[File.objects.first().pk])).status_code
        == 404
    )


def test_dashboard_drills_down_and_counts_queries_that_do_not_grow(
    world, campaign, conference, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import add_member

    _held(world, conference)
    client.force_login(world.propaganda)
    url = reverse("reporting:dashboard", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "<svg" in page and f"?unit={world.ward.pk}" in page
    assert not __import__("re").search(r'(x|width)="[0-9]+,', page)  # SVG needs dot decimals
    assert reverse("conferences:absentees", args=[campaign.pk]) in page
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(20):
        add_member(world.cell2, f"Thành viên {n}", f"0700{n:02d}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
    ward = client.get(url + f"?unit={world.ward.pk}").content.decode()
    assert "Chi bộ khu phố 1" in ward
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
