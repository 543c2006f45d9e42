"""Each demo role follows every link it is shown, GET only, on the demo data: no error,
no "None", no English on a Vietnamese page, and no link to a page the role may not open.

Breadth-first from the home page over same-origin links, with a few distinct URLs per
URL pattern (and per set of query parameters), so that every page kind is seen without
visiting every unit. Downloads are fetched for their status only.
"""

import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, resolve

from accounts.models import User

ROLES = ["admin", "vanphong", "tuyengiao", "kiemtra", "bithu", "vanphong_co_so", "dangvien"]
PER_PATTERN = 3  # distinct URLs visited per (pattern, query keys)
MAX_PAGES = 400  # per role; the demo tree needs about half

# Never followed: they change state or leave the Vietnamese pages.
SKIPPED = (
    re.compile(r"^/accounts/logout/"),
    re.compile(r"^/i18n/"),
    re.compile(r"^/static/"),
    re.compile(r"/delete/"),
)
# Opened for their status, neither read nor followed: Django's own back office (its
# strings come from Django's and django-tasks' catalogues, not this project's) and the
# API's generated documentation.
NOT_READ = (re.compile(r"^/admin/"), re.compile(r"^/api/"))

ENGLISH = (
    "None",
    "True",
    "False",
    "Submit",
    "Save",
    "Delete",
    "Edit",
    "Search",
    "Name",
    "Date",
    "Status",
    "Required",
    "Page",
    "of",
    "Next",
    "Previous",
    "Yes",
    "No",
    "Unknown",
    "Choose",
    "Currently",
    "Change",
    "Clear",
    "Direction",
    "Aggregate",
    "Kind",
    "Document",
    "Documents",
    "Campaign",
    "Conference",
    "Member",
    "Members",
    "Unit",
    "Units",
    "Task",
    "Tasks",
    "Target",
    "Report",
    "Reports",
    "Progress",
    "Decision",
    "Inspection",
    "Period",
    "Upload",
    "Download",
    "Export",
    "Import",
    "Login",
    "Logout",
    "Password",
    "Username",
    "Cancel",
    "Add",
    "Remove",
    "Back",
    "Home",
    "Total",
    "Error",
    "Loading",
    "Organization",
    "Organizer",
    "Title",
)
PHRASES = ("This field", "Enter a valid", "Select a valid", "is required", "Ensure this")
# English words a Vietnamese page may show: formats, names of things, and the language
# switch, which names English in English.
ALLOWED = {"API", "QR", "PDF", "DOCX", "XLSX", "ZIP", "CSV", "Email", "Zalo", "English"}
_WORD = re.compile(r"(?<!\w)(" + "|".join(ENGLISH) + r")(?!\w)")
_NONE = re.compile(r"(?<!\w)None(?!\w)")
_VISIBLE_INPUTS = {"text", "search", "number", "email", "url", "tel", "date", "submit", "button"}


