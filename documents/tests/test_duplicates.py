"""A document is registered once per registry line; an unreadable symbol is kept as typed."""

import datetime as dt

import pytest

from documents import services
from documents.models import Document, Kind


def post(client, owner, symbol_raw, **fields):
    data = {
        "owner": owner.pk,
        "symbol_raw": symbol_raw,
        "kind": "",
        "issuer_name": "Thành ủy Hà Nam",
        "issued_on": "15/03/2024",
        "term": "17",
        "plenum": "",
        "title": "Về đẩy mạnh chuyển đổi số",
        **fields,
    }
    return client.post("/documents/new/", data)


def existing(world, symbol_raw="23-NQ/TU", owner=None, **fields) -> Document:
    values = {
        "kind": Kind.RESOLUTION,
        "issuer_name": "Thành ủy Hà Nam",
        "issued_on": dt.date(2024, 3, 15),
        "term": 17,
        "title": "Về phát triển kinh tế biển",
        **fields,
    }
    return services.document_register(
        world.clerk, owner=owner or world.city, symbol_raw=symbol_raw, **values
    )


def test_the_same_party_symbol_in_the_same_term_is_refused_with_a_link_to_the_first(world, client):
    first = existing(world)
    client.force_login(world.clerk)
    response = post(client, world.city, "23- NQ/TU")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Văn bản 23-NQ/TU đã được đăng ký." in page
    assert f'href="/documents/{first.pk}/"' in page
    assert "Về phát triển kinh tế biển" in page
    assert Document.objects.count() == 1


def test_the_same_number_in_another_term_is_a_different_document(world, client):
    existing(world)
    client.force_login(world.clerk)
    response = post(client, world.city, "23-NQ/TU", term="16", issued_on="02/02/2019")
    assert response.status_code == 302
    assert sorted(Document.objects.values_list("term", flat=True)) == [16, 17]


def test_another_type_with_the_same_number_is_a_different_document(world, client):
    existing(world)
    client.force_login(world.clerk)
    assert post(client, world.city, "23-KH/TU").status_code == 302
    assert Document.objects.count() == 2


def test_a_state_decision_number_repeats_only_in_another_year(world, client):
    client.force_login(world.clerk)
    state = {"issuer_name": "Ủy ban nhân dân tỉnh Hà Nam", "term": ""}
    assert (
        post(client, world.city, "89/QĐ-UBND", issued_on="10/01/2024", **state).status_code == 302
    )
    first = Document.objects.get()

    again = post(client, world.city, "89/QĐ-UBND", issued_on="20/11/2024", **state)
    assert again.status_code == 200
    assert "Văn bản 89/QĐ-UBND đã được đăng ký." in again.content.decode()
    assert f'href="/documents/{first.pk}/"' in again.content.decode()

    next_year = post(client, world.city, "89/QĐ-UBND", issued_on="10/01/2025", **state)
    assert next_year.status_code == 302
    assert sorted(d.year for d in Document.objects.values_list("issued_on", flat=True)) == [
        2024,
        2025,
    ]


def test_a_legal_act_is_numbered_by_the_year_in_its_symbol(world, client):
    client.force_login(world.clerk)
    decree = {"issuer_name": "Chính phủ", "term": ""}
    assert (
        post(client, world.city, "30/2020/NĐ-CP", issued_on="05/03/2020", **decree).status_code
        == 302
    )
    # Registered a year later, the same symbol is still the same decree.
    again = post(client, world.city, "30/2020/NĐ-CP", issued_on="05/03/2021", **decree)
    assert again.status_code == 200
    assert "Văn bản 30/2020/NĐ-CP đã được đăng ký." in again.content.decode()
    assert (
        post(client, world.city, "30/2021/NĐ-CP", issued_on="05/03/2021", **decree).status_code
        == 302
    )
    assert Document.objects.count() == 2


