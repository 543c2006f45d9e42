"""Finding a document by its symbol, by words with or without diacritics, by the text of
its files and by the name readers give a Central resolution; on SQLite and PostgreSQL."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.models import Attachment, Document, Kind
from documents.search import search
from documents.tests.office_files import docx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def register(owner, symbol_raw, kind, title, *, actor, term=20, plenum=None, issuer="Thành ủy"):
    return services.document_register(
        actor,
        owner=owner,
        symbol_raw=symbol_raw,
        kind=kind,
        issuer_name=issuer,
        issued_on=dt.date(2024, 3, 15),
        term=term,
        plenum=plenum,
        title=title,
    )


@pytest.fixture
def registry(world):
    """Documents in Hà Nam, and look-alikes in Ninh Bình that Hà Nam must never find."""
    docs = {
        "digital": register(
            world.city,
            "23-NQ/TU",
            Kind.RESOLUTION,
            "Về đẩy mạnh chuyển đổi số trong các cơ quan đảng",
            actor=world.clerk,
        ),
        "plenum": register(
            world.city,
            "45-NQ/TW",
            Kind.RESOLUTION,
            "Về Chiến lược bảo vệ Tổ quốc trong tình hình mới",
            actor=world.clerk,
            term=13,
            plenum=8,
            issuer="Ban Chấp hành Trung ương",
        ),
        "tourism": register(
            world.ward,
            "05-KH/ĐU",
            Kind.PLAN,
            "Kế hoạch phát triển du lịch",
            actor=world.ward_clerk,
            term=5,
        ),
        "their_digital": register(
            world.other,
            "23-NQ/TU",
            Kind.RESOLUTION,
            "Về chuyển đổi số tỉnh Ninh Bình",
            actor=world.outsider,
        ),
        "their_plenum": register(
            world.other,
            "45-NQ/TW",
            Kind.RESOLUTION,
            "Về Chiến lược bảo vệ Tổ quốc (bản Ninh Bình)",
            actor=world.outsider,
            term=13,
            plenum=8,
        ),
    }
    return docs


def found(client, query) -> list[int]:
    """Document ids in the order the search page lists them."""
    response = client.get("/documents/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    hits = page[page.index('<ol class="hits">') : page.index("</ol>")]
    return [int(pk) for pk in re.findall(r'<li><a href="/documents/(\d+)/">', hits)]


@pytest.mark.parametrize("query", ["23-NQ/TU", "23- nq/tu", "Số: 23-NQ/TU"])
def test_a_symbol_finds_exactly_that_document_in_the_own_province(world, client, registry, query):
    client.force_login(world.clerk)
    assert found(client, query) == [registry["digital"].pk]


def test_the_other_province_finds_its_own_document_under_the_same_symbol(world, client, registry):
    client.force_login(world.outsider)
    assert found(client, "23-NQ/TU") == [registry["their_digital"].pk]


@pytest.mark.parametrize(
    "query", ["chuyen doi so", "chuyển đổi số", "CHUYỂN ĐỔI SỐ", "Chuyen Doi So", "chuyển doi so"]
)
def test_title_words_are_found_with_or_without_diacritics(world, client, registry, query):
    client.force_login(world.clerk)
    assert found(client, query) == [registry["digital"].pk]


def test_every_word_must_match(world, client, registry):
    client.force_login(world.clerk)
    assert found(client, "chuyen doi so du lich") == []
    assert found(client, "du lich") == [registry["tourism"].pk]


def test_the_ward_finds_the_citys_documents_and_its_own(world, client, registry):
    client.force_login(world.ward_clerk)
    assert found(client, "chuyen doi so") == [registry["digital"].pk]
    assert found(client, "du lich") == [registry["tourism"].pk]


def test_the_passage_shows_the_title_words_as_written(world, client, registry):
    client.force_login(world.clerk)
    page = client.get("/documents/", {"q": "chien luoc"}).content.decode()
    assert "<mark>Chiến lược</mark> bảo vệ Tổ quốc" in page


@pytest.mark.parametrize(
    "query",
    [
        "Nghị quyết Hội nghị Trung ương 8 khóa XIII",
        "nghi quyet hoi nghi trung uong 8 khoa xiii",
        "Nghị quyết Trung ương tám khóa mười ba",
        "NQ TW8 khóa 13",
    ],
)
def test_a_named_resolution_finds_the_plenum_of_the_term(world, client, registry, query):
    client.force_login(world.clerk)
    assert found(client, query) == [registry["plenum"].pk]


def test_a_named_resolution_of_another_plenum_finds_nothing(world, client, registry):
    client.force_login(world.clerk)
    assert found(client, "Nghị quyết Hội nghị Trung ương 7 khóa XIII") == []
    assert found(client, "Nghị quyết Hội nghị Trung ương 8 khóa XII") == []


def test_the_text_of_an_attached_docx_is_found_and_shown_with_its_diacritics(
    world, client, registry
):
    plan = registry["tourism"]
    content = docx_bytes(
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Khai thác hiệu quả quần thể danh thắng Tam Chúc gắn với bảo vệ môi trường.",
    )
    client.force_login(world.ward_clerk)
    response = client.post(
        f"/documents/{plan.pk}/attachments/",
        {"file": SimpleUploadedFile("ke-hoach.docx", content, content_type=DOCX)},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.state == Attachment.State.DONE
    assert "danh thắng Tam Chúc" in attachment.text

    assert found(client, "tam chuc") == [plan.pk]
    page = client.get("/documents/", {"q": "tam chuc"}).content.decode()
    assert "quần thể danh thắng <mark>Tam Chúc</mark> gắn với" in page

    [hit] = search(Document.objects.filter(owner=world.ward), "danh thang tam chuc")
    assert hit.document == plan
    assert hit.match == "danh thắng Tam Chúc"
    assert hit.before.endswith("quần thể ")


def test_another_provinces_attachment_text_is_never_found(world, client, registry):
    theirs = registry["their_digital"]
    client.force_login(world.outsider)
    client.post(
        f"/documents/{theirs.pk}/attachments/",
        {
            "file": SimpleUploadedFile(
                "nb.docx", docx_bytes("Chùa Bái Đính và Tràng An"), content_type=DOCX
            )
        },
    )
    assert found(client, "trang an") == [theirs.pk]
    client.force_login(world.clerk)
    assert found(client, "trang an") == []
    assert found(client, "bai dinh") == []


def test_no_query_lists_the_registry_without_other_provinces(world, client, registry):
    client.force_login(world.clerk)
    page = client.get("/documents/").content.decode()
    listed = {int(pk) for pk in re.findall(r'href="/documents/(\d+)/"', page)}
    assert listed == {registry[k].pk for k in ("digital", "plenum", "tourism")}


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "'; drop table x; --", "&|!:*"])
def test_odd_queries_find_nothing_and_never_fail(world, client, registry, query):
    client.force_login(world.clerk)
    response = client.get("/documents/", {"q": query})
    assert response.status_code == 200
    if query.strip():
        assert found(client, query) == []
