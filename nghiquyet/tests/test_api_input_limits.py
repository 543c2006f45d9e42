"""The API checks every input against the column it ends in, and says what is wrong.

Pages get these limits from Django's model forms; the API's schemas are written by hand,
so their limits are derived from the model fields (`nghiquyet.schemas.column`) and cannot
drift from them. A value outside them is 422 with a Vietnamese reason naming the field,
never a database error.
"""

import json

import pytest

from accounts.models import ApiToken
from documents.api import DocumentIn
from documents.models import Document


@pytest.fixture
def api(world, client):
    _token, raw = ApiToken.issue(world.clerk, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    class Api:
        def get(self, path):
            return client.get(path, **auth)

        def post(self, path, body):
            return client.post(path, json.dumps(body), content_type="application/json", **auth)

    return Api()


def document(world, **fields):
    return {
        "owner_id": world.city.pk,
        "kind": "nghi_quyet",
        "issuer_name": "Thành ủy Hà Nam",
        "issued_on": "2025-01-02",
        "term": 20,
        "title": "Về chuyển đổi số",
        **fields,
    }


@pytest.mark.parametrize(
    "path", ["/api/v1/members/", "/api/v1/documents/", "/api/v1/units/1/children"]
)
@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("limit=100000000000000000000", "limit phải nhỏ hơn hoặc bằng 1000"),
        ("offset=100000000000000000000", "offset phải nhỏ hơn hoặc bằng"),
        ("limit=0", "limit phải lớn hơn hoặc bằng 1"),
        ("offset=-1", "offset phải lớn hơn hoặc bằng 0"),
    ],
)
def test_a_page_past_the_limits_is_422(world, api, path, query, reason):
    response = api.get(f"{path}?{query}")
    assert response.status_code == 422
    assert reason in response.json()["detail"]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"issuer_name": "x" * 256}, "issuer_name dài quá 255 ký tự"),
        ({"symbol_raw": "1" * 121}, "symbol_raw dài quá 120 ký tự"),
        ({"term": 32768}, "term phải nhỏ hơn hoặc bằng 32767"),
        ({"term": -1}, "term phải lớn hơn hoặc bằng 0"),
        ({"plenum": 40000}, "plenum phải nhỏ hơn hoặc bằng 32767"),
        ({"owner_id": 2**64}, "owner_id phải nhỏ hơn hoặc bằng 9223372036854775807"),
        ({"term": "mười bảy"}, "term phải là số nguyên"),
        ({"issued_on": "30/02/2026"}, "issued_on phải là ngày dạng yyyy-mm-dd"),
        ({"title": None}, "title phải là chuỗi ký tự"),
    ],
)
def test_a_document_field_past_its_column_is_422_naming_it(world, api, fields, reason):
    response = api.post("/api/v1/documents/", document(world, **fields))
    assert response.status_code == 422
    assert reason in response.json()["detail"]
    assert not Document.objects.exists()


def test_a_document_at_its_columns_limits_is_registered(world, api):
    response = api.post(
        "/api/v1/documents/",
        document(world, issuer_name="x" * 255, term=32767, plenum=0, symbol_raw=""),
    )
    assert response.status_code == 201


def test_a_missing_field_is_named_in_vietnamese(world, api):
    body = document(world)
    del body["title"]
    response = api.post("/api/v1/documents/", body)
    assert response.status_code == 422
    assert response.json()["detail"] == "Dữ liệu không hợp lệ: title thiếu."


def test_the_schema_publishes_the_columns_limits(world):
    properties = DocumentIn.model_json_schema()["properties"]
    for name in ("issuer_name", "symbol_raw"):
        assert properties[name]["maxLength"] == Document._meta.get_field(name).max_length
    term = next(option for option in properties["term"]["anyOf"] if option["type"] == "integer")
    assert (term["minimum"], term["maximum"]) == (0, 32767)
