"""A plan's attached text says what it carries out: the registry links it, and the cascade
shows the link, with or without a printed symbol."""

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from documents import services
from documents.cascade import cascade
from documents.models import Document, DocumentLink, Kind, LinkKind

pytestmark = pytest.mark.django_db


def _register(actor, owner, symbol, kind, issuer):
    return services.document_register(
        actor,
        owner=owner,
        symbol_raw=symbol,
        kind=kind,
        issuer_name=issuer,
        issued_on=dt.date(2024, 5, 2),
        term=20,
        title=f"Văn bản {symbol}",
    )


def _attach(client, document, *paragraphs):
    out = io.BytesIO()
    page = docx.Document()
    for text in paragraphs:
        page.add_paragraph(text)
    page.save(out)
    upload = SimpleUploadedFile("Kế hoạch.docx", out.getvalue(), content_type="application/pdf")
    client.post(f"/documents/{document.pk}/attachments/", {"file": upload}, follow=True)


def test_the_plan_is_linked_to_what_its_attachment_says_it_carries_out(world, client, programme):
    resolution = _register(world.clerk, world.city, "23-NQ/TU", Kind.RESOLUTION, "Thành ủy")
    basis = _register(world.clerk, world.city, "07-QĐ/TU", Kind.DECISION, "Thành ủy")
    theirs = _register(world.outsider, world.other, "23-NQ/TU", Kind.RESOLUTION, "Tỉnh ủy")
    plan = _register(world.ward_clerk, world.ward, "05-KH/ĐU", Kind.PLAN, "Đảng ủy phường")
    client.force_login(world.ward_clerk)
    _attach(
        client,
        plan,
        "Căn cứ Quyết định số 07-QĐ/TU của Thành ủy;",
        "Thực hiện Nghị quyết số 23 của Thành ủy Hà Nam và triển khai Chương trình hành "
        "động 30-CTr/TU, Đảng ủy phường xây dựng kế hoạch như sau.",
    )
    links = DocumentLink.objects.filter(source=plan)
    assert {link.target for link in links} == {resolution, programme}
    assert {link.kind for link in links} == {LinkKind.IMPLEMENTS}
    assert not DocumentLink.objects.filter(target__in=[basis, theirs]).exists()
    assert AuditEntry.objects.filter(action="document.link", object_id=str(plan.pk)).count() == 2
    upward, _ = cascade(plan, Document.objects.all())
    assert {node.document for node in upward.children} == {resolution, programme}


def test_reading_the_attachment_again_links_nothing_twice(world, client, programme):
    plan = _register(world.ward_clerk, world.ward, "05-KH/ĐU", Kind.PLAN, "Đảng ủy phường")
    client.force_login(world.ward_clerk)
    _attach(client, plan, "Thực hiện Chương trình hành động số 30-CTr/TU của Thành ủy.")
    assert services.links_from_attachments(plan) == []
    assert DocumentLink.objects.filter(source=plan).count() == 1


def test_a_link_that_would_close_a_loop_is_left_out(world, client, programme):
    plan = _register(world.ward_clerk, world.ward, "05-KH/ĐU", Kind.PLAN, "Đảng ủy phường")
    services.link_create(world.clerk, source=programme, target=plan, kind=LinkKind.IMPLEMENTS)
    client.force_login(world.ward_clerk)
    _attach(client, plan, "Thực hiện Chương trình hành động số 30-CTr/TU của Thành ủy.")
    assert not DocumentLink.objects.filter(source=plan).exists()
