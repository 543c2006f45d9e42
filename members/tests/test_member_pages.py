import datetime as dt

from audit.models import AuditEntry
from members.models import Member, Transfer


def test_a_clerk_adds_a_member_with_dates_in_vietnamese_format(world, client):
    client.force_login(world.clerk)
    response = client.post(
        f"/members/unit/{world.cell.pk}/new/",
        {
            "full_name": "phạm thị  hoa",
            "gender": "F",
            "date_of_birth": "05/09/1992",
            "card_number": "050607",
            "status": "official",
            "admitted_on": "19/05/2015",
            "official_on": "19/05/2016",
            "organization": world.cell.pk,
        },
    )
    member = Member.objects.get(card_number="050607")
    assert response.status_code == 302
    assert member.full_name == "Phạm Thị Hoa" and member.date_of_birth == dt.date(1992, 9, 5)
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "05/09/1992" in page and "Chính thức" in page


def test_bad_member_input_is_explained_and_nothing_is_saved(world, client):
    client.force_login(world.clerk)
    response = client.post(
        f"/members/unit/{world.cell.pk}/new/",
        {
            "full_name": "Phạm Thị Hoa",
            "gender": "X",
            "date_of_birth": "31/02/1992",
            "card_number": "010203",
            "status": "official",
            "admitted_on": "19/05/2015",
            "official_on": "",
            "organization": world.other_cell.pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ngày sinh" in body and "hợp lệ" in body
    assert "Số thẻ đảng viên" in body
    assert Member.objects.count() == 4


def test_a_member_is_transferred_and_the_history_shows_it(world, client):
    client.force_login(world.clerk)
    client.post(
        f"/members/{world.an.pk}/transfer/",
        {"to": world.commune_cell.pk, "on": "01/03/2025", "note": "Chuyển nơi cư trú"},
    )
    transfer = Transfer.objects.get(member=world.an)
    assert transfer.to_organization == world.commune_cell and transfer.recorded_by == world.clerk
    page = client.get(f"/members/{world.an.pk}/").content.decode()
    assert "01/03/2025" in page and "Chi bộ khu phố 1" in page
    history = client.get(f"/members/{world.an.pk}/history/").content.decode()
    assert "Đảng viên: chuyển sinh hoạt" in history


def test_a_ward_clerk_cannot_transfer_someone_out_of_reach(world, client):
    client.force_login(world.ward_clerk)
    response = client.post(
        f"/members/{world.an.pk}/transfer/", {"to": world.commune_cell.pk, "on": "01/03/2025"}
    )
    assert response.status_code == 200  # the form refuses a unit outside the clerk's scope
    assert not Transfer.objects.exists()


def test_a_plain_member_sees_their_own_record_and_nothing_else(world, client):
    client.force_login(world.member_user)
    response = client.get("/", follow=True)
    assert "Nguyễn Văn An" in response.content.decode()
    assert client.get(f"/members/{world.binh.pk}/").status_code == 404
    assert client.get(f"/members/unit/{world.cell.pk}/").status_code == 404
    assert client.get(f"/members/{world.an.pk}/edit/").status_code == 403


def test_the_list_searches_and_pages_through_htmx(world, client):
    client.force_login(world.clerk)
    response = client.get(
        f"/members/unit/{world.city.pk}/", {"q": "tran thi"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Trần Thị Bình" in body and "Nguyễn Văn An" not in body
    assert "<html" not in body  # a fragment for htmx
    response = client.get(f"/members/unit/{world.city.pk}/", {"status": "probationary"})
    assert "Lê Quốc Cường" in response.content.decode()
    assert "Trần Thị Bình" not in response.content.decode()


def test_the_member_history_is_for_auditors_only(world, client):
    client.force_login(world.propaganda)
    assert client.get(f"/members/{world.an.pk}/history/").status_code == 403
    client.force_login(world.inspector)
    assert client.get(f"/members/{world.an.pk}/history/").status_code == 200
    assert not AuditEntry.objects.exclude(action="auth.login").exists()


def test_deep_pages_are_capped_and_the_page_says_how_to_narrow(world, client, monkeypatch):
    from members import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(views, "MAX_PAGES", 2)
    client.force_login(world.clerk)
    body = client.get(f"/members/unit/{world.city.pk}/", {"page": "3"}).content.decode()
    assert "Trang 2/3" in body and "Chỉ duyệt được 2 trang đầu" in body
    assert "&amp;page=3" not in body  # no link past the cap
    body = client.get(f"/members/unit/{world.city.pk}/", {"page": "abc"}).content.decode()
    assert "Trang 1/3" in body
