"""The pages around an import: the template files, the upload form, progress."""

import io

from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from members import roster, tasks
from members.models import RosterImport
from members.tests.roster_files import HEADER, checked, csv_bytes, newcomer, status_url, xlsx


def test_the_xlsx_template_has_the_headers_in_bold_and_a_guide_with_an_example(world, client):
    client.force_login(world.clerk)
    response = client.get(reverse("members:import-template", kwargs={"fmt": "xlsx"}))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, guide = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= 20
    assert guide.title == "Hướng dẫn"
    values = [row for row in guide.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if list(row[:8]) == HEADER)
    example = values[header_at + 1]
    assert example[0] == "012345" and example[2] == "Nữ"
    assert len(values) == header_at + 2, "exactly one example row"


def test_the_template_filled_in_like_its_example_is_accepted(world, client):
    client.force_login(world.clerk)
    example = list(roster.EXAMPLE)
    example[-1] = "HNA-LH-KP2"
    record = checked(client, world.ward, xlsx([example]))
    assert record.rows[0]["action"] == "create", record.rows


def test_the_csv_template_starts_with_a_bom_for_excel(world, client):
    client.force_login(world.clerk)
    response = client.get(reverse("members:import-template", kwargs={"fmt": "csv"}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").strip() == ",".join(HEADER)


def test_templates_need_a_login_and_a_known_format(world, client):
    url = reverse("members:import-template", kwargs={"fmt": "xlsx"})
    assert url == "/members/import/template.xlsx"
    assert client.get(url).status_code == 302
    client.force_login(world.clerk)
    assert client.get("/members/import/template.pdf").status_code == 404
    client.force_login(world.member_user)
    assert client.get(url).status_code == 403


def test_the_upload_page_links_the_templates_and_lists_recent_imports(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([newcomer("030405", "Hoàng Thị Thủy")]))

    page = client.get(reverse("members:import", kwargs={"unit_pk": world.ward.pk})).content
    page = page.decode()

    assert reverse("members:import-template", kwargs={"fmt": "xlsx"}) in page
    assert reverse("members:import-template", kwargs={"fmt": "csv"}) in page
    assert 'enctype="multipart/form-data"' in page
    assert status_url(record) in page


def test_an_upload_is_stored_privately_under_a_random_name(world, client, settings):
    client.force_login(world.clerk)
    record = checked(client, world.ward, xlsx([newcomer("030405", "Thủy")]), "../../ds.xlsx")

    stored = roster.stored_file(record.stored_path)
    assert stored.parent == (settings.PRIVATE_MEDIA_ROOT / "rosters").resolve()
    assert "ds" not in stored.name and len(stored.stem) == 32
    assert record.original_name == "ds.xlsx"
    assert record.created_by == world.clerk


def test_a_running_import_shows_a_progress_bar_that_polls_itself(world, client):
    record = RosterImport.objects.create(
        organization=world.ward,
        original_name="ds.xlsx",
        stored_path="rosters/none.xlsx",
        state=RosterImport.State.APPLYING,
        created_by=world.clerk,
    )
    cache.set(tasks.progress_key(record.pk), {"done": 3000, "total": 12000, "phase": "write"})
    client.force_login(world.clerk)

    page = client.get(status_url(record)).content.decode()
    partial = client.get(status_url(record), HTTP_HX_REQUEST="true").content.decode()

    for html in (page, partial):
        assert '<progress class="progress" max="12000" value="3000">' in html
        assert 'hx-trigger="every 1s"' in html and 'hx-swap="outerHTML"' in html
        assert f'hx-get="{status_url(record)}"' in html
        assert "3.000/12.000 dòng" in html and "Đang ghi vào cơ sở dữ liệu" in html
    assert "<html" in page and "<html" not in partial


def test_a_finished_import_makes_the_polling_page_reload(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, csv_bytes([newcomer("030405", "Thủy")]), "ds.csv")

    response = client.get(status_url(record), HTTP_HX_REQUEST="true")

    assert response["HX-Refresh"] == "true"
    assert cache.get(tasks.progress_key(record.pk)) is None


def test_progress_is_reported_through_the_cache_every_thousand_rows(world, client, monkeypatch):
    reported = []

    class Spy:
        def set(self, key, value, *args, **kwargs):
            reported.append((key, value))
            return cache.set(key, value, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(cache, name)

    monkeypatch.setattr(tasks, "cache", Spy())
    client.force_login(world.clerk)
    rows = [newcomer(f"9{i:05d}", "Hoàng Thị Thủy") for i in range(2500)]

    record = checked(client, world.ward, csv_bytes(rows), "ds.csv")

    assert record.created_count == 2500
    assert {key for key, _value in reported} == {f"roster-import:{record.pk}:progress"}
    reported = [value for _key, value in reported]
    assert [(p["phase"], p["done"]) for p in reported] == [
        ("read", 1000),
        ("read", 2000),
        ("read", 2500),
        ("check", 1000),
        ("check", 2000),
        ("check", 2500),
    ]
    assert {p["total"] for p in reported if p["phase"] == "check"} == {2500}
