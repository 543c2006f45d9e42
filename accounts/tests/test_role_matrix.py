"""The roles matrix comes from the policy: the page, docs/roles.md and the notes that say
who may do what a reader cannot."""

from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import matrix, policy
from accounts.models import Role
from accounts.policy import Action


def test_docs_roles_md_is_what_the_policy_makes_today():
    """Fails when accounts/policy.py changed and `manage.py roles_doc` was not run."""
    assert matrix.DOC_PATH.read_text(encoding="utf-8") == matrix.document()


def test_the_check_command_refuses_a_stale_document(tmp_path, monkeypatch):
    stale = tmp_path / "roles.md"
    stale.write_text("# Roles\n", encoding="utf-8")
    monkeypatch.setattr("accounts.management.commands.roles_doc.DOC_PATH", stale)
    try:
        call_command("roles_doc", check=True)
    except CommandError:
        pass
    else:
        raise AssertionError("a stale docs/roles.md was accepted")


def test_every_action_and_role_has_a_row_and_a_column():
    rows = matrix.rows()
    assert [row.action for row in rows] == list(Action)
    assert all(len(row.held) == len(Role.values) for row in rows)
    office = Role.values.index(Role.OFFICE)
    conferences = next(row for row in rows if row.action == Action.MANAGE_CONFERENCES)
    assert conferences.held[office]


def test_the_matrix_page_is_for_administrators_and_office_staff(world, client):
    for user in (world.admin, world.clerk, world.ward_clerk):
        client.force_login(user)
        response = client.get("/accounts/roles/")
        assert response.status_code == 200
        assert "Lên lịch hội nghị, quản lý điểm cầu" in response.content.decode()
    for user in (world.secretary, world.propaganda, world.inspector, world.member_user):
        client.force_login(user)
        assert client.get("/accounts/roles/").status_code == 403


def test_the_note_names_who_may_do_what_the_reader_cannot(world):
    note = matrix.who_may(Action.MANAGE_CONFERENCES, world.ward)
    assert note == (
        "Cấp ủy, Văn phòng hoặc Tuyên giáo của Đảng bộ phường Lam Hạ (hoặc cấp trên) "
        "lên lịch hội nghị, quản lý điểm cầu."
    )
    assert policy.can(world.ward_clerk, Action.MANAGE_CONFERENCES, world.ward)
