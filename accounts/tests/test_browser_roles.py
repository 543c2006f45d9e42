"""Each role's day in a real browser: sign in, land on the role's home page, do the
role's most common task in the fewest clicks. The clicks after signing in are counted
and must match accounts/walkthroughs.py (listed in docs/roles.md)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role, RoleGrant, User
from accounts.tests.test_officer_home import busy_week  # noqa: F401 - a shared fixture
from accounts.walkthroughs import WALKTHROUGHS
from audit.models import AuditEntry
from campaigns.models import Campaign
from conferences.models import Attendance, Status
from conftest import _user, login
from documents.models import Document
from members.models import Member
from programmes.models import Inspection, Task
from reports.models import Report, State
from reports.tests.builders import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Clicks:
    """The page, counting the clicks the person makes."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, selector: str) -> None:
        self.count += 1
        self.page.click(selector)

    def check(self, selector: str) -> None:
        self.count += 1
        self.page.check(selector)

    def choose(self, selector: str, value: str) -> None:
        """Choosing in a select is one click, however it is made."""
        self.count += 1
        self.page.select_option(selector, value)

    def press(self, selector: str, key: str) -> None:
        self.count += 1
        self.page.press(selector, key)


def shot(page, role: str) -> None:
    """The final state, to look at: no "None", no English, nothing broken."""
    page.screenshot(path=f"/tmp/walk-{role}.png", full_page=True)


def walk(username: str) -> int:
    return next(w.clicks for w in WALKTHROUGHS if w.username == username)


def signed_in(page, username: str) -> Clicks:
    login(page, username)
    return Clicks(page)


@pytest.fixture
def cast(busy_week, campaign):  # noqa: F811
    """The demo logins this walk needs, on the test world."""
    w = busy_week
    w.campaign = campaign
    User.objects.filter(pk=w.ward_clerk.pk).update(username="vanphong_co_so")
    # The member of the walk is Bình, who has not written yet; An's report waits.
    w.binh_user = User.objects.create_user("dangvien", password="pw")
    Member.objects.filter(pk=w.binh.pk).update(user=w.binh_user)
    _user("bithu_chibo", Role.COMMITTEE, w.cell)
    _user("chambai", Role.REVIEWER, w.ward)
    return w


def test_the_administrator_grants_a_role_on_a_ward(cast, page):
    clicks = signed_in(page, "admin")
    assert page.url.endswith("/accounts/today/")
    clicks.click("#menu nav >> text=Vai trò")
    page.fill("#id_unit", "Lam Hạ")
    expect(page.locator("#id_unit_results input")).to_have_count(1)  # the answer to the typing
    clicks.check(f"#id_unit_results input[value='{cast.ward.pk}']")
    clicks.click("#grant-place button.primary")
    assert page.inner_text("h1") == "Phân quyền tại Đảng bộ phường Lam Hạ"
    page.fill("#grant input[name=q]", "Trần Thị Bình")
    clicks.press("#grant input[name=q]", "Enter")
    # The one member found is chosen already.
    assert page.is_checked(f"#grant input[name=member][value='{cast.binh.pk}']")
    clicks.choose("#grant select[name=role]", Role.OFFICE)
    clicks.click("#grant button.primary")
    assert "Đã phân quyền." in page.inner_text(".messages")
    assert "Trần Thị Bình (dangvien)" in page.inner_text("table.grid")
    grant = RoleGrant.objects.active().get(user=cast.binh_user)
    assert (grant.organization, grant.role) == (cast.ward, Role.OFFICE)
    assert grant.granted_by == cast.admin
    assert AuditEntry.objects.filter(action="role.grant", actor=cast.admin).exists()
    shot(page, "admin")
    assert clicks.count == walk("admin") == 6


