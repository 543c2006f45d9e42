"""A reviewer starts at the first report waiting for a rating and, each rating saved,
lands on the next waiting one, until none is left."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import _user, add_member
from reports.models import Report, State
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world, campaign):
    """Reports of An and Bình (cell 1) and Hoa (cell 2), all waiting for a rating."""
    world.hoa = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    return {m.pk: submit(world, campaign, m).report for m in (world.an, world.binh, world.hoa)}


def _listed(client, campaign, world) -> list[int]:
    url = reverse("reports:unit", args=[campaign.pk]) + f"?unit={world.ward.pk}&state=submitted"
    html = client.get(url).content.decode()
    return list(dict.fromkeys(int(pk) for pk in re.findall(r"/reports/(\d+)/\?unit=", html)))


def _rate(client, url, rating="Đạt"):
    return client.post(url, {"decision": "rate", "rating": rating})


def test_the_first_waiting_report_opens_in_the_lists_order(world, campaign, waiting, client):
    client.force_login(world.secretary)
    order = _listed(client, campaign, world)
    answer = client.get(reverse("reports:review-next", args=[campaign.pk]))
    assert answer.status_code == 302
    assert answer.url.startswith(f"/reports/{order[0]}/?")
    assert f"unit={world.ward.pk}" in answer.url and "state=submitted" in answer.url


def test_each_rating_saved_opens_the_next_waiting_report(world, campaign, waiting, client):
    client.force_login(world.secretary)
    order = _listed(client, campaign, world)
    url = client.get(reverse("reports:review-next", args=[campaign.pk])).url
    for pk in order[:-1]:
        assert url.startswith(f"/reports/{pk}/?")
        answer = _rate(client, url)
        assert answer.status_code == 302
        url = answer.url
        assert Report.objects.get(pk=pk).state == State.RATED
        page = client.get(url).content.decode()
        assert "Đây là bài tiếp theo." in page
    # The last one stays on its page, rated.
    assert url.startswith(f"/reports/{order[-1]}/?")
    answer = _rate(client, url, "Không đạt")
    assert answer.url == url
    assert Report.objects.get(pk=order[-1]).rating == "Không đạt"


def test_a_comment_alone_keeps_the_reviewer_on_the_report(world, campaign, waiting, client):
    client.force_login(world.secretary)
    url = client.get(reverse("reports:review-next", args=[campaign.pk])).url
    answer = client.post(url, {"decision": "comment", "comment": "Cần nêu rõ việc làm."})
    assert answer.url == url


def test_with_nothing_waiting_the_list_opens_and_says_so(world, campaign, waiting, client):
    Report.objects.update(state=State.RATED, rating="Đạt")
    client.force_login(world.secretary)
    answer = client.get(reverse("reports:review-next", args=[campaign.pk]), follow=True)
    assert answer.redirect_chain[-1][0].startswith(f"/reports/campaign/{campaign.pk}/?")
    assert "Không còn bài thu hoạch nào chờ chấm." in answer.content.decode()


def test_someone_without_a_review_role_gets_no_report(world, campaign, waiting, client):
    client.force_login(world.inspector)
    answer = client.get(reverse("reports:review-next", args=[campaign.pk]))
    assert answer.status_code in (403, 404)


def test_a_report_opened_on_its_own_stays_open_once_rated(world, campaign, waiting, client):
    client.force_login(world.secretary)
    url = reverse("reports:detail", kwargs={"report_pk": waiting[world.an.pk].pk})
    assert _rate(client, url).url == url


def test_in_a_blind_campaign_the_way_on_names_nobody(world, campaign, waiting, client):
    campaign.blind_review = True
    campaign.save(update_fields=["blind_review"])
    client.force_login(_user("chambai", Role.REVIEWER, world.ward))
    url = client.get(reverse("reports:review-next", args=[campaign.pk])).url
    answer = client.post(url, {"decision": "rate", "rating": "Đạt"}, follow=True)
    page = answer.content.decode()
    assert "Đã ghi xếp loại Đạt cho Bài số" in page
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Đỗ Thị Hoa"):
        assert name not in page
