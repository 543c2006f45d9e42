"""A ward plan implements a city programme that implements a Central resolution."""

import datetime as dt
import re

import pytest

from conftest import add_unit
from documents import services
from documents.models import DocumentLink, Kind, LinkKind, Obligation
from organizations.models import Organization
from organizations.services import organization_move


def register(actor, owner, symbol_raw, kind, issuer_name, issued_on, term, title):
    return services.document_register(
        actor,
        owner=owner,
        symbol_raw=symbol_raw,
        kind=kind,
        issuer_name=issuer_name,
        issued_on=issued_on,
        term=term,
        title=title,
    )


@pytest.fixture
def central(world):
    """The Central Committee registered above the city: the whole Hà Nam tree moves
    under it, Ninh Bình stays a tree of its own."""
    tw = add_unit(None, "Ban Chấp hành Trung ương", "TW", "TW", "TW")
    organization_move(world.admin, Organization.objects.get(pk=world.city.pk), tw)
    for name in ("city", "ward", "cell", "cell2", "commune", "commune_cell", "other"):
        getattr(world, name).refresh_from_db()
    tw.refresh_from_db()
    return tw


@pytest.fixture
def chain(world, central):
    """45-NQ/TW ← 30-CTr/TU ← 05-KH/ĐU, linked by the clerks who registered them."""
    resolution = register(
        world.admin,
        central,
        "45-NQ/TW",
        Kind.RESOLUTION,
        "Ban Chấp hành Trung ương",
        dt.date(2024, 1, 24),
        13,
        "Về tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức",
    )
    programme = register(
        world.clerk,
        world.city,
        "30-CTr/TU",
        Kind.PROGRAMME,
        "Thành ủy Hà Nam",
        dt.date(2024, 3, 10),
        20,
        "Chương trình hành động thực hiện Nghị quyết 45-NQ/TW",
    )
    plan = register(
        world.ward_clerk,
        world.ward,
        "05-KH/ĐU",
        Kind.PLAN,
        "Đảng ủy phường Lam Hạ",
        dt.date(2024, 4, 2),
        5,
        "Kế hoạch thực hiện Chương trình 30-CTr/TU",
    )
    return resolution, programme, plan


def link(client, source, target_symbol, kind=LinkKind.IMPLEMENTS):
    return client.post(
        f"/documents/{source.pk}/links/", {"kind": kind, "target": target_symbol}, follow=True
    )


def tree(page: str, heading: str) -> str:
    """The part of the detail page under one of the two cascade headings."""
    start = page.index(heading)
    return page[start : page.index("</section>", start)]


def hrefs(fragment: str) -> list[str]:
    return re.findall(r'href="/documents/(\d+)/"', fragment)


def test_the_documents_of_a_root_that_is_not_above_the_city_stay_hidden(world, client):
    # Central must sit above the city in the tree for the city to see its documents.
    tw = add_unit(None, "Ban Chấp hành Trung ương", "TW", "TW", "TW")
    resolution = register(
        world.admin, tw, "45-NQ/TW", Kind.RESOLUTION, "BCH TW", dt.date(2024, 1, 24), 13, "NQ"
    )
    client.force_login(world.clerk)
    assert client.get(f"/documents/{resolution.pk}/").status_code == 404
    organization_move(world.admin, Organization.objects.get(pk=world.city.pk), tw)
    client.force_login(world.clerk)
    assert client.get(f"/documents/{resolution.pk}/").status_code == 200


def test_clerks_link_each_level_by_typing_the_higher_symbol(world, client, chain):
    resolution, programme, plan = chain
    client.force_login(world.clerk)
    response = link(client, programme, "45-NQ/TƯ")
    assert "Đã liên kết văn bản." in response.content.decode()
    client.force_login(world.ward_clerk)
    response = link(client, plan, "30-Ctr/TU")
    assert "Đã liên kết văn bản." in response.content.decode()
    assert sorted(DocumentLink.objects.values_list("source__symbol", "target__symbol", "kind")) == [
        ("05-KH/ĐU", "30-CTr/TU", "implements"),
        ("30-CTr/TU", "45-NQ/TW", "implements"),
    ]
    assert DocumentLink.objects.get(source=plan).created_by == world.ward_clerk


