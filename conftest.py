"""The shared cast of the test suite.

A city committee (Thành ủy Hà Nam) with two grassroots committees and their cells, a
second province (Tỉnh ủy Ninh Bình) that nobody in Hà Nam may see, and the people who
work in them.
"""

import datetime as dt

import pytest

from accounts.models import Role, RoleGrant, User
from members.models import Gender, Member, MemberStatus
from members.services import member_derive
from organizations.levels import levels_ensure
from organizations.models import Level, Organization
from organizations.services import unit_subtrees_rebuild


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings, tmp_path):
    immediate = "django_tasks.backends.immediate.ImmediateBackend"
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": immediate}}
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Local-memory caches of one process share their store: start each test empty, so
    # sign-in failure counts (accounts/throttle.py) never carry over.
    from django.core.cache import cache

    cache.clear()


def level(code: str) -> Level:
    return Level.objects.get(code=code)


def add_unit(parent, name, code, level_code, issuer=""):
    unit = Organization(
        name=name,
        name_folded=Organization.folded_name(name),
        code=code,
        level=level(level_code),
        issuer_code=issuer,
        valid_from=dt.date(2020, 1, 1),
    )
    unit = (
        Organization.objects.add_child(parent, instance=unit)
        if parent
        else Organization.objects.add_root(instance=unit)
    )
    unit_subtrees_rebuild()  # added around `organization_create`, so counted here
    return unit


def add_member(unit, full_name, card, status=MemberStatus.OFFICIAL, **extra):
    values = {
        "gender": Gender.MALE,
        "date_of_birth": dt.date(1985, 5, 17),
        "admitted_on": dt.date(2010, 3, 2),
        "official_on": dt.date(2011, 3, 2) if status != MemberStatus.PROBATIONARY else None,
        **extra,
    }
    member = member_derive(
        Member(full_name=full_name, card_number=card, status=status, organization=unit, **values)
    )
    member.save()
    active = unit.members.active()
    Organization.objects.filter(pk=unit.pk).update(
        member_count=active.count(), exempt_count=active.filter(status=MemberStatus.EXEMPT).count()
    )
    unit_subtrees_rebuild()
    return member


class World:
    """Names for the fixture objects, so tests read as sentences."""


@pytest.fixture
def world(db):
    levels_ensure()  # transactional tests flush the rows the data migration made
    w = World()
    w.city = add_unit(None, "Thành ủy Hà Nam", "HNA", "TU", "TU")
    w.ward = add_unit(w.city, "Đảng bộ phường Lam Hạ", "HNA-LH", "ĐU", "ĐU")
    w.cell = add_unit(w.ward, "Chi bộ khu phố 1", "HNA-LH-KP1", "CB", "CB")
    w.cell2 = add_unit(w.ward, "Chi bộ khu phố 2", "HNA-LH-KP2", "CB", "CB")
    w.commune = add_unit(w.city, "Đảng bộ xã Tiên Tân", "HNA-TT", "ĐU", "ĐU")
    w.commune_cell = add_unit(w.commune, "Chi bộ thôn Đồng Ao", "HNA-TT-DA", "CB", "CB")
    for unit in (w.city, w.ward, w.cell, w.cell2, w.commune, w.commune_cell):
        unit.refresh_from_db()

    w.other = add_unit(None, "Tỉnh ủy Ninh Bình", "NBI", "TU", "TU")
    w.other_cell = add_unit(w.other, "Chi bộ phố Vân Giang", "NBI-VG", "CB", "CB")
    w.other.refresh_from_db()

    w.an = add_member(w.cell, "Nguyễn Văn An", "010203")
    w.binh = add_member(w.cell, "Trần Thị Bình", "010204", gender=Gender.FEMALE)
    w.cuong = add_member(w.commune_cell, "Lê Quốc Cường", "020301", MemberStatus.PROBATIONARY)
    w.stranger = add_member(w.other_cell, "Phạm Văn Xa", "990001")

    w.admin = User.objects.create_superuser("admin", "admin@example.vn", "pw")
    w.clerk = _user("vanphong", Role.OFFICE, w.city)
    w.secretary = _user("bithu", Role.COMMITTEE, w.ward)
    w.ward_clerk = _user("vanphong_lamha", Role.OFFICE, w.ward)
    w.propaganda = _user("tuyengiao", Role.PROPAGANDA, w.city)
    w.inspector = _user("kiemtra", Role.INSPECTION, w.city)
    w.outsider = _user("ninhbinh", Role.OFFICE, w.other)
    w.member_user = User.objects.create_user("an", password="pw")
    Member.objects.filter(pk=w.an.pk).update(user=w.member_user)
    w.an.refresh_from_db()
    return w


