"""Every write to the registry leaves an audit entry naming who made it."""

import datetime as dt
import json

import pytest

from accounts.models import ApiToken
from audit.models import AuditEntry
from documents import services
from documents.models import Document, DocumentLink, Kind, Obligation


def form(owner, symbol_raw, **fields):
    return {
        "owner": owner.pk,
        "symbol_raw": symbol_raw,
        "kind": "",
        "issuer_name": "Thành ủy Hà Nam",
        "issued_on": "15/03/2024",
        "term": "20",
        "plenum": "",
        "title": "Về chuyển đổi số",
        **fields,
    }


@pytest.fixture
def resolution(world):
    return services.document_register(
        world.clerk,
        owner=world.city,
        symbol_raw="45-NQ/TW",
        kind=Kind.RESOLUTION,
        issuer_name="Ban Chấp hành Trung ương",
        issued_on=dt.date(2023, 11, 24),
        term=13,
        plenum=8,
        title="Về đội ngũ trí thức",
    )


def test_registering_through_the_form_records_the_clerk_and_the_fields(world, client):
    client.force_login(world.clerk)
    client.post("/documents/new/", form(world.city, "23- NQ/TU"), REMOTE_ADDR="10.0.0.7")
    document = Document.objects.get()
    entry = AuditEntry.objects.about(document).get()
    assert (entry.action, entry.actor, entry.object_repr) == (
        "document.register",
        world.clerk,
        "23-NQ/TU — Về chuyển đổi số",
    )
    assert entry.changes == {
        "kind": [None, "nghi_quyet"],
        "symbol_raw": [None, "23- NQ/TU"],
        "symbol": [None, "23-NQ/TU"],
        "issuer_name": [None, "Thành ủy Hà Nam"],
        "issued_on": [None, "2024-03-15"],
        "term": [None, 20],
        "title": [None, "Về chuyển đổi số"],
    }
    assert entry.ip == "10.0.0.7"


def test_a_refused_registration_records_nothing(world, client, resolution):
    client.force_login(world.clerk)
    before = AuditEntry.objects.count()
    response = client.post("/documents/new/", form(world.city, "45-NQ/TW", term="13"))
    assert response.status_code == 200
    assert AuditEntry.objects.count() == before


def test_linking_and_unlinking_record_the_clerk_on_the_source(world, client, resolution):
    programme = services.document_register(
        world.clerk,
        owner=world.city,
        symbol_raw="30-CTr/TU",
        kind=Kind.PROGRAMME,
        issuer_name="Thành ủy Hà Nam",
        issued_on=dt.date(2024, 3, 10),
        term=20,
        title="Chương trình hành động",
    )
    client.force_login(world.clerk)
    client.post(f"/documents/{programme.pk}/links/", {"kind": "implements", "target": "45-NQ/TW"})
    entry = AuditEntry.objects.about(programme).get(action="document.link")
    assert entry.actor == world.clerk
    assert entry.changes == {"link": [None, "triển khai thực hiện 45-NQ/TW"]}

    link = DocumentLink.objects.get()
    client.post(f"/documents/links/{link.pk}/delete/")
    entry = AuditEntry.objects.about(programme).get(action="document.unlink")
    assert entry.actor == world.clerk
    assert entry.changes == {"link": ["triển khai thực hiện 45-NQ/TW", None]}
    assert not AuditEntry.objects.about(resolution).filter(action__contains="link").exists()


def test_assigning_and_marking_obligations_are_recorded(world, client, resolution):
    client.force_login(world.clerk)
    client.post(
        f"/documents/{resolution.pk}/obligations/",
        {"units": [world.ward.pk, world.commune.pk], "due_on": "30/06/2024"},
    )
    entry = AuditEntry.objects.about(resolution).get(action="document.obligations")
    assert entry.actor == world.clerk
    assert entry.changes == {"units": [None, 2], "due_on": [None, "2024-06-30"]}

    obligation = Obligation.objects.get(unit=world.ward)
    client.force_login(world.ward_clerk)
    client.post(f"/documents/obligations/{obligation.pk}/drafted/")
    entry = AuditEntry.objects.about(resolution).get(action="obligation.drafted")
    assert entry.actor == world.ward_clerk
    assert entry.changes == {"unit": [None, "Đảng bộ phường Lam Hạ"]}


def test_api_writes_record_the_tokens_user(world, client, resolution):
    _, raw = ApiToken.issue(world.clerk, "t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.post(
        "/api/v1/documents/",
        json.dumps(
            {
                "owner_id": world.city.pk,
                "symbol_raw": "30-CTr/TU",
                "issuer_name": "Thành ủy Hà Nam",
                "issued_on": "2024-03-10",
                "term": 20,
                "title": "Chương trình hành động",
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    programme = Document.objects.get(pk=response.json()["id"])
    register = AuditEntry.objects.about(programme).get(action="document.register")
    assert register.actor == world.clerk

    response = client.post(
        f"/api/v1/documents/{programme.pk}/links",
        json.dumps({"target_id": resolution.pk, "kind": "implements"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    link = AuditEntry.objects.about(programme).get(action="document.link")
    assert link.actor == world.clerk


def test_the_history_page_lists_the_entries_for_the_office(world, client, resolution):
    client.force_login(world.clerk)
    page = client.get(f"/documents/{resolution.pk}/history/").content.decode()
    assert "Văn bản: đăng ký" in page
    assert "vanphong" in page
    assert "45-NQ/TW" in page


def test_the_history_is_closed_to_those_without_audit_rights(world, client, resolution):
    client.force_login(world.propaganda)
    assert client.get(f"/documents/{resolution.pk}/history/").status_code == 403
    client.force_login(world.outsider)
    assert client.get(f"/documents/{resolution.pk}/history/").status_code == 404
    client.force_login(world.inspector)
    assert client.get(f"/documents/{resolution.pk}/history/").status_code == 200
