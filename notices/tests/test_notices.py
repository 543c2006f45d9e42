"""A member's notices are theirs alone: shown on their page, read or unread."""

import pytest
from django.urls import reverse

from notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(world):
    return Notice.objects.create(
        member=world.an, title="Nhắc nộp bài thu hoạch", body="Hạn nộp: 20/11/2026.", link="/"
    )


def test_the_member_marks_a_notice_read(world, notice, client):
    client.force_login(world.member_user)
    assert Notice.objects.unread().filter(member=world.an).count() == 1
    answer = client.post(reverse("notices:read", args=[notice.pk]))
    assert answer.url == reverse("home")
    notice.refresh_from_db()
    assert notice.is_read and not Notice.objects.unread().exists()


def test_nobody_else_can_mark_it_read(world, notice, client):
    for user in (world.secretary, world.admin, world.outsider):
        client.force_login(user)
        assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert not notice.is_read


def test_opening_a_notice_leads_only_inside_the_site(world, client):
    outside = Notice.objects.create(member=world.an, title="x", link="https://evil.example/")
    client.force_login(world.member_user)
    answer = client.post(reverse("notices:read", args=[outside.pk]), {"follow": "1"})
    assert answer.url == reverse("home")
