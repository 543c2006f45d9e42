"""Crawling the demo as one reader, shared by the crawl test and the accessibility test.

Breadth-first from a start page over same-origin links, with a few distinct URLs per URL
pattern (and per set of query parameters), so that every page kind is seen without
visiting every unit. Downloads are fetched for their status only.

Each page read is checked for the other language: a Vietnamese page for English words
(common UI words, Django's own form errors, and every word of the English catalogue that
no Vietnamese string or data uses), an English page for Vietnamese words that are not data
(the names, titles and texts stored in the database, which stay as they were written).
"""

import gettext
import re
from collections import Counter, deque
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve

from accounts.models import User

ROLES = [
    "admin",
    "vanphong",
    "tuyengiao",
    "kiemtra",
    "bithu",
    "vanphong_co_so",
    "bithu_chibo",
    "chambai",
    "dangvien",
]
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
_NONE = re.compile(r"(?<!\w)None(?!\w)")
_VISIBLE_INPUTS = {"text", "search", "number", "email", "url", "tel", "date", "submit", "button"}


_SHOWN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_PIECES = re.compile(r"\w+|[^\w\s.'’-]")  # words and the marks that separate phrases
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|<[^>]*>")
_TRUNCATED = re.compile(r"\w+…")  # "Đản…": data cut short, the cut word matches nothing
LOCALE = Path(settings.BASE_DIR) / "locale"


