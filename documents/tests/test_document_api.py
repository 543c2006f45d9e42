"""/api/v1/documents/ with a bearer token: the same registry, the same policy as the pages."""

import datetime as dt
import json

import pytest

from accounts.models import ApiToken
from documents import services
from documents.models import Document, DocumentLink, Kind, Obligation

URL = "/api/v1/documents/"


class Api:
    def __init__(self, client, user):
        self.client = client
        _, raw = ApiToken.issue(user, "t")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.client.get(path, params, **self.headers)

    def post(self, path, body):
        return self.client.post(
            path, json.dumps(body), content_type="application/json", **self.headers
        )


def register(owner, symbol_raw, kind, title, actor, term=20, **extra):
    return services.document_register(
        actor,
        owner=owner,
        symbol_raw=symbol_raw,
        kind=kind,
        issuer_name=extra.pop("issuer_name", "Thành ủy Hà Nam"),
        issued_on=extra.pop("issued_on", dt.date(2024, 3, 10)),
        term=term,
        title=title,
        **extra,
    )


@pytest.fixture
def registry(world):
    return {
        "resolution": register(
            world.city, "45-NQ/TW", Kind.RESOLUTION, "Về đội ngũ trí thức", world.clerk, 13,
            plenum=8, issued_on=dt.date(2023, 11, 24),
        ),
        "programme": register(
            world.city, "30-CTr/TU", Kind.PROGRAMME, "Về chuyển đổi số", world.clerk
        ),
        "plan": register(
            world.ward, "05-KH/ĐU", Kind.PLAN, "Kế hoạch của phường", world.ward_clerk, 5,
            issued_on=dt.date(2024, 4, 2),
        ),
        "theirs": register(
            world.other, "30-CTr/TU", Kind.PROGRAMME, "Về chuyển đổi số Ninh Bình", world.outsider
        ),
    }  # fmt: skip


def payload(world, **fields):
    return {
        "owner_id": world.city.pk,
        "symbol_raw": "23- NQ/TU",
        "issuer_name": "Thành ủy Hà Nam",
        "issued_on": "2024-05-20",
        "term": 20,
        "title": "Về phát triển du lịch",
        **fields,
    }


def test_calls_without_a_valid_token_are_refused(world, client, registry):
    assert client.get(URL).status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer nq_wrong").status_code == 401
    world.clerk.is_active = False
    world.clerk.save()
    assert Api(client, world.clerk).get(URL).status_code == 401


def test_the_list_holds_the_callers_registry_and_the_levels_above_only(world, client, registry):
    body = Api(client, world.clerk).get(URL).json()
    assert body["count"] == 3
    assert [item["symbol"] for item in body["items"]] == ["05-KH/ĐU", "30-CTr/TU", "45-NQ/TW"]
    assert registry["theirs"].pk not in {item["id"] for item in body["items"]}

    body = Api(client, world.ward_clerk).get(URL).json()
    assert {item["id"] for item in body["items"]} == {
        registry["resolution"].pk,
        registry["programme"].pk,
        registry["plan"].pk,
    }


def test_the_list_pages_and_filters_by_query(world, client, registry):
    api = Api(client, world.clerk)
    page = api.get(URL, limit=1, offset=1).json()
    assert page["count"] == 3
    assert [item["symbol"] for item in page["items"]] == ["30-CTr/TU"]
    found = api.get(URL, q="chuyen doi so").json()
    assert [item["id"] for item in found["items"]] == [registry["programme"].pk]


def test_search_returns_the_passage_with_the_match_marked(world, client, registry):
    hits = Api(client, world.clerk).get(URL + "search", q="chuyen doi so").json()
    assert len(hits) == 1
    assert hits[0]["document"]["id"] == registry["programme"].pk
    assert "Về [chuyển đổi số]" in hits[0]["passage"]


