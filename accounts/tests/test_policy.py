import pytest
from django.http import Http404

from accounts import policy
from accounts.models import RoleGrant
from accounts.policy import Action
from accounts.services import role_grant, role_revoke


def test_a_grant_on_a_unit_covers_its_whole_subtree(world):
    assert policy.can(world.secretary, Action.VIEW, world.ward)
    assert policy.can(world.secretary, Action.VIEW, world.cell)
    assert not policy.can(world.secretary, Action.VIEW, world.commune)
    assert not policy.can(world.secretary, Action.VIEW, world.city)


def test_the_queryset_form_agrees_with_the_yes_no_form(world):
    from organizations.models import Organization

    for user in (world.clerk, world.secretary, world.propaganda, world.outsider, world.member_user):
        for action in Action:
            allowed = set(policy.organizations_for(user, action))
            for unit in Organization.objects.all():
                assert (unit in allowed) == policy.can(user, action, unit), (user, action, unit)


def test_roles_allow_only_their_own_actions(world):
    assert policy.can(world.clerk, Action.MANAGE_MEMBERS, world.cell)
    assert not policy.can(world.propaganda, Action.MANAGE_MEMBERS, world.cell)
    assert not policy.can(world.inspector, Action.GRANT_ROLES, world.cell)
    assert policy.can(world.secretary, Action.GRANT_ROLES, world.cell)
    assert policy.can(world.inspector, Action.VIEW_AUDIT, world.cell)
    assert not policy.can(world.inspector, Action.MANAGE_UNITS, world.cell)


def test_a_superuser_may_do_everything_everywhere(world):
    assert policy.can(world.admin, Action.MANAGE_UNITS, world.other_cell)
    assert policy.members_for(world.admin, Action.VIEW).count() == 4


def test_a_plain_member_sees_only_their_own_record(world):
    assert list(policy.members_for(world.member_user, Action.VIEW)) == [world.an]
    assert policy.get_member_for(world.member_user, world.an.pk, Action.VIEW) == world.an
    with pytest.raises(Http404):
        policy.get_member_for(world.member_user, world.binh.pk, Action.VIEW)
    assert not policy.organizations_for(world.member_user, Action.VIEW).exists()
    assert policy.members_for(world.member_user, Action.MANAGE_MEMBERS).count() == 0


def test_fetch_helpers_hide_other_subtrees_behind_404(world):
    with pytest.raises(Http404):
        policy.get_organization_for(world.clerk, world.other.pk, Action.VIEW)
    with pytest.raises(Http404):
        policy.get_member_for(world.clerk, world.stranger.pk, Action.VIEW)
    with pytest.raises(Http404):
        policy.get_organization_for(world.clerk, "not-a-number", Action.VIEW)


def test_a_revoked_grant_no_longer_counts(world):
    grant = RoleGrant.objects.get(user=world.secretary)
    role_revoke(world.admin, grant)
    assert not policy.can(world.secretary, Action.VIEW, world.ward)


def test_nested_grants_collapse_to_the_outermost_path(world):
    role_grant(world.admin, user=world.clerk, organization=world.ward, role="office")
    assert policy.scope_paths(world.clerk, Action.VIEW) == [world.city.path]


def test_inactive_users_have_no_scope(world):
    world.clerk.is_active = False
    assert not policy.can(world.clerk, Action.VIEW, world.cell)


def test_what_each_role_may_grant_on_its_own_unit_and_below(world):
    assert policy.grantable_roles(world.secretary, world.ward) == ["inspection", "reviewer"]
    assert policy.grantable_roles(world.secretary, world.cell) == [
        "committee",
        "inspection",
        "reviewer",
    ]
    assert policy.grantable_roles(world.secretary, world.commune) == []
    assert policy.grantable_roles(world.clerk, world.city) == ["reviewer"]
    assert policy.grantable_roles(world.clerk, world.ward) == ["office", "reviewer"]
    assert policy.grantable_roles(world.propaganda, world.ward) == ["propaganda", "reviewer"]
    assert policy.grantable_roles(world.inspector, world.ward) == []
    assert policy.grantable_roles(world.member_user, world.cell) == []
    assert len(policy.grantable_roles(world.admin, world.other)) == len(policy.Role.values)