@pytest.fixture
def campaign(world):
    """The city's study campaign of 23-NQ/TU (conferences, reports, news, reporting)."""
    from conferences.tests.builders import campaign_for

    return campaign_for(world)


@pytest.fixture
def conference(world, campaign):
    """The ward's online conference, begun an hour ago; its hall takes the whole ward."""
    from conferences.tests.builders import conference_for

    return conference_for(world, campaign)


def _user(username, role, unit):
    user = User.objects.create_user(username, password="pw")
    RoleGrant.objects.create(user=user, organization=unit, role=role)
    return user


CHROMIUM = "/usr/bin/chromium"


def _csp_report(page, text: str) -> None:
    if "Content Security Policy" in text:
        page.csp_violations.append(f"{page.url}: {text}")


@pytest.fixture
def page(live_server):
    """A real Chromium page; skipped, with a plain reason, where Chromium is absent."""
    import os
    import shutil

    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        pytest.skip(
            "Chromium chưa được cài (apt-get install chromium): bỏ qua kiểm thử trình duyệt"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must allow its ORM here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Every browser test also proves its pages keep the Content-Security-Policy: a
        # violation (an inline script, handler or style) or a script error fails it.
        page.csp_violations = []
        page.script_errors = []
        page.on("console", lambda m: _csp_report(page, m.text))
        page.on("pageerror", lambda error: page.script_errors.append(f"{page.url}: {error}"))
        yield page
        browser.close()
        if page.csp_violations or page.script_errors:
            pytest.fail(
                "\n".join(
                    ["Trang vi phạm Content-Security-Policy hoặc lỗi script:"]
                    + page.csp_violations
                    + page.script_errors
                )
            )


def login(page, username, password="pw"):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if any("Chromium" in str(getattr(r, "longrepr", "")) for r in skipped):
        terminalreporter.write_line(
            "CHÚ Ý: không có Chromium nên các kiểm thử trình duyệt đã bị bỏ qua.", yellow=True
        )


class DemoSite:
    """What the journeys start from: the demo data of `make run`, and its people."""

    password = ""


@pytest.fixture
def demo_site(transactional_db):
    """The demo data (`seed_demo`, seed 1), committed so the live server sees it: the
    journeys follow real pages from what a fresh installation shows."""
    import io

    from django.core.management import call_command

    from accounts.models import RoleGrant
    from campaigns.models import Campaign
    from members.demo import DEMO_PASSWORD

    levels_ensure()  # an earlier transactional test flushed the rows the data migration made
    call_command("seed_demo", members=60, seed=1, stdout=io.StringIO())
    site = DemoSite()
    site.password = DEMO_PASSWORD
    grants = RoleGrant.objects.select_related("organization")
    site.root = grants.get(user__username="vanphong").organization
    site.ward = grants.get(user__username="bithu").organization
    site.campaign = Campaign.objects.get()
    site.member = Member.objects.select_related("organization").get(user__username="dangvien")
    return site


@pytest.fixture
def journey(demo_site, page):
    """A Chromium page on the demo data, and a way to sign in as a demo login."""

    def sign_in(username, width=1280, height=900):
        page.context.clear_cookies()
        page.set_viewport_size({"width": width, "height": height})
        login(page, username, demo_site.password)
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} không đăng nhập được"
        return page

    def read(selector="main"):
        """The text the reader sees there, which must be clean Vietnamese."""
        import re

        from nghiquyet.tests.crawling import english_words

        text = page.inner_text(selector)
        assert not re.search(r"(?<!\w)None(?!\w)", text), f"{page.url} hiện chữ None"
        assert "Traceback" not in text, f"{page.url} hiện lỗi"
        assert not english_words(text), f"{page.url}: tiếng Anh {english_words(text)}"
        return text

    def choose(field, unit):
        """Pick a unit in a search-as-you-type chooser, as one types its name."""
        page.fill(f"#id_{field}", unit.name)
        page.check(f"#id_{field}_results input[value='{unit.pk}']")

    demo_site.sign_in = sign_in
    demo_site.read = read
    demo_site.choose = choose
    demo_site.page = page
    return demo_site