def test_search_by_symbol_and_by_named_resolution(world, client, registry):
    api = Api(client, world.clerk)
    assert [h["document"]["id"] for h in api.get(URL + "search", q="30-Ctr/TU").json()] == [
        registry["programme"].pk
    ]
    named = api.get(URL + "search", q="Nghị quyết Hội nghị Trung ương 8 khóa XIII").json()
    assert [h["document"]["id"] for h in named] == [registry["resolution"].pk]


def test_search_needs_a_query(world, client, registry):
    assert Api(client, world.clerk).get(URL + "search").status_code == 422


def test_get_returns_one_document(world, client, registry):
    body = Api(client, world.clerk).get(f"{URL}{registry['resolution'].pk}").json()
    assert body == {
        "id": registry["resolution"].pk,
        "kind": "nghi_quyet",
        "symbol": "45-NQ/TW",
        "symbol_raw": "45-NQ/TW",
        "symbol_readable": True,
        "issuer_name": "Thành ủy Hà Nam",
        "issued_on": "2023-11-24",
        "term": 13,
        "plenum": 8,
        "title": "Về đội ngũ trí thức",
        "owner_id": world.city.pk,
    }


def test_get_of_another_provinces_or_a_siblings_document_is_404(world, client, registry):
    assert Api(client, world.clerk).get(f"{URL}{registry['theirs'].pk}").status_code == 404
    commune_plan = register(world.commune, "07-KH/ĐU", Kind.PLAN, "Kế hoạch của xã", world.clerk, 5)
    assert Api(client, world.ward_clerk).get(f"{URL}{commune_plan.pk}").status_code == 404
    assert Api(client, world.clerk).get(f"{URL}999999").status_code == 404


def test_create_guesses_the_kind_and_returns_201(world, client):
    response = Api(client, world.clerk).post(URL, payload(world))
    assert response.status_code == 201
    body = response.json()
    document = Document.objects.get()
    assert body["id"] == document.pk
    assert (body["symbol"], body["symbol_raw"], body["kind"]) == (
        "23-NQ/TU",
        "23- NQ/TU",
        "nghi_quyet",
    )
    assert body["symbol_readable"] is True
    assert (document.owner, document.created_by, document.term) == (world.city, world.clerk, 20)


def test_create_keeps_an_unreadable_symbol_as_typed(world, client):
    response = Api(client, world.clerk).post(
        URL, payload(world, symbol_raw="số abc/xyz", kind="cong_van", term=None)
    )
    assert response.status_code == 201
    assert (response.json()["symbol"], response.json()["symbol_readable"]) == ("", False)


def test_create_of_a_duplicate_is_409_with_the_existing_id(world, client, registry):
    response = Api(client, world.clerk).post(URL, payload(world, symbol_raw="30-Ctr/TU"))
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail == f"Văn bản 30-CTr/TU đã được đăng ký. (id {registry['programme'].pk})"
    assert Document.objects.filter(symbol="30-CTr/TU").count() == 2  # theirs and ours


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"issued_on": "2999-01-01"}, "Ngày ban hành không được sau ngày hôm nay."),
        ({"symbol_raw": "339-QĐ/TW"}, "Hãy cho biết loại văn bản (kind)."),
        ({"symbol_raw": "", "kind": None}, "Hãy cho biết loại văn bản (kind)."),
        ({"symbol_raw": "số abc/xyz"}, "Hãy cho biết loại văn bản (kind)."),
        ({"title": "   "}, "Trích yếu không được để trống."),
        ({"term": None}, "Văn bản của Đảng đánh số theo nhiệm kỳ: hãy nhập khóa."),
    ],
)
def test_create_with_bad_input_is_422_with_a_vietnamese_reason(world, client, fields, message):
    response = Api(client, world.clerk).post(URL, payload(world, **fields))
    assert response.status_code == 422
    assert response.json()["detail"] == message
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "nghi_quyet_gia"},
        {"issued_on": "20/05/2024"},
        {"owner_id": "thanh-uy"},
        {"title": None},
        {"term": "mười bảy"},
    ],
)
def test_create_with_malformed_fields_is_422(world, client, fields):
    response = Api(client, world.clerk).post(URL, payload(world, **fields))
    assert response.status_code == 422
    assert not Document.objects.exists()


