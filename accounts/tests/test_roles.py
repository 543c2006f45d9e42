"""Granting roles: only roles the grantor may hand out (the policy's table), only to
members of the grantor's subtree, never to oneself, with one answer for every refusal."""

import pytest

from accounts import policy
from accounts.models import Role, RoleGrant, User
from accounts.policy import Action
from audit.models import AuditEntry
from conftest import add_member

REFUSED = "Không thể cấp vai trò này cho người đã chọn tại đơn vị này."


def account_for(member, username):
    user = User.objects.create_user(username, password="pw")
    member.user = user
    member.save(update_fields=["user"])
    return user


@pytest.fixture
def binh_user(world):
    return account_for(world.binh, "binh")


def grant(client, unit, member_pk, role):
    return client.post(f"/accounts/roles/unit/{unit.pk}/", {"member": member_pk, "role": role})


def test_a_secretary_grants_a_reviewer_to_a_member_of_their_committee(world, client, binh_user):
    client.force_login(world.secretary)
    response = grant(client, world.cell, world.binh.pk, "reviewer")
    assert response.status_code == 302
    assert policy.can(binh_user, Action.REVIEW_REPORTS, world.cell)
    assert not policy.can(binh_user, Action.REVIEW_REPORTS, world.cell2)
    entry = AuditEntry.objects.get(action="role.grant")
    assert entry.actor == world.secretary and entry.changes["role"] == [None, "reviewer"]


def test_the_office_grants_a_reviewer_anywhere_in_its_subtree(world, client, binh_user):
    client.force_login(world.clerk)
    assert grant(client, world.city, world.binh.pk, "reviewer").status_code == 302
    assert RoleGrant.objects.active().filter(user=binh_user, role="reviewer").exists()


def test_a_committee_grants_the_committee_role_only_below_its_own_unit(world, client, binh_user):
    client.force_login(world.secretary)
    assert REFUSED in grant(client, world.ward, world.binh.pk, "committee").content.decode()
    assert grant(client, world.cell, world.binh.pk, "committee").status_code == 302
    assert policy.can(binh_user, Action.GRANT_ROLES, world.cell)


def test_nobody_grants_a_role_to_themselves(world, client):
    add_member(world.cell2, "Đỗ Văn Thư", "010299", user=world.secretary)
    client.force_login(world.secretary)
    own = world.secretary.member.pk
    for unit, role in ((world.ward, "reviewer"), (world.cell2, "committee")):
        assert REFUSED in grant(client, unit, own, role).content.decode()
    assert RoleGrant.objects.filter(user=world.secretary).count() == 1


def test_the_committee_cannot_give_the_office_role_or_anything_it_does_not_hold(
    world, client, binh_user
):
    client.force_login(world.secretary)
    for role in ("office", "propaganda"):
        for unit in (world.ward, world.cell):
            body = grant(client, unit, world.binh.pk, role).content.decode()
            assert REFUSED in body, (role, unit)
    assert not RoleGrant.objects.filter(user=binh_user).exists()
    page = client.get(f"/accounts/roles/unit/{world.ward.pk}/", {"q": "binh"}).content.decode()
    assert '<option value="office"' not in page and '<option value="inspection"' in page


def test_a_reviewer_or_an_inspector_grants_nothing(world, client, binh_user):
    client.force_login(world.inspector)
    assert client.get(f"/accounts/roles/unit/{world.ward.pk}/").status_code == 403
    assert grant(client, world.ward, world.binh.pk, "inspection").status_code == 403
    assert policy.grantable_roles(world.inspector, world.ward) == []


def test_a_grantee_outside_the_grantors_subtree_is_refused(world, client):
    account_for(world.cuong, "cuong")  # in the commune, not in the ward
    account_for(world.stranger, "xa")  # in another province
    client.force_login(world.secretary)
    for member in (world.cuong, world.stranger):
        assert REFUSED in grant(client, world.ward, member.pk, "reviewer").content.decode()
    assert not RoleGrant.objects.filter(role="reviewer").exists()


