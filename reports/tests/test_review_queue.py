"""A reviewer moves report to report through their list, in the list's order and scope,
without the order or the links telling who wrote what in a blind campaign."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role, RoleGrant, User
from conftest import add_member
from reports.models import Report
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(world, campaign):
    """Reports of An and Bình (cell 1), Hoa (cell 2) and Cường (the commune)."""
    world.hoa = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    for member in (world.binh, world.an, world.hoa, world.cuong):
        submit(world, campaign, member, actor=world.admin if member == world.cuong else None)
    return {r.member_id: r for r in Report.objects.all()}


def _detail(client, report, query=""):
    url = reverse("reports:detail", kwargs={"report_pk": report.pk}) + query
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _links(html):
    prev = re.search(r'<a class="button" rel="prev"[^>]*href="([^"]+)"', html)
    nxt = re.search(r'<a class="button" rel="next"[^>]*href="([^"]+)"', html)
    return (
        prev.group(1).replace("&amp;", "&") if prev else None,
        nxt.group(1).replace("&amp;", "&") if nxt else None,
    )


def _walk(client, first, query):
    """Follow "next" from `first` to the end of the list: the report ids in order."""
    seen, url = [], reverse("reports:detail", kwargs={"report_pk": first.pk}) + query
    while url:
        seen.append(int(re.search(r"/reports/(\d+)/", url).group(1)))
        html = client.get(url).content.decode()
        url = _links(html)[1]
        assert len(seen) < 10
    return seen


def test_the_ward_secretary_walks_the_ward_list_in_its_order(world, client, campaign, written):
    client.force_login(world.secretary)
    query = f"?unit={world.ward.pk}"
    listed = client.get(reverse("reports:unit", args=[campaign.pk]) + query).content.decode()
    order = [int(pk) for pk in re.findall(r"/reports/(\d+)/\?unit=", listed)]
    first = Report.objects.get(pk=order[0])
    assert _walk(client, first, query) == order
    assert len(order) == 3  # An, Bình and Hoa; the commune is not the ward's

    html = _detail(client, first, query)
    assert "Bài 1/3 trong danh sách" in html and "Phím tắt: J" in html
    assert _links(html)[0] is None


def test_previous_walks_back_and_the_filter_of_the_list_is_kept(world, client, campaign, written):
    client.force_login(world.secretary)
    an, binh = written[world.an.pk], written[world.binh.pk]
    Report.objects.filter(pk=binh.pk).update(flagged=True)
    Report.objects.filter(pk=written[world.hoa.pk].pk).update(flagged=True)
    html = _detail(client, written[world.hoa.pk], f"?unit={world.ward.pk}&flagged=1")
    assert "Bài 2/2 trong danh sách" in html
    previous, following = _links(html)
    assert following is None and f"/reports/{binh.pk}/" in previous and "flagged=1" in previous
    assert f"/reports/{an.pk}/" not in html


def test_a_cell_reviewer_never_steps_outside_their_cell(world, client, campaign, written):
    reviewer = User.objects.create_user("chambai_kp1", password="pw")
    RoleGrant.objects.create(user=reviewer, organization=world.cell, role=Role.REVIEWER)
    client.force_login(reviewer)
    first = min((written[world.an.pk], written[world.binh.pk]), key=lambda r: r.member.sort_key)
    walked = _walk(client, first, "")
    assert sorted(walked) == sorted([written[world.an.pk].pk, written[world.binh.pk].pk])
    # Asking for a wider list from the report page changes nothing it may see.
    html = _detail(client, first, f"?unit={world.city.pk}")
    assert f"/reports/{written[world.hoa.pk].pk}/" not in html
    assert f"/reports/{written[world.cuong.pk].pk}/" not in html


def test_in_a_blind_campaign_the_way_through_goes_by_number_and_names_nobody(
    world, client, campaign, written
):
    campaign.blind_review = True
    campaign.save(update_fields=["blind_review"])
    reviewer = User.objects.create_user("chambai", password="pw")
    RoleGrant.objects.create(user=reviewer, organization=world.ward, role=Role.REVIEWER)
    client.force_login(reviewer)
    ward_reports = sorted(
        r.pk for m, r in written.items() if m in (world.an.pk, world.binh.pk, world.hoa.pk)
    )
    first = Report.objects.get(pk=ward_reports[0])
    assert _walk(client, first, "") == ward_reports
    html = _detail(client, Report.objects.get(pk=ward_reports[1]))
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Đỗ Thị Hoa", "Chi bộ khu phố"):
        assert name not in html
    assert not re.search(rf"unit={world.cell.pk}\b", html)
    # A narrower list (one cell) is not offered to walk in a blind campaign.
    html = _detail(client, first, f"?unit={world.cell.pk}")
    assert "trong danh sách" not in html and 'rel="next"' not in html


def test_a_report_outside_the_reviewers_scope_gives_no_way_in(world, client, campaign, written):
    client.force_login(world.outsider)
    url = reverse("reports:detail", kwargs={"report_pk": written[world.an.pk].pk})
    assert client.get(url + f"?unit={world.other.pk}").status_code == 404
