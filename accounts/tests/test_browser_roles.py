"""Each role's day in a real browser: sign in, land on the role's home page, do the
role's most common task in the fewest clicks. The clicks after signing in are counted
and must match accounts/walkthroughs.py (listed in docs/roles.md)."""

import pytest

from accounts.models import Role, User
from accounts.tests.test_officer_home import busy_week  # noqa: F401 - a shared fixture
from accounts.walkthroughs import WALKTHROUGHS
from conferences.models import Attendance, Status
from conftest import _user, login
from programmes.models import Inspection

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


def walk(username: str) -> int:
    return next(w.clicks for w in WALKTHROUGHS if w.username == username)


def signed_in(page, username: str) -> Clicks:
    login(page, username)
    return Clicks(page)


@pytest.fixture
def cast(busy_week):  # noqa: F811
    """The demo logins this walk needs, on the test world."""
    w = busy_week
    for user, name in ((w.ward_clerk, "vanphong_co_so"), (w.member_user, "dangvien")):
        User.objects.filter(pk=user.pk).update(username=name)
    _user("bithu_chibo", Role.COMMITTEE, w.cell)
    _user("chambai", Role.REVIEWER, w.ward)
    return w


def test_the_administrator_opens_the_roles_matrix(cast, page):
    cast.admin.set_password("pw")
    cast.admin.save()
    clicks = signed_in(page, "admin")
    assert page.url.endswith("/accounts/today/")
    clicks.click("#menu nav >> text=Vai trò")
    assert "Lên lịch hội nghị, quản lý điểm cầu" in page.inner_text("table.matrix")
    assert clicks.count == walk("admin") == 1


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


def test_the_city_propaganda_board_opens_its_campaign(cast, page):
    clicks = signed_in(page, "tuyengiao")
    assert page.url.endswith("/accounts/today/")
    clicks.click("#menu nav >> text=Học tập")
    clicks.click("text=Học tập Nghị quyết 23-NQ/TU")
    assert page.inner_text("h1").startswith("Học tập Nghị quyết 23-NQ/TU")
    assert clicks.count == walk("tuyengiao") == 2


def test_the_inspection_board_opens_an_overdue_task(cast, page):
    clicks = signed_in(page, "kiemtra")
    assert "Nhiệm vụ quá hạn" in page.inner_text("main")
    clicks.click(".todo-tasks li a")
    assert "Số hóa hồ sơ đảng viên của phường" in page.inner_text("main")
    assert clicks.count == walk("kiemtra") == 1


def test_the_ward_committee_opens_the_reports_waiting_for_review(cast, page):
    clicks = signed_in(page, "bithu")
    clicks.click(".todo-reviews li a")
    assert "/reports/campaign/" in page.url
    assert "Nguyễn Văn An" in page.inner_text("main")
    assert clicks.count == walk("bithu") == 1


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


def test_a_reviewer_opens_the_reports_waiting_for_them(cast, page):
    clicks = signed_in(page, "chambai")
    assert [a.inner_text() for a in page.query_selector_all("#menu nav a")][:1] == ["Việc cần làm"]
    clicks.click(".todo-reviews li a")
    assert "Nguyễn Văn An" in page.inner_text("main")
    assert clicks.count == walk("chambai") == 1


def test_a_member_on_a_phone_sees_what_is_asked_and_a_folded_menu(cast, page):
    page.set_viewport_size({"width": 375, "height": 740})
    clicks = signed_in(page, "dangvien")
    assert page.url.endswith("/")
    assert "Học tập Nghị quyết 23-NQ/TU" in page.inner_text("main")
    assert clicks.count == walk("dangvien") == 0
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
