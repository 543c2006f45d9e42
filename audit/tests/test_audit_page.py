"""The audit page: the trail of the units one may audit, filtered by person, kind of
action and unit, newest first, a page at a time."""

from audit.services import audit_record


def rows(client, **params):
    body = client.get("/audit/", params).content.decode()
    return body.split("<tbody>")[1].split("</tbody>")[0]


def test_an_inspector_sees_the_trail_of_their_subtree_only(world, client):
    audit_record(world.clerk, "member.update", world.an)
    audit_record(world.outsider, "member.update", world.stranger)
    audit_record(None, "auth.login_failed", label="khong_co_ai")
    client.force_login(world.inspector)
    shown = rows(client)
    assert "Nguyễn Văn An" in shown
    assert "Phạm Văn Xa" not in shown and "khong_co_ai" not in shown
    client.force_login(world.admin)
    assert "khong_co_ai" in rows(client) and "Phạm Văn Xa" in rows(client)


def test_the_trail_is_filtered_by_person_action_and_unit(world, client):
    audit_record(world.clerk, "member.update", world.an)
    audit_record(world.clerk, "document.register", world.city, label="Kế hoạch 12-KH/TU")
    audit_record(world.ward_clerk, "member.create", world.cuong)
    client.force_login(world.inspector)
    by_person = rows(client, actor="vanphong")
    assert "Nguyễn Văn An" in by_person and "Kế hoạch 12-KH/TU" in by_person
    assert "Lê Quốc Cường" not in by_person
    by_kind = rows(client, action="member")
    assert "Nguyễn Văn An" in by_kind and "Lê Quốc Cường" in by_kind
    assert "Kế hoạch" not in by_kind
    exact = rows(client, action="member.create")
    assert "Lê Quốc Cường" in exact and "Nguyễn Văn An" not in exact
    by_unit = rows(client, unit=world.ward.pk)
    assert "Nguyễn Văn An" in by_unit and "Lê Quốc Cường" not in by_unit
    assert "Kế hoạch" not in by_unit


def test_a_committee_reads_only_its_own_subtree_and_no_other_unit(world, client):
    audit_record(world.clerk, "member.update", world.an)
    audit_record(world.clerk, "member.update", world.cuong)
    client.force_login(world.secretary)
    shown = rows(client)
    assert "Nguyễn Văn An" in shown and "Lê Quốc Cường" not in shown
    assert client.get("/audit/", {"unit": world.commune.pk}).status_code == 404
    assert client.get("/audit/", {"unit": world.other.pk}).status_code == 404


def test_those_who_may_not_audit_are_turned_away(world, client):
    for user in (world.propaganda, world.member_user):
        client.force_login(user)
        assert client.get("/audit/").status_code == 403
        assert "/audit/" not in client.get("/accounts/tokens/").content.decode()
    client.force_login(world.inspector)
    assert 'href="/audit/"' in client.get("/accounts/tokens/").content.decode()


def test_the_trail_is_read_a_page_at_a_time(world, client):
    for i in range(120):
        audit_record(world.clerk, "test.action", world.cell, label=f"mục {i:03d}")
    client.force_login(world.inspector)
    first = client.get("/audit/", {"action": "test.action"}).content.decode()
    assert rows(client, action="test.action").count('<td data-label="Đối tượng">mục') == 50
    assert "mục 119" in first and "mục 070" in first and "mục 069" not in first
    assert "page=2" in first
    last = client.get("/audit/", {"action": "test.action", "page": 3}).content.decode()
    assert "mục 019" in last and "mục 000" in last and "page=4" not in last


def test_recorded_dates_are_shown_the_vietnamese_way(world, client):
    audit_record(
        world.clerk,
        "organization.close",
        world.cell2,
        {"valid_to": [None, "2026-03-05"], "at": ["2026-03-05T01:30:00+00:00", ""]},
    )
    client.force_login(world.inspector)
    shown = rows(client)
    assert "∅ → 05/03/2026" in shown and "05/03/2026 08:30 → ∅" in shown


def test_odd_filters_are_ignored_rather_than_failing(world, client):
    client.force_login(world.inspector)
    for params in ({"unit": "abc"}, {"page": "-3"}, {"page": "99999"}, {"actor": "x" * 300}):
        assert client.get("/audit/", params).status_code == 200, params


def test_actions_fields_and_yes_or_no_read_in_vietnamese(world, client):
    audit_record(world.clerk, "member.update", world.an, {"full_name": ["A", "B"]})
    audit_record(world.clerk, "member.transfer", world.cuong, {"late": [None, False]})
    client.force_login(world.inspector)
    shown = rows(client)
    assert "Đảng viên: sửa" in shown and "Đảng viên: chuyển sinh hoạt" in shown
    assert "Họ và tên" in shown and "full_name" not in shown
    assert "không" in shown and "False" not in shown