def test_the_detail_page_shows_the_cascade_both_ways(world, client, chain):
    resolution, programme, plan = chain
    services.link_create(world.clerk, source=programme, target=resolution, kind="implements")
    services.link_create(world.ward_clerk, source=plan, target=programme, kind="implements")
    client.force_login(world.clerk)

    page = client.get(f"/documents/{programme.pk}/").content.decode()
    assert hrefs(tree(page, "Văn bản này thực hiện")) == [str(resolution.pk)]
    assert hrefs(tree(page, "Các văn bản thực hiện văn bản này")) == [str(plan.pk)]

    page = client.get(f"/documents/{plan.pk}/").content.decode()
    up = tree(page, "Văn bản này thực hiện")
    assert hrefs(up) == [str(programme.pk), str(resolution.pk)]
    assert up.index("30-CTr/TU") < up.index("45-NQ/TW")
    assert "triển khai thực hiện" in up
    assert "Chưa có văn bản nào triển khai." in page

    page = client.get(f"/documents/{resolution.pk}/").content.decode()
    down = tree(page, "Các văn bản thực hiện văn bản này")
    assert hrefs(down) == [str(programme.pk), str(plan.pk)]
    assert "Không có văn bản cấp trên được liên kết." in page


def test_the_ward_sees_the_higher_documents_but_not_its_siblings_plans(world, client, chain):
    resolution, programme, plan = chain
    commune_plan = register(
        world.clerk,
        world.commune,
        "07-KH/ĐU",
        Kind.PLAN,
        "Đảng ủy xã Tiên Tân",
        dt.date(2024, 4, 5),
        5,
        "Kế hoạch của xã",
    )
    services.link_create(world.clerk, source=programme, target=resolution, kind="implements")
    services.link_create(world.ward_clerk, source=plan, target=programme, kind="implements")
    services.link_create(world.clerk, source=commune_plan, target=programme, kind="implements")

    client.force_login(world.ward_clerk)
    page = client.get(f"/documents/{programme.pk}/").content.decode()
    assert hrefs(tree(page, "Các văn bản thực hiện văn bản này")) == [str(plan.pk)]
    assert "07-KH/ĐU" not in page
    assert client.get(f"/documents/{commune_plan.pk}/").status_code == 404

    client.force_login(world.clerk)
    page = client.get(f"/documents/{programme.pk}/").content.decode()
    assert hrefs(tree(page, "Các văn bản thực hiện văn bản này")) == [
        str(plan.pk),
        str(commune_plan.pk),
    ]


def test_a_document_cannot_link_to_itself(world, client, chain):
    _, programme, _ = chain
    client.force_login(world.clerk)
    response = link(client, programme, "30-CTr/TU")
    assert "Một văn bản không thể liên kết với chính nó." in response.content.decode()
    assert not DocumentLink.objects.exists()


def test_a_cycle_is_refused_with_a_clear_message(world, client, chain):
    resolution, programme, plan = chain
    services.link_create(world.clerk, source=programme, target=resolution, kind="implements")
    services.link_create(world.ward_clerk, source=plan, target=programme, kind="implements")
    # The Central resolution cannot implement the ward's plan.
    client.force_login(world.admin)
    response = link(client, resolution, "05-KH/ĐU", LinkKind.GUIDES)
    assert (
        "Liên kết này tạo thành vòng: 05-KH/ĐU đã (gián tiếp) dựa trên 45-NQ/TW."
        in response.content.decode()
    )
    assert DocumentLink.objects.count() == 2


def test_the_same_link_twice_is_refused(world, client, chain):
    resolution, programme, _ = chain
    client.force_login(world.clerk)
    link(client, programme, "45-NQ/TW")
    response = link(client, programme, "45-NQ/TW")
    assert "Liên kết này đã có." in response.content.decode()
    assert DocumentLink.objects.count() == 1


def test_an_unknown_target_symbol_is_reported(world, client, chain):
    _, programme, _ = chain
    client.force_login(world.clerk)
    response = link(client, programme, "99-NQ/TW")
    assert "Không tìm thấy văn bản “99-NQ/TW” trong sổ đăng ký." in response.content.decode()
    assert not DocumentLink.objects.exists()