def test_every_refusal_reads_the_same_whatever_the_account(world, client, binh_user):
    account_for(world.stranger, "xa")
    no_account = add_member(world.cell2, "Vũ Thị Hoa", "010301")
    client.force_login(world.secretary)

    def error(member_pk, role="reviewer"):
        body = grant(client, world.ward, member_pk, role).content.decode()
        return body.split('<div class="errors" role="alert">')[1].split("</div>")[0]

    answers = {
        error(world.stranger.pk),  # exists, with an account, elsewhere
        error(world.an.pk + world.binh.pk + world.stranger.pk + 1000),  # no such member
        error(no_account.pk),  # in the subtree, but without an account
        error(world.binh.pk, "office"),  # a role the grantor does not hold
    }
    assert answers == {f"<p>{REFUSED}</p>"}


def test_the_search_offers_only_members_of_the_subtree_with_an_account(world, client, binh_user):
    account_for(world.cuong, "cuong")
    client.force_login(world.secretary)
    page = client.get(f"/accounts/roles/unit/{world.ward.pk}/", {"q": "tran binh"})
    assert "Trần Thị Bình" in page.content.decode()
    page = client.get(f"/accounts/roles/unit/{world.ward.pk}/", {"q": "cuong"}).content.decode()
    assert "Lê Quốc Cường" not in page
    page = client.get(f"/accounts/roles/unit/{world.ward.pk}/", {"q": "010204"}).content.decode()
    assert f'value="{world.binh.pk}"' in page


def test_granting_twice_explains_why(world, client, binh_user):
    client.force_login(world.secretary)
    grant(client, world.ward, world.binh.pk, "reviewer")
    body = grant(client, world.ward, world.binh.pk, "reviewer").content.decode()
    assert "đã có vai trò" in body
    assert RoleGrant.objects.filter(user=binh_user).count() == 1


def test_revoking_a_grant_takes_effect_at_once(world, client):
    ward_clerk = RoleGrant.objects.get(user=world.ward_clerk)
    client.force_login(world.clerk)
    assert client.post(f"/accounts/roles/{ward_clerk.pk}/revoke/").status_code == 302
    ward_clerk.refresh_from_db()
    assert ward_clerk.revoked_at is not None
    assert AuditEntry.objects.filter(action="role.revoke", actor=world.clerk).exists()
    client.force_login(world.ward_clerk)
    assert client.get(f"/units/{world.ward.pk}/").status_code == 404


def test_revoking_follows_the_same_table_and_never_ones_own_grant(world, client):
    client.force_login(world.secretary)
    for held in (world.ward_clerk, world.secretary):
        response = client.post(
            f"/accounts/roles/{RoleGrant.objects.get(user=held).pk}/revoke/", follow=True
        )
        assert "việc đó thuộc cấp trên" in response.content.decode()
    assert (
        RoleGrant.objects.active().filter(user__in=[world.ward_clerk, world.secretary]).count() == 2
    )
    assert not RoleGrant.objects.exclude(revoked_at=None).exists()


def test_the_page_shows_the_granting_table(world, client):
    client.force_login(world.clerk)
    page = client.get(f"/accounts/roles/unit/{world.city.pk}/").content.decode()
    assert "Ai được cấp vai trò nào" in page
    assert "<td>Văn phòng</td><td" in page and "Chấm bài thu hoạch" in page


def test_every_role_that_may_grant_has_an_entry_in_the_table():
    granting = {role for role, acts in policy.ROLE_ACTIONS.items() if Action.GRANT_ROLES in acts}
    assert granting == set(policy.GRANTABLE)
    for held, given in policy.GRANTABLE.items():
        for role in given:
            extra = policy.ROLE_ACTIONS[role] - policy.ROLE_ACTIONS[held]
            # The one documented exception: the office records its committee's reviewers.
            assert not extra or (held, role) == (Role.OFFICE, Role.REVIEWER), (held, role)
