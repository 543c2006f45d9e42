"""From the roles matrix, one who grants opens the roles page of a unit found by typing
its name, among the units where they may grant and nowhere else."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_administrator_opens_a_wards_roles_page_from_the_matrix(world, client):
    client.force_login(world.admin)
    page = client.get("/accounts/roles/").content.decode()
    assert 'id="grant-place"' in page and "Mở trang phân quyền" in page
    answer = client.get("/accounts/roles/", {"unit": world.ward.pk})
    assert answer.status_code == 302 and answer.url == f"/accounts/roles/unit/{world.ward.pk}/"


def test_a_unit_outside_the_grantors_scope_is_refused(world, client):
    client.force_login(world.ward_clerk)
    answer = client.get("/accounts/roles/", {"unit": world.city.pk})
    assert answer.status_code == 200
    assert answer.context["place"].errors["unit"]
    answer = client.get("/accounts/roles/", {"unit": world.cell.pk})
    assert answer.url == f"/accounts/roles/unit/{world.cell.pk}/"
