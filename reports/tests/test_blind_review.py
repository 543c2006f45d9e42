"""In a campaign with blind review, nothing shown to a reviewer ties a report to a person.

The cast: Bình's report typed in for her by the ward secretary, An's own, and Cường's in
the commune, all three near copies of one text (so they pair up and form a group). The
city's propaganda officer and a pure reviewer of the ward look at them.
"""

import io
import re
import zipfile
from types import SimpleNamespace

import docx
import pytest
from django.urls import reverse

from accounts.models import ApiToken, Role, RoleGrant, User
from audit.models import AuditEntry
from reports import services
from reports.anonymity import Anonymity
from reports.models import Decision, Export
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db

AUTHORS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Quốc Cường", "010203", "010204", "020301")
CELLS = ("Chi bộ khu phố 1", "Chi bộ thôn Đồng Ao", "HNA-LH-KP1", "HNA-TT-DA")


@pytest.fixture
def blind(campaign):
    campaign.blind_review = True
    campaign.save(update_fields=["blind_review"])
    return campaign


@pytest.fixture
def reports(world, blind):
    text = [essay(300, 400), essay(301, 300)]
    return SimpleNamespace(
        binh=submit(world, blind, world.binh, text, actor=world.secretary).report,
        an=submit(world, blind, world.an, [text[0], text[1][:-30]]).report,
        cuong=submit(world, blind, world.cuong, [text[0], text[1][:-60]], actor=world.admin).report,
    )


@pytest.fixture
def reviewer(world):
    user = User.objects.create_user("chambai", password="pw")
    RoleGrant.objects.create(user=user, organization=world.ward, role=Role.REVIEWER)
    return user


def _leaks(html: str, world, *also: str) -> list[str]:
    """What in `html` names an author, their cell, or points at their cell."""
    found = [text for text in (*AUTHORS, *CELLS, *also) if text in html]
    cells = (world.cell, world.commune_cell)
    found += [f"unit={c.pk}" for c in cells if re.search(rf"unit={c.pk}\b", html)]
    return found


def _rows(html: str) -> str:
    return html.split("<tbody>")[-1].split("</tbody>")[0]


def _page(client, user, url) -> str:
    client.force_login(user)
    answer = client.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_list_shows_report_numbers_in_number_order_without_names_or_cells(
    world, blind, reports, reviewer, client
):
    for user, unit in ((world.propaganda, world.city), (reviewer, world.ward)):
        html = _page(client, user, reverse("reports:unit", args=[blind.pk]) + f"?unit={unit.pk}")
        rows = _rows(html)
        assert _leaks(rows, world) == []
        assert rows.index(f"Bài số {reports.binh.pk}") < rows.index(f"Bài số {reports.an.pk}")
        assert "<th>Chi bộ</th>" not in html


def test_a_list_narrowed_to_one_cell_lists_no_report(world, blind, reports, client):
    html = _page(
        client,
        world.propaganda,
        reverse("reports:unit", args=[blind.pk]) + f"?unit={world.cell.pk}",
    )
    assert "Bài số" not in html
    assert "chấm ẩn danh" in html and f"?unit={world.city.pk}" in html


def test_the_report_page_names_neither_author_nor_cell_nor_who_typed_it(
    world, blind, reports, client
):
    html = _page(client, world.propaganda, reverse("reports:detail", args=[reports.binh.pk]))
    assert _leaks(html, world, "bithu") == []
    assert f"Bài số {reports.binh.pk}" in html and "Nhập hộ" in html


def test_the_comparison_names_neither_report(world, blind, reports, reviewer, client):
    url = reverse("reports:compare", args=[reports.an.pk, reports.binh.pk])
    for user in (world.propaganda, reviewer):
        html = _page(client, user, url)
        assert _leaks(html, world) == []
        assert f"Bài số {reports.an.pk}" in html and f"Bài số {reports.binh.pk}" in html


def test_the_copies_page_names_no_author_in_pairs_or_groups(world, blind, reports, client):
    html = _page(
        client,
        world.propaganda,
        reverse("reports:copies", args=[blind.pk]) + f"?unit={world.city.pk}",
    )
    assert "Nhóm bài cùng một nguồn" in html and "So sánh" in html
    assert _leaks(html, world) == []


