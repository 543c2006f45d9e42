"""When the search for a grantee finds one member, that member comes chosen; when it
finds several, the grantor chooses."""

import re

import pytest

from accounts.tests.test_roles import account_for

pytestmark = pytest.mark.django_db


def _checked(html: str) -> list[str]:
    return re.findall(r'name="member" value="(\d+)" checked', html)


def test_the_one_member_found_comes_chosen(world, client):
    account_for(world.binh, "binh")
    client.force_login(world.secretary)
    page = client.get(f"/accounts/roles/unit/{world.ward.pk}/", {"q": "tran binh"})
    assert _checked(page.content.decode()) == [str(world.binh.pk)]


def test_among_several_nobody_is_chosen_for_the_grantor(world, client):
    account_for(world.binh, "binh")  # An already has an account
    client.force_login(world.secretary)
    page = client.get(f"/accounts/roles/unit/{world.ward.pk}/", {"q": "010"}).content.decode()
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" in page
    assert _checked(page) == []