def test_an_unreadable_symbol_is_kept_as_typed_with_a_warning(world, client):
    client.force_login(world.clerk)
    response = post(client, world.city, "số abc/xyz", kind=Kind.LETTER, term="")
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.symbol_raw, document.symbol, document.number) == ("số abc/xyz", "", None)
    assert document.dedupe_key == ""
    page = client.get(response["Location"]).content.decode()
    assert "Không đọc được số, ký hiệu; văn bản được lưu đúng như đã nhập" in page
    assert "số abc/xyz" in page


def test_an_unreadable_symbol_needs_the_kind_chosen(world, client):
    client.force_login(world.clerk)
    response = post(client, world.city, "số abc/xyz", term="")
    assert response.status_code == 200
    assert "Hãy chọn loại văn bản" in response.content.decode()
    assert not Document.objects.exists()


def test_unreadable_symbols_are_not_checked_for_duplicates(world, client):
    client.force_login(world.clerk)
    for _ in range(2):
        response = post(client, world.city, "số abc/xyz", kind=Kind.LETTER, term="")
        assert response.status_code == 302
    assert Document.objects.filter(symbol_raw="số abc/xyz").count() == 2


@pytest.mark.parametrize(
    "typed", ["<script>alert(1)</script>", "23-NQ", "NQ/TU", "0-NQ/TU", "1234567-NQ/TU", "///"]
)
def test_odd_symbols_never_crash_the_form(world, client, typed):
    client.force_login(world.clerk)
    response = post(client, world.city, typed, kind=Kind.OTHER, term="")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.symbol == ""
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_the_ward_sees_the_citys_document_as_the_duplicate(world, client):
    first = existing(world)
    client.force_login(world.ward_clerk)
    response = post(client, world.ward, "23-NQ/TU")
    assert response.status_code == 200
    assert f'href="/documents/{first.pk}/"' in response.content.decode()
    assert client.get(f"/documents/{first.pk}/").status_code == 200


def test_two_grassroots_committees_each_number_their_own_plans(world, client):
    # Numbers run per type within a committee's term: Lam Hạ's 01-KH/ĐU and Tiên Tân's
    # 01-KH/ĐU are two plans of two committees.
    existing(world, "01-KH/ĐU", owner=world.ward, kind=Kind.PLAN, issuer_name="Đảng ủy phường")
    client.force_login(world.clerk)
    response = post(client, world.commune, "01-KH/ĐU", issuer_name="Đảng ủy xã Tiên Tân")
    assert response.status_code == 302
    assert sorted(Document.objects.values_list("owner__code", flat=True)) == ["HNA-LH", "HNA-TT"]


def test_another_provinces_registry_neither_blocks_nor_reveals_a_document(world, client):
    theirs = existing(world, "45-NQ/TW", owner=world.other, issuer_name="Ban Chấp hành Trung ương")
    client.force_login(world.clerk)
    response = post(client, world.city, "45-NQ/TW", issuer_name="Ban Chấp hành Trung ương")
    assert response.status_code == 302
    assert f"/documents/{theirs.pk}/" not in response["Location"]
    assert Document.objects.filter(symbol="45-NQ/TW").count() == 2


def test_a_duplicate_found_on_edit_is_refused_too(world, client):
    existing(world)
    second = existing(world, "24-NQ/TU")
    client.force_login(world.clerk)
    response = client.post(
        f"/documents/{second.pk}/edit/",
        {
            "symbol_raw": "23-NQ/TU",
            "kind": Kind.RESOLUTION,
            "issuer_name": "Thành ủy Hà Nam",
            "issued_on": "15/03/2024",
            "term": "17",
            "plenum": "",
            "title": "Sửa nhầm số",
        },
    )
    assert response.status_code == 200
    assert "Văn bản 23-NQ/TU đã được đăng ký." in response.content.decode()
    second.refresh_from_db()
    assert (second.symbol, second.title) == ("24-NQ/TU", "Về phát triển kinh tế biển")