def test_the_city_office_plans_an_inspection_choosing_units_by_typing(cast, page):
    clicks = signed_in(page, "vanphong")
    assert page.url.endswith("/accounts/today/")
    clicks.click("#menu nav >> text=Kiểm tra")
    clicks.check(f"#id_organization_results input[value='{cast.ward.pk}']")
    page.fill("#id_units", "khu phố 1")
    page.wait_for_selector(f"#id_units_results input[value='{cast.cell.pk}']")
    assert "Đảng bộ phường Lam Hạ · HNA-LH-KP1" in page.inner_text("#id_units_results")
    clicks.check(f"#id_units_results input[value='{cast.cell.pk}']")
    page.fill("#id_subject", "Kiểm tra việc học tập Nghị quyết 23-NQ/TU")
    page.fill("#id_period_from", "2026-12-07")
    page.fill("#id_period_to", "2026-12-11")
    clicks.click("form button.primary")
    assert "Đã lập kế hoạch kiểm tra." in page.inner_text(".messages")
    planned = Inspection.objects.get()
    assert planned.organization == cast.ward and list(planned.units.all()) == [cast.cell]
    assert clicks.count == walk("vanphong") == 4


def test_the_city_propaganda_board_opens_a_campaign_on_a_registered_document(cast, page):
    programme = Document.objects.get(symbol_raw="30-CTr/TU")
    deadline = timezone.localdate() + dt.timedelta(days=20)
    clicks = signed_in(page, "tuyengiao")
    assert page.url.endswith("/accounts/today/")
    clicks.click("#menu nav >> text=Học tập")
    clicks.click(".actions >> text=Tạo đợt học tập")
    page.fill("#id_title", "Học tập Chương trình hành động 30-CTr/TU")
    # The board's only unit is already chosen; the document is picked from the registry.
    assert page.is_checked(f"#id_owner_results input[value='{cast.city.pk}']")
    clicks.choose("#id_documents", str(programme.pk))
    page.fill("#id_conference_deadline", deadline.isoformat())
    clicks.click("form button.primary")
    opened = Campaign.objects.get(title="Học tập Chương trình hành động 30-CTr/TU")
    assert page.url.endswith(f"/campaigns/{opened.pk}/")
    assert "Đã tạo đợt học tập." in page.inner_text(".messages")
    assert page.inner_text("h1").startswith("Học tập Chương trình hành động 30-CTr/TU")
    assert list(opened.documents.all()) == [programme]
    assert (opened.owner, opened.conference_deadline) == (cast.city, deadline)
    assert opened.created_by == cast.propaganda
    shot(page, "tuyengiao")
    assert clicks.count == walk("tuyengiao") == 4


def test_the_inspection_board_plans_an_inspection_of_an_overdue_task(cast, page):
    late = Task.objects.get(content="Số hóa hồ sơ đảng viên của phường")
    clicks = signed_in(page, "kiemtra")
    assert "Nhiệm vụ quá hạn" in page.inner_text("main")
    clicks.click(".todo-tasks li a")
    assert "Số hóa hồ sơ đảng viên của phường" in page.inner_text("main")
    clicks.click("text=Lập kế hoạch kiểm tra việc thực hiện nhiệm vụ này")
    # The plan comes filled in from the task: the board's unit, the lead unit, the subject.
    assert page.is_checked(f"#id_organization_results input[value='{cast.city.pk}']")
    assert page.is_checked(f"#id_units_results input[value='{cast.ward.pk}']")
    page.fill("#id_period_from", "2026-12-14")
    page.fill("#id_period_to", "2026-12-18")
    clicks.click("form button.primary")
    assert "Đã lập kế hoạch kiểm tra." in page.inner_text(".messages")
    planned = Inspection.objects.get()
    assert planned.organization == cast.city and list(planned.units.all()) == [cast.ward]
    assert planned.subject.endswith("Số hóa hồ sơ đảng viên của phường")
    assert planned.document == late.document and planned.created_by == cast.inspector
    assert page.url.endswith(f"/programmes/inspections/{planned.pk}/")
    assert "Số hóa hồ sơ đảng viên của phường" in page.inner_text("h1")
    shot(page, "kiemtra")
    assert clicks.count == walk("kiemtra") == 3


def test_the_ward_committee_rates_a_waiting_report(cast, page):
    clicks = signed_in(page, "bithu")
    clicks.click(".todo-reviews li a")
    assert "Nguyễn Văn An" in page.inner_text("h1")
    clicks.check(".review input[name=rating][value='Đạt']")
    clicks.click(".review button[value=rate]")
    assert "Đã ghi nhận đánh giá." in page.inner_text(".messages")
    assert "Đạt" in page.inner_text("h1")
    report = Report.objects.get(member=cast.an)
    assert (report.state, report.rating) == (State.RATED, "Đạt")
    assert report.reviews.get().reviewer == cast.secretary
    shot(page, "bithu")
    assert clicks.count == walk("bithu") == 3


