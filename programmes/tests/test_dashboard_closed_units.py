"""The programmes dashboard lists open units below in name order; closed ones only at the
reader's request, while their tasks stay in the totals."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import add_unit
from organizations.services import organization_close
from programmes import services

pytestmark = pytest.mark.django_db


def _task(world, programme, lead):
    return services.task_add(
        world.clerk,
        programme,
        content="Xây dựng kế hoạch chuyển đổi số",
        lead=lead,
        deadline=timezone.localdate() + dt.timedelta(days=10),
        product="Kế hoạch",
    )


@pytest.fixture
def closed(world, programme):
    old = add_unit(world.city, "Quận ủy Kim Bảng (cũ)", "HNA-KB", "HU", "HU")
    _task(world, programme, world.ward)
    _task(world, programme, old)
    organization_close(world.clerk, old, closed_on=timezone.localdate() - dt.timedelta(days=1))
    return old


def test_a_closed_unit_is_hidden_from_the_programmes_dashboard_until_asked_for(
    world, closed, client
):
    client.force_login(world.clerk)
    url = reverse("programmes:dashboard") + f"?unit={world.city.pk}"
    page = client.get(url)
    assert [f.unit for f in page.context["rollup"].children] == [world.ward, world.commune]
    assert page.context["rollup"].total.total == 2
    html = page.content.decode()
    assert "1 đơn vị đã giải thể, sáp nhập được ẩn" in html
    assert "Kim Bảng" not in html
    shown = client.get(url + "&closed=1")
    units = [f.unit for f in shown.context["rollup"].children]
    assert units == [world.ward, world.commune, closed]
    assert shown.context["rollup"].total.total == 2
    assert "Đã giải thể" in shown.content.decode()


def test_the_switch_keeps_the_document_chosen(world, programme, closed, client):
    client.force_login(world.clerk)
    query = f"?unit={world.city.pk}&document={programme.document_id}"
    url = reverse("programmes:dashboard") + query
    html = client.get(url).content.decode()
    assert f"document={programme.document_id}&amp;closed=1" in html