class _Page(HTMLParser):
    """Links and the text a reader sees (attributes that show, no scripts or styles)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "input" and (attrs.get("type") or "text") in _VISIBLE_INPUTS:
            self.text.append(attrs.get("value") or "")
            self.text.append(attrs.get("placeholder") or "")
        if tag == "textarea":
            self.text.append(attrs.get("placeholder") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _pattern(path: str, query: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    keys = sorted({key for key, _ in parse_qsl(query, keep_blank_values=True)})
    return f"{match.route}?{'&'.join(keys)}"


def _english(text: str) -> list[str]:
    found = [word for word in _WORD.findall(text) if word not in ALLOWED]
    found += [phrase for phrase in PHRASES if phrase in text]
    return found


def _around(text: str, word: str) -> str:
    at = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    start = at.start() if at else 0
    return " ".join(text[max(0, start - 50) : start + 50].split())


def crawl(client) -> tuple[list[str], int]:
    """Problems found and pages visited."""
    problems: list[str] = []
    shown_on: dict[str, str] = {"/": "(trang chủ)"}
    queue = deque(["/"])
    seen = {"/"}
    per_pattern: Counter[str] = Counter()
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        visited += 1
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 - the crawl reports every failure at once
            problems.append(f"{url} (từ {shown_on[url]}): lỗi {type(error).__name__}: {error}")
            continue
        status = response.status_code
        if status >= 500:
            problems.append(f"{url} (từ {shown_on[url]}): {status}")
            continue
        if status in (401, 403, 404) or (
            status in (301, 302) and "/accounts/login/" in response.get("Location", "")
        ):
            problems.append(f"{url}: trả lời {status} dù trang {shown_on[url]} có liên kết tới")
            continue
        if status in (301, 302, 303):
            found = [response["Location"]]
        elif "text/html" not in response.get("Content-Type", ""):
            continue  # a download: its status is all that is checked
        elif any(rule.search(parts.path) for rule in NOT_READ):
            continue
        else:
            page = _Page()
            page.feed(response.content.decode())
            text = " ".join(" ".join(page.text).split())
            if _NONE.search(text):
                problems.append(f"{url}: hiện chữ None: …{_around(text, 'None')}…")
            if words := sorted(set(_english(text)) - {"None"}):
                problems.append(f"{url}: tiếng Anh {words}: …{_around(text, words[0])}…")
            found = page.links
        for href in found:
            target = urlsplit(urljoin(url, href))
            if target.scheme not in ("", "http") or target.netloc not in ("", "testserver"):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path in seen or any(rule.search(target.path) for rule in SKIPPED):
                continue
            pattern = _pattern(target.path, target.query)
            if pattern is None:
                problems.append(f"{url}: liên kết tới địa chỉ không tồn tại {path}")
                seen.add(path)
                continue
            seen.add(path)
            if per_pattern[pattern] >= PER_PATTERN:
                continue
            per_pattern[pattern] += 1
            shown_on[path] = url
            queue.append(path)
    return problems, visited


def _the_rest_of_the_cycle() -> None:
    """What the demo leaves out, written through the services so its pages have rows: an
    action programme with a target and tasks, plans assigned, an inspection, a news draft
    and a reading, a report request and a draft report."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from campaigns.models import Campaign
    from conferences.models import Conference
    from documents import services as documents
    from documents.models import Kind, LinkKind
    from news import services as news
    from organizations.models import Organization
    from programmes import services as programmes
    from reporting import services as reporting
    from reporting.models import Kind as ReportKind

    users = {user.username: user for user in User.objects.all()}
    office, propaganda = users["vanphong"], users["tuyengiao"]
    campaign = Campaign.objects.get()
    root, resolution = campaign.owner, campaign.documents.get()
    ward = users["bithu"].role_grants.get().organization
    today = timezone.localdate()
    plan = documents.document_register(
        office,
        owner=root,
        symbol_raw="30-CTr/TU",
        kind=Kind.PROGRAMME,
        issuer_name=root.name,
        issued_on=today - dt.timedelta(days=20),
        term=20,
        title="Chương trình hành động thực hiện Nghị quyết 23-NQ/TU",
    )
    documents.link_create(office, source=plan, target=resolution, kind=LinkKind.IMPLEMENTS)
    children = list(Organization.objects.get_children(root).open_now())
    documents.obligations_assign(
        office, document=plan, units=children, due_on=today + dt.timedelta(days=15)
    )
    programme = programmes.programme_create(office, plan)
    programmes.target_add(
        office,
        programme,
        name="Tỷ lệ thủ tục hành chính trực tuyến toàn trình",
        unit_of_measure="%",
        baseline=Decimal("40"),
        low=Decimal("80"),
        high=None,
        year=today.year + 1,
    )
    for i, (lead, days) in enumerate([(ward, -5), (root, 30)], start=1):
        programmes.task_add(
            office,
            programme,
            position=str(i),
            content=f"Nhiệm vụ số {i}: số hóa hồ sơ, dữ liệu của đơn vị",
            lead=lead,
            product="Báo cáo kết quả",
            deadline=today + dt.timedelta(days=days),
            partners=[],
        )
    programmes.inspection_create(
        users["kiemtra"],
        organization=root,
        units=[ward],
        subject="Kiểm tra việc thực hiện Nghị quyết 23-NQ/TU",
        document=plan,
        period_from=today,
        period_to=today + dt.timedelta(days=10),
    )
    news.article_draft(propaganda, Conference.objects.first())
    news.reading_create(
        propaganda,
        "Đảng bộ phường tổ chức Hội nghị học tập Nghị quyết số 23-NQ/TU\n"
        "Chiều ngày 27/12/2023, Đảng bộ phường tổ chức Hội nghị học tập, quán triệt Nghị "
        "quyết số 23-NQ/TU với 120 đảng viên tham dự.",
    )
    common = {"period_from": today - dt.timedelta(days=30), "period_to": today}
    reporting.request_create(
        office,
        root,
        kind=ReportKind.CAMPAIGN,
        campaign=campaign,
        due_on=today + dt.timedelta(days=7),
        **common,
    )
    reporting.snapshot_draft(
        office,
        root,
        kind=ReportKind.CAMPAIGN,
        campaign=campaign,
        title="Báo cáo kết quả học tập, quán triệt Nghị quyết 23-NQ/TU",
        place="Hà Nội",
        **common,
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, written once for every role and rolled back after the last one
    (each test runs in a savepoint inside this transaction)."""
    private = tmp_path_factory.mktemp("private")
    quiet = override_settings(
        TASKS={
            "default": {
                **settings.TASKS["default"],
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            }
        },
        PRIVATE_MEDIA_ROOT=private,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with django_db_blocker.unblock(), quiet, transaction.atomic():
        call_command("seed_demo", members=60, seed=1, stdout=io.StringIO())
        _the_rest_of_the_cycle()
        yield private
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_is_shown_opens_cleanly_in_vietnamese(
    demo, db, client, settings, username
):
    settings.PRIVATE_MEDIA_ROOT = demo  # the files the demo stored, such as its attachment
    client.force_login(User.objects.get(username=username))
    problems, visited = crawl(client)
    assert visited > 5
    assert not problems, f"{len(problems)} chỗ hỏng sau {visited} trang:\n" + "\n".join(problems)