def test_the_ward_office_ticks_a_member_present(cast, page):
    clicks = signed_in(page, "vanphong_co_so")
    clicks.click(".todo-rosters li a")
    clicks.click("table.grid >> text=Điểm danh")
    clicks.click(f"#m-{cast.an.pk} button[value=present]")
    page.wait_for_selector(f"#m-{cast.an.pk}.present")
    assert Attendance.objects.get(member=cast.an).status == Status.PRESENT
    assert clicks.count == walk("vanphong_co_so") == 3


def test_a_cell_secretary_ticks_a_member_of_their_cell(cast, page):
    clicks = signed_in(page, "bithu_chibo")
    clicks.click(".todo-rosters li a")
    assert "lên lịch hội nghị" in page.inner_text(".who-may")
    clicks.click("table.grid tbody a")
    clicks.click(f"#m-{cast.binh.pk} button[value=present]")
    page.wait_for_selector(f"#m-{cast.binh.pk}.present")
    assert Attendance.objects.get(member=cast.binh).marked_by.username == "bithu_chibo"
    assert clicks.count == walk("bithu_chibo") == 3


def test_a_reviewer_rates_a_report_and_lands_on_the_next(cast, page):
    submit(cast, cast.campaign, cast.binh, actor=cast.secretary)
    clicks = signed_in(page, "chambai")
    assert [a.inner_text() for a in page.query_selector_all("#menu nav a")][:1] == ["Việc cần làm"]
    clicks.click(".todo-reviews li a")
    assert "Nguyễn Văn An" in page.inner_text("h1")
    assert "Bài 1/2 trong danh sách" in page.inner_text("nav.queue")
    clicks.check(".review input[name=rating][value='Đạt']")
    clicks.click(".review button[value=rate]")
    assert "Đã ghi xếp loại Đạt cho Nguyễn Văn An. Đây là bài tiếp theo." in page.inner_text(
        ".messages"
    )
    assert "Trần Thị Bình" in page.inner_text("h1")
    assert "Bài 1/1 trong danh sách" in page.inner_text("nav.queue")
    assert Report.objects.get(member=cast.an).rating == "Đạt"
    assert Report.objects.get(member=cast.binh).state == State.SUBMITTED
    shot(page, "chambai")
    assert clicks.count == walk("chambai") == 3


def test_a_member_on_a_phone_writes_and_submits_their_report_from_home(cast, page):
    page.set_viewport_size({"width": 375, "height": 740})
    clicks = signed_in(page, "dangvien")
    assert page.url.endswith("/")
    asked = page.locator("section.asked", has_text="Học tập Nghị quyết 23-NQ/TU")
    assert "Chưa nộp" in asked.inner_text()
    # The form is on the home page: no page to open before writing.
    first, second = asked.locator("textarea").all()
    first.fill("Nghị quyết 23-NQ/TU đặt mục tiêu chuyển đổi số trong công tác đảng. " * 3)
    second.fill("Bản thân tôi cam kết số hóa hồ sơ của chi bộ khu phố 1 trong quý này. " * 3)
    clicks.click(f"#report-form-c{cast.campaign.pk} button.primary")
    assert "Đã nộp bài (lần 1)" in page.inner_text(".messages")
    report = Report.objects.get(member=cast.binh)
    assert report.state == State.SUBMITTED and report.versions.count() == 1
    receipt = page.inner_text(f"#campaign-c{cast.campaign.pk} .receipt")
    assert f"Mã biên nhận: {report.pk}-1" in receipt
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "dangvien")
    assert clicks.count == walk("dangvien") == 1


def test_a_member_on_a_phone_sees_a_folded_menu(cast, page):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "dangvien")
    # The menu is one control; opened, it pushes the page down and never covers it.
    assert page.is_visible("#menu > summary")
    assert not page.is_visible("#menu nav >> text=Việc của tôi")
    page.click("#menu > summary")
    assert page.is_visible("#menu nav >> text=Việc của tôi")
    menu, main = page.locator("#menu nav").bounding_box(), page.locator("main").bounding_box()
    assert menu["y"] + menu["height"] <= main["y"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    labels = page.inner_text("#menu nav")
    assert "Tổ chức" not in labels and "Nhật ký" not in labels and "Thực hiện" not in labels