def test_create_for_a_unit_outside_the_callers_scope_is_404(world, client):
    assert (
        Api(client, world.clerk).post(URL, payload(world, owner_id=world.other.pk)).status_code
        == 404
    )
    ward_api = Api(client, world.ward_clerk)
    assert ward_api.post(URL, payload(world, owner_id=world.city.pk)).status_code == 404
    assert ward_api.post(URL, payload(world, owner_id=world.commune.pk)).status_code == 404
    inspector = Api(client, world.inspector)
    assert inspector.post(URL, payload(world)).status_code == 404
    propaganda = Api(client, world.propaganda)
    assert propaganda.post(URL, payload(world, owner_id=world.other.pk)).status_code == 404
    assert not Document.objects.exists()


def test_linking_returns_201_and_fulfils_the_obligation(world, client, registry):
    services.obligations_assign(
        world.clerk, document=registry["programme"], units=[world.ward], due_on=dt.date(2024, 6, 30)
    )
    response = Api(client, world.ward_clerk).post(
        f"{URL}{registry['plan'].pk}/links",
        {"target_id": registry["programme"].pk, "kind": "implements"},
    )
    assert response.status_code == 201
    link = DocumentLink.objects.get()
    assert response.json() == {
        "id": link.pk,
        "source_id": registry["plan"].pk,
        "target_id": registry["programme"].pk,
        "kind": "implements",
    }
    obligation = Obligation.objects.get()
    assert (obligation.state, obligation.plan_id) == ("sent", registry["plan"].pk)


def test_linking_into_a_cycle_is_422(world, client, registry):
    api = Api(client, world.clerk)
    api.post(
        f"{URL}{registry['programme'].pk}/links",
        {"target_id": registry["resolution"].pk, "kind": "implements"},
    )
    response = api.post(
        f"{URL}{registry['resolution'].pk}/links",
        {"target_id": registry["programme"].pk, "kind": "replaces"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Liên kết này tạo thành vòng: 30-CTr/TU đã (gián tiếp) dựa trên 45-NQ/TW."
    )
    assert DocumentLink.objects.count() == 1


def test_a_self_link_or_a_repeated_link_is_422(world, client, registry):
    api = Api(client, world.clerk)
    programme, resolution = registry["programme"], registry["resolution"]
    self_link = api.post(
        f"{URL}{programme.pk}/links", {"target_id": programme.pk, "kind": "guides"}
    )
    assert self_link.status_code == 422
    assert self_link.json()["detail"] == "Một văn bản không thể liên kết với chính nó."
    body = {"target_id": resolution.pk, "kind": "implements"}
    assert api.post(f"{URL}{programme.pk}/links", body).status_code == 201
    again = api.post(f"{URL}{programme.pk}/links", body)
    assert (again.status_code, again.json()["detail"]) == (422, "Liên kết này đã có.")
    assert api.post(f"{URL}{programme.pk}/links", {**body, "kind": "copies"}).status_code == 422
    assert DocumentLink.objects.count() == 1


def test_linking_to_or_from_another_provinces_document_is_404(world, client, registry):
    api = Api(client, world.clerk)
    theirs = registry["theirs"]
    to_theirs = api.post(
        f"{URL}{registry['programme'].pk}/links", {"target_id": theirs.pk, "kind": "implements"}
    )
    assert to_theirs.status_code == 404
    from_theirs = api.post(
        f"{URL}{theirs.pk}/links", {"target_id": registry["resolution"].pk, "kind": "implements"}
    )
    assert from_theirs.status_code == 404
    assert not DocumentLink.objects.exists()


def test_the_ward_cannot_link_from_a_citys_document_it_only_reads(world, client, registry):
    response = Api(client, world.ward_clerk).post(
        f"{URL}{registry['programme'].pk}/links",
        {"target_id": registry["resolution"].pk, "kind": "implements"},
    )
    assert response.status_code == 404
    assert not DocumentLink.objects.exists()