def test_a_target_in_another_province_is_not_found(world, client, chain):
    _, programme, _ = chain
    theirs = register(
        world.outsider,
        world.other,
        "12-NQ/TU",
        Kind.RESOLUTION,
        "Tỉnh ủy Ninh Bình",
        dt.date(2024, 2, 1),
        22,
        "Nghị quyết của Ninh Bình",
    )
    client.force_login(world.clerk)
    response = link(client, programme, "12-NQ/TU")
    assert "Không tìm thấy văn bản “12-NQ/TU”" in response.content.decode()
    assert not DocumentLink.objects.filter(target=theirs).exists()


def test_a_ward_clerk_cannot_link_the_citys_programme(world, client, chain):
    resolution, programme, _ = chain
    client.force_login(world.ward_clerk)
    response = client.post(
        f"/documents/{programme.pk}/links/", {"kind": "implements", "target": "45-NQ/TW"}
    )
    assert response.status_code == 403
    assert not DocumentLink.objects.exists()


def test_removing_the_implementing_link_reverts_a_sent_obligation_to_drafted(world, client, chain):
    _, programme, plan = chain
    services.obligations_assign(
        world.clerk, document=programme, units=[world.ward], due_on=dt.date(2024, 5, 1)
    )
    services.link_create(world.ward_clerk, source=plan, target=programme, kind="implements")
    obligation = Obligation.objects.get()
    assert (obligation.state, obligation.plan, obligation.sent_on) == (
        Obligation.State.SENT,
        plan,
        dt.date(2024, 4, 2),
    )
    client.force_login(world.ward_clerk)
    the_link = DocumentLink.objects.get()
    response = client.post(f"/documents/links/{the_link.pk}/delete/", follow=True)
    assert "Đã bỏ liên kết." in response.content.decode()
    obligation.refresh_from_db()
    assert (obligation.state, obligation.plan, obligation.sent_on) == (
        Obligation.State.DRAFTED,
        None,
        None,
    )
    assert not DocumentLink.objects.exists()


def test_removing_another_kind_of_link_keeps_the_obligation_sent(world, chain):
    _, programme, plan = chain
    services.obligations_assign(
        world.clerk, document=programme, units=[world.ward], due_on=dt.date(2024, 5, 1)
    )
    services.link_create(world.ward_clerk, source=plan, target=programme, kind="implements")
    guides = services.link_create(world.ward_clerk, source=plan, target=programme, kind="guides")
    services.link_delete(world.ward_clerk, guides)
    obligation = Obligation.objects.get()
    assert (obligation.state, obligation.plan) == (Obligation.State.SENT, plan)


def test_an_outsider_cannot_remove_a_link(world, client, chain):
    resolution, programme, _ = chain
    the_link = services.link_create(
        world.clerk, source=programme, target=resolution, kind="implements"
    )
    client.force_login(world.outsider)
    assert client.post(f"/documents/links/{the_link.pk}/delete/").status_code == 404
    client.force_login(world.ward_clerk)
    assert client.post(f"/documents/links/{the_link.pk}/delete/").status_code == 404
    assert DocumentLink.objects.filter(pk=the_link.pk).exists()


def test_equal_symbols_of_two_terms_are_told_apart_by_the_year(world, client):
    from documents import services
    from documents.models import Document, Kind

    def register(term, year):
        return services.document_register(
            world.clerk, owner=world.city, symbol_raw="23-NQ/TU", kind=Kind.RESOLUTION,
            issuer_name="Thành ủy Hà Nam", issued_on=dt.date(year, 5, 1), term=term,
            title=f"Nghị quyết khóa {term}",
        )  # fmt: skip

    older, newer = register(19, 2018), register(20, 2023)
    plan = services.document_register(
        world.clerk, owner=world.city, symbol_raw="12-KH/TU", kind=Kind.PLAN,
        issuer_name="Thành ủy Hà Nam", issued_on=dt.date(2024, 1, 5), term=20, title="Kế hoạch",
    )  # fmt: skip
    client.force_login(world.clerk)
    response = client.post(
        f"/documents/{plan.pk}/links/", {"kind": "implements", "target": "23-NQ/TU"}, follow=True
    )
    assert "Có 2 văn bản khớp" in response.content.decode()
    assert not plan.links_out.exists()
    client.post(f"/documents/{plan.pk}/links/", {"kind": "implements", "target": "23-NQ/TU 2023"})
    assert [link.target for link in plan.links_out.all()] == [newer]
    assert older != newer and Document.objects.count() == 3