class PageText(HTMLParser):
    """Links and the pieces of text a reader sees or hears: text nodes, input values,
    placeholders, titles, labels for screen readers, image descriptions; no scripts or
    styles."""

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
        self.text += [attrs[name] or "" for name in _SHOWN_ATTRIBUTES if name in attrs]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def pattern_of(path: str, query: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    keys = sorted({key for key, _ in parse_qsl(query, keep_blank_values=True)})
    return f"{match.route}?{'&'.join(keys)}"


def _around(text: str, word: str) -> str:
    at = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    start = at.start() if at else 0
    return " ".join(text[max(0, start - 50) : start + 50].split())


@cache
def _catalogue() -> dict:
    with open(LOCALE / "en" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _message_words(text: str) -> list[str]:
    """The words of a catalogue message, without its placeholders and markup."""
    return _words(_PLACEHOLDER.sub(" ", text))


def data_strings() -> list[str]:
    """Every text the project stores in the database now: names, titles, symbols, bodies,
    the text values inside JSON. Pages show these as written in either language."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for model in apps.get_models():
        if not Path(model._meta.app_config.path).is_relative_to(settings.BASE_DIR):
            continue  # Django's own tables: permission names, sessions, job results
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and not field.choices  # codes, shown through their labels
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                walk(row)
    return sorted(found)


_ENGLISH_UI = re.compile(r"(?<!\w)(" + "|".join(ENGLISH) + r")(?!\w)")


def english_words(text: str) -> list[str]:
    """Common English interface words and Django's form messages, whatever the data."""
    found = [word for word in _ENGLISH_UI.findall(text) if word not in ALLOWED]
    return found + [phrase for phrase in PHRASES if phrase in text]


class Languages:
    """What tells one language from the other on the pages of this demo database."""

    def __init__(self, data: list[str]):
        english = {
            value
            for key, value in _catalogue().items()
            if key and isinstance(value, str)  # the header has the empty key
        }
        vietnamese = {key if isinstance(key, str) else key[0] for key in _catalogue()}
        # Text an English page may show in Vietnamese: the data as stored, the few
        # Vietnamese words the English catalogue keeps on purpose (column headings of a
        # file the user fills in), and the language switch, which names Vietnamese in it.
        allowed = [*data, *english, "Tiếng Việt"]
        self.corpus = "\n".join(" " + " ".join(_words(text)) + " " for text in allowed)
        self.corpus += "\n" + self.corpus.upper()  # headings written in capitals
        data_words = {word.lower() for text in data for word in _words(text)}
        vietnamese_words = {
            word.lower() for text in vietnamese for word in _message_words(text.split("\x04")[-1])
        }
        # Words of the English catalogue that no Vietnamese string uses ("in", "do", "to"
        # are Vietnamese words too); one on a Vietnamese page that no data uses either is
        # a leak.
        self.english_words = {
            word.lower()
            for text in english
            for word in _message_words(text)
            if word.isascii() and word.isalpha() and len(word) > 1
        } - vietnamese_words
        self.leaks = self.english_words - data_words - {word.lower() for word in ALLOWED}

    def english_in(self, text: str) -> list[str]:
        """English words on a Vietnamese page."""
        found = english_words(text)
        found += [
            word for word in _words(text) if word.lower() in self.leaks and word not in ALLOWED
        ]
        return found

    def vietnamese_in(self, piece: str) -> list[str]:
        """Vietnamese on an English page: runs of words between English words, numbers and
        separating marks that hold a Vietnamese letter and are found in no stored text."""
        found = []
        for line in piece.splitlines():
            if not VIETNAMESE_LETTER.search(line):
                continue
            line = _TRUNCATED.sub(" … ", line)
            if self._stored(_words(line)):
                continue
            run: list[str] = []
            for word in [*_PIECES.findall(line), "0"]:
                if (
                    word.lower() in self.english_words
                    or any(c.isdigit() for c in word)
                    or not word[0].isalnum()
                ):
                    if not self._stored(run):
                        found.append(" ".join(run))
                    run = []
                else:
                    run.append(word)
        return found

    def _stored(self, words: list[str]) -> bool:
        """Whether these words hold no Vietnamese or are a passage of the stored texts, once
        the words around them that could be either language ("in", "TP") are set aside."""
        while words and not VIETNAMESE_LETTER.search(words[0]):
            words = words[1:]
        while words and not VIETNAMESE_LETTER.search(words[-1]):
            words = words[:-1]
        return not words or f" {' '.join(words)} " in self.corpus


def crawl(
    client,
    languages: Languages | None = None,
    *,
    language: str = "vi",
    start: str = "/",
    per_pattern: int = PER_PATTERN,
) -> tuple[list[str], list[str]]:
    """Problems found and the pages read (HTML, in the order visited)."""
    problems: list[str] = []
    pages: list[str] = []
    shown_on: dict[str, str] = {start: "(trang đầu)"}
    queue = deque([start])
    seen = {start}
    per_route: Counter[str] = Counter()
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
            status in (301, 302)
            and "/accounts/login/" in response.get("Location", "")
            and url != start
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
            page = PageText()
            page.feed(response.content.decode())
            pages.append(url)
            problems += _language_problems(url, page.text, languages, language)
            found = page.links
        for href in found:
            target = urlsplit(urljoin(url, href))
            if target.scheme not in ("", "http") or target.netloc not in ("", "testserver"):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path in seen or any(rule.search(target.path) for rule in SKIPPED):
                continue
            pattern = pattern_of(target.path, target.query)
            if pattern is None:
                problems.append(f"{url}: liên kết tới địa chỉ không tồn tại {path}")
                seen.add(path)
                continue
            seen.add(path)
            if per_route[pattern] >= per_pattern:
                continue
            per_route[pattern] += 1
            shown_on[path] = url
            queue.append(path)
    return problems, pages


def _language_problems(url, pieces, languages, language) -> list[str]:
    text = " ".join(" ".join(pieces).split())
    problems = []
    if _NONE.search(text):
        problems.append(f"{url}: hiện chữ None: …{_around(text, 'None')}…")
    if languages is None:
        return problems
    if language == "vi":
        if words := sorted(set(languages.english_in(text)) - {"None"}):
            problems.append(f"{url}: tiếng Anh {words}: …{_around(text, words[0])}…")
    else:
        for piece in pieces:
            if phrases := languages.vietnamese_in(piece):
                problems.append(f"{url}: Vietnamese {phrases} in “{' '.join(piece.split())[:120]}”")
    return problems


def demo_cycle() -> None:
    """What the demo leaves out, written through the services so its pages have rows: an
    action programme with a target and tasks, plans assigned, an inspection, a published news
    article and a reading, a report request and a draft report."""
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
    article = news.article_draft(propaganda, Conference.objects.first())
    news.article_publish(propaganda, article)
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
