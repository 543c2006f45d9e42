"""A NUL character (which PostgreSQL refuses in any text column) never reaches a query.

A person at a page loses nothing: NULs are dropped from query strings and form fields,
where they never mean anything. A program calling the API is told: 400 with the reason.
A text file that holds NULs is not UTF-8 text, and the page says so.
"""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ApiToken
from documents.models import Attachment, Document
from documents.tests.test_attachments import pdf_bytes
from news.models import Reading


@pytest.fixture
def conference_point(world, conference):
    return conference.bridge_points.get()


@pytest.fixture
def plan(world):
    return Document.objects.create(
        kind="ke_hoach",
        issuer_name="Thành ủy Hà Nam",
        issued_on=dt.date(2025, 1, 2),
        title="Kế hoạch",
        owner=world.city,
    )


def test_a_search_with_a_nul_finds_what_the_search_without_it_finds(
    world, client, conference_point
):
    client.force_login(world.admin)
    for path in (
        f"/members/unit/{world.cell.pk}/?q=Nguy%00%E1%BB%85n",
        f"/conferences/bridges/{conference_point.pk}/?q=Nguy%00%E1%BB%85n",
        "/documents/?q=Ngh%00%E1%BB%8B",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "\x00" not in response.content.decode(), path
    listed = client.get(f"/members/unit/{world.cell.pk}/?q=Nguy%00%E1%BB%85n").content.decode()
    assert "Nguyễn Văn An" in listed and "Trần Thị Bình" not in listed


def test_a_form_field_with_a_nul_is_saved_without_it(world, client):
    client.force_login(world.clerk)
    response = client.post(
        "/accounts/tokens/", {"name": "Máy\x00 chấm công", "scope": "read", "days": 30}
    )
    assert response.status_code in (200, 302)
    assert list(world.clerk.api_tokens.values_list("name", flat=True)) == ["Máy chấm công"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/search?q=Ngh%00",
        "/api/v1/documents/?q=Ngh%00",
        "/api/v1/members/?q=Nguy%00",
    ],
)
def test_an_api_query_with_a_nul_is_400_with_the_reason(world, client, path):
    _token, raw = ApiToken.issue(world.clerk, "t")
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
    assert "ký tự NUL" in response.json()["detail"]


def test_an_api_body_with_a_nul_is_400_and_nothing_is_written(world, client):
    _token, raw = ApiToken.issue(world.clerk, "t")
    body = {
        "owner_id": world.city.pk,
        "kind": "nghi_quyet",
        "issuer_name": "Thành ủy\x00",
        "issued_on": "2025-01-02",
        "term": 20,
        "title": "Về chuyển đổi số",
    }
    response = client.post(
        "/api/v1/documents/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    assert "ký tự NUL" in response.json()["detail"]
    assert not Document.objects.exists()


def test_an_api_header_with_a_nul_is_400(world, client, campaign):
    _token, raw = ApiToken.issue(world.member_user, "t")
    response = client.post(
        f"/api/v1/campaigns/{campaign.pk}/reports",
        json.dumps({"sections": ["Một", "Hai"]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_IDEMPOTENCY_KEY="k\x00",
    )
    assert response.status_code == 400
    assert "ký tự NUL" in response.json()["detail"]


def test_an_api_body_with_an_escaped_backslash_before_u0000_is_plain_text(world, client):
    _token, raw = ApiToken.issue(world.clerk, "t")
    body = {
        "owner_id": world.city.pk,
        "kind": "nghi_quyet",
        "issuer_name": "Thành ủy",
        "issued_on": "2025-01-02",
        "term": 20,
        "title": r"Đường dẫn C:\u0000",
    }
    response = client.post(
        "/api/v1/documents/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
    assert Document.objects.get().title == r"Đường dẫn C:\u0000"


def test_a_text_file_with_nuls_is_refused_as_not_utf8(world, client):
    client.force_login(world.clerk)
    # UTF-16 of plain ASCII decodes as UTF-8, a NUL after every letter.
    utf16 = SimpleUploadedFile("bai.txt", "Hoi nghi hoc tap Nghi quyet".encode("utf-16-le"))
    response = client.post("/news/read/", {"text": "", "files": [utf16]})
    assert response.status_code == 200
    assert "Tệp bai.txt không phải văn bản UTF-8." in response.content.decode()
    assert not Reading.objects.exists()


def test_a_pdf_whose_text_holds_nuls_is_indexed_without_them(world, client, plan):
    client.force_login(world.clerk)
    pdf = pdf_bytes("Nghi\\000quyet 45-NQ/TW")  # \000 in a PDF string is a NUL
    client.post(f"/documents/{plan.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", pdf)})
    attachment = Attachment.objects.get()
    assert (attachment.state, attachment.text) == (Attachment.State.DONE, "Nghiquyet 45-NQ/TW")