def test_a_copies_page_narrowed_to_one_cell_goes_back_to_the_whole_list(
    world, blind, reports, client
):
    client.force_login(world.propaganda)
    answer = client.get(reverse("reports:copies", args=[blind.pk]) + f"?unit={world.cell.pk}")
    assert answer.status_code == 302 and answer.url.endswith(f"?unit={world.city.pk}")


def _export(client, user, campaign, unit, kind) -> bytes:
    client.force_login(user)
    client.post(
        reverse("reports:export-start", args=[campaign.pk]), {"unit": unit.pk, "kind": kind}
    )
    export = Export.objects.filter(kind=kind, organization=unit).latest("pk")
    assert export.state == "done"
    return b"".join(
        client.get(reverse("reports:export-download", args=[export.pk])).streaming_content
    )


def test_the_docx_export_carries_report_numbers_not_names(world, blind, reports, client):
    data = _export(client, world.propaganda, blind, world.city, "docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Họ và tên" not in text and _leaks(text, world, "Chi bộ:") == []
    assert all(f"Bài số {r.pk}" in text for r in (reports.an, reports.binh, reports.cuong))


def test_zip_entries_are_named_by_report_number(world, blind, reports, client):
    data = _export(client, world.propaganda, blind, world.city, "zip")
    names = sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert names == sorted(f"bai-so-{r.pk}.docx" for r in (reports.an, reports.binh, reports.cuong))


def test_one_cell_cannot_be_exported_on_its_own(world, blind, reports, client):
    client.force_login(world.propaganda)
    answer = client.post(
        reverse("reports:export-start", args=[blind.pk]),
        {"unit": world.cell.pk, "kind": "docx"},
        follow=True,
    )
    assert not Export.objects.exists()
    assert "chấm ẩn danh" in answer.content.decode()


def _api(client, user, url):
    _token, raw = ApiToken.issue(user, "test")
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_report_api_gives_a_reviewer_no_member_and_the_member_their_own(
    world, blind, reports, client
):
    answer = _api(client, world.propaganda, f"/api/v1/reports/{reports.an.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["member_id"] is None and body["id"] == reports.an.pk
    assert not {"member_name", "organization_id", "unit_id"} & set(body)
    assert _leaks(answer.content.decode(), world) == []
    own = _api(client, world.member_user, f"/api/v1/reports/{reports.an.pk}").json()
    assert own["member_id"] == world.an.pk


def test_a_pure_reviewer_cannot_look_up_members(world, blind, reports, reviewer, client):
    assert _api(client, reviewer, f"/api/v1/members/{world.an.pk}").status_code == 404
    listing = _api(client, reviewer, f"/api/v1/members/?unit={world.ward.pk}")
    assert listing.status_code == 404 or listing.json()["count"] == 0


def test_names_return_after_the_level_above_confirms_for_those_who_manage_reports(
    world, blind, reports, reviewer, client
):
    for report in (reports.an, reports.binh):
        services.review(world.propaganda, report, Decision.RATE, rating="Đạt")
    services.confirm(world.propaganda, blind, world.cell)
    url = reverse("reports:unit", args=[blind.pk]) + f"?unit={world.cell.pk}"
    rows = _rows(_page(client, world.propaganda, url))
    assert "Nguyễn Văn An" in rows and "Trần Thị Bình" in rows
    rows = _rows(_page(client, reviewer, reverse("reports:unit", args=[blind.pk])))
    assert _leaks(rows, world) == [] and f"Bài số {reports.an.pk}" in rows


def test_the_audit_entry_of_a_report_names_its_number_not_its_member(world, blind, reports):
    entry = AuditEntry.objects.get(action="report.submit", object_id=str(reports.an.pk))
    assert entry.object_repr == f"Bài số {reports.an.pk}"


def test_a_list_of_members_by_duty_may_tie_names_to_reports_only_as_the_rule_allows(
    world, campaign, blind, reports
):
    assert Anonymity(world.secretary, blind).ties_names_to_reports(world.cell) is False
    for report in (reports.an, reports.binh):
        services.review(world.propaganda, report, Decision.RATE, rating="Đạt")
    services.confirm(world.propaganda, blind, world.cell)
    assert Anonymity(world.secretary, blind).ties_names_to_reports(world.cell) is True
    assert Anonymity(world.secretary, blind).ties_names_to_reports(world.cell2) is False
    campaign.blind_review = False
    assert Anonymity(world.secretary, campaign).ties_names_to_reports(world.cell2) is True
