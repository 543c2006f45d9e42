"""Read a unit's news article about a study conference into a structured record.

``extract(text)`` takes what a propaganda officer pasted (plain text or a page's HTML, of
any size and language) and returns a dict with exactly the keys of :data:`FIELDS`:

- ``is_study_event``: the article reports a conference held to study, disseminate,
  implement or review Party resolutions or Party work; when false every other field is
  empty, whatever the text mentions;
- ``event_date``: ``YYYY-MM-DD`` of the conference, its year inferred when the lead leaves
  it out (see :mod:`news.extract.dates`), or None;
- ``organizer``: the convenor as written ("Quận ủy Bắc Từ Liêm"), or None;
- ``format``: ``in_person``, ``online`` or ``hybrid``;
- ``bridge_points``, ``attendees``: counts as written ("gần 300" is 300), or None;
- ``documents``: canonical symbols (``documents.symbols``), printed or resolved from the
  issuer the text names, else "Kết luận số 61" (``documents.references``), in order of
  first mention;
- ``named_resolutions``: "NQ TW8 khóa XIII", "NQ Đại hội Đảng bộ TP Hà Nội XVII";
- ``topics``: titles of the *chuyên đề* presented.

The function is pure and deterministic, never raises on text, and reads at most the
first :data:`news.extract.page.MAX_HTML` characters of HTML and
:data:`news.extract.page.MAX_TEXT` characters of text.
"""

from documents.references import reference_keys

from .extract.dates import Event, find_event
from .extract.event import is_study_event, meeting_format, organizer
from .extract.figures import attendees, bridge_points
from .extract.page import Page, read_page
from .extract.resolutions import named_resolutions
from .extract.topics import topics

FIELDS = (
    "is_study_event",
    "event_date",
    "organizer",
    "format",
    "bridge_points",
    "attendees",
    "documents",
    "named_resolutions",
    "topics",
)
LIST_FIELDS = ("documents", "named_resolutions", "topics")
FORMATS = ("in_person", "online", "hybrid")


def empty() -> dict:
    """The record of a text that reports no study event."""
    return {
        "is_study_event": False,
        "event_date": None,
        "organizer": None,
        "format": None,
        "bridge_points": None,
        "attendees": None,
        "documents": [],
        "named_resolutions": [],
        "topics": [],
    }


def documents(text: str) -> list[str]:
    """The documents cited, each once, in order of first mention: canonical symbols, and
    "Kết luận số 61" for a reference whose issuer the text does not name
    (:mod:`documents.references`)."""
    return reference_keys(text)


def extract_page(page: Page) -> dict:
    return _record(page)[0]


def _record(page: Page) -> tuple[dict, Event | None]:
    if not is_study_event(page):
        return empty(), None
    event = find_event(page)
    # The year decides whether "khóa III" may stand for "khóa XIII".
    year = event.date.year if event.date else page.published.year if page.published else None
    record = {
        "is_study_event": True,
        "event_date": event.date.isoformat() if event.date else None,
        "organizer": organizer(page, event.sentence),
        "format": meeting_format(page),
        "bridge_points": bridge_points(page),
        "attendees": attendees(page),
        "documents": documents(page.text),
        "named_resolutions": named_resolutions(page.text, year),
        "topics": topics(page.text),
    }
    return record, event


def extract(text: str) -> dict:
    """The structured record of a pasted article; see the module's docstring."""
    return extract_page(read_page(text))


def extract_reading(text: str) -> dict:
    """`extract`'s record and ``event_part_of_day``: "morning", "noon", "afternoon" or
    "evening" when the lead names the part of the day ("Chiều ngày 27/12/2023"), else
    None. Kept beside the agreed record, which the labelled samples score."""
    record, event = _record(read_page(text))
    return {**record, "event_part_of_day": event.part if event else None}
