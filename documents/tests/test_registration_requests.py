"""Whoever opens a campaign asks the committee's office to register a document that is not
in the registry; the office finds the request in "Việc cần làm" and registers it from a
form already filled in, which closes the request."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from documents import services
from documents.models import Document, RegistrationRequest
from members.models import Member
from notices.models import Notice

pytestmark = pytest.mark.django_db


def _sections(client) -> dict:
    page = client.get("/accounts/today/")
    return {section.key: section for section in page.context["sections"]}


def test_a_request_notifies_the_office_of_the_committee_and_is_audited(world):
    Member.objects.filter(pk=world.binh.pk).update(user=world.ward_clerk)
    asked = services.registration_ask(world.propaganda, world.ward, "  45-NQ/ĐU ")
    assert asked.text == "45-NQ/ĐU" and asked.answered_at is None
    notice = Notice.objects.get()
    assert notice.member == Member.objects.get(pk=world.binh.pk)
    assert notice.title == "Đề nghị đăng ký văn bản: 45-NQ/ĐU"
    assert notice.link == f"/documents/new/?request={asked.pk}"
    entry = AuditEntry.objects.about(asked).get()
    assert entry.actor == world.propaganda and entry.changes["notified"] == [None, 1]


def test_without_an_office_on_the_unit_the_nearest_one_above_is_asked(world):
    clerk_member = world.an
    Member.objects.filter(pk=clerk_member.pk).update(user=world.clerk)
    services.registration_ask(world.propaganda, world.commune, "Nghị quyết về văn hóa đọc")
    assert Notice.objects.get().member_id == clerk_member.pk


@pytest.mark.parametrize("text", ["", "   ", "x" * 301])
def test_an_empty_or_too_long_request_is_refused(world, text):
    with pytest.raises(ValidationError):
        services.registration_ask(world.propaganda, world.city, text)
    assert not RegistrationRequest.objects.exists()
    assert not Notice.objects.exists()


def test_the_propaganda_board_asks_from_the_page_and_returns_to_its_campaign(world, client):
    client.force_login(world.propaganda)
    assert "Đề nghị Văn phòng đăng ký văn bản" in client.get("/campaigns/new/").content.decode()
    page = client.get("/documents/ask/")
    assert page.status_code == 200
    response = client.post(
        "/documents/ask/", {"organization": world.city.pk, "text": "Kết luận 21-KL/TU"}
    )
    assert response.status_code == 302 and response.url == "/campaigns/new/"
    asked = RegistrationRequest.objects.get()
    assert asked.organization == world.city and asked.asked_by == world.propaganda


@pytest.mark.parametrize(
    "text, error",
    [("", "Trường này là bắt buộc"), ("x" * 301, "Tối đa 300 ký tự")],
)
def test_bad_input_on_the_page_is_answered_in_vietnamese(world, client, text, error):
    client.force_login(world.propaganda)
    page = client.post("/documents/ask/", {"organization": world.city.pk, "text": text})
    assert page.status_code == 200 and error in page.content.decode()
    assert not RegistrationRequest.objects.exists()


def test_only_those_who_may_open_campaigns_may_ask(world, client):
    for user in (world.clerk, world.secretary, world.inspector, world.member_user):
        client.force_login(user)
        assert client.get("/documents/ask/").status_code == 403
        data = {"organization": world.city.pk, "text": "23-NQ/TU"}
        assert client.post("/documents/ask/", data).status_code == 403
    assert not RegistrationRequest.objects.exists()


def test_a_unit_outside_the_askers_scope_is_refused(world, client):
    client.force_login(world.propaganda)
    page = client.post("/documents/ask/", {"organization": world.other.pk, "text": "23-NQ/TU"})
    assert page.status_code == 200 and not RegistrationRequest.objects.exists()


def test_the_office_registers_the_document_from_its_todo_and_the_request_closes(world, client):
    asked = services.registration_ask(world.propaganda, world.city, "45-NQ/TU")
    client.force_login(world.clerk)
    waiting = _sections(client)["registrations"]
    assert waiting.count == 1
    assert waiting.lines[0].text == "45-NQ/TU — Thành ủy Hà Nam"
    form = client.get(waiting.lines[0].url).content.decode()
    assert 'value="45-NQ/TU"' in form
    assert "Thành ủy Hà Nam đề nghị đăng ký văn bản: 45-NQ/TU" in form
    response = client.post(
        waiting.lines[0].url,
        {
            "owner": world.city.pk,
            "symbol_raw": "45-NQ/TU",
            "kind": "",
            "issuer_name": "Thành ủy Hà Nam",
            "issued_on": "02/11/2026",
            "term": "20",
            "title": "Về phát triển văn hóa đọc",
        },
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.document == Document.objects.get() and asked.answered_at is not None
    assert _sections(client)["registrations"].count == 0
    assert AuditEntry.objects.filter(action="document.registration_answer").count() == 1


def test_a_title_typed_fills_the_title_not_the_symbol(world, client):
    asked = services.registration_ask(world.propaganda, world.city, "Nghị quyết về văn hóa đọc")
    client.force_login(world.clerk)
    form = client.get(f"/documents/new/?request={asked.pk}").content.decode()
    assert "\nNghị quyết về văn hóa đọc</textarea>" in form


def test_the_askers_own_request_is_not_in_their_todo(world, client):
    services.registration_ask(world.propaganda, world.city, "45-NQ/TU")
    client.force_login(world.propaganda)
    assert _sections(client)["registrations"].count == 0


def test_another_province_neither_sees_nor_answers_the_request(world, client):
    asked = services.registration_ask(world.propaganda, world.city, "45-NQ/TU")
    client.force_login(world.outsider)
    assert _sections(client)["registrations"].count == 0
    assert client.get(f"/documents/new/?request={asked.pk}").status_code == 404
