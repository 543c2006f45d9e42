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

from documents.references import Reference, find_references, reference_keys

from .extract.dates import find_event
from .extract.event import is_study_event, meeting_format_found, organizer_found
from .extract.figures import attendees_as_written, bridge_points
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


def documents(text: str, references: list[Reference] | None = None) -> list[str]:
    """The documents cited, each once, in order of first mention: canonical symbols, and
    "Kết luận số 61" for a reference whose issuer the text does not name
    (:mod:`documents.references`)."""
    return reference_keys(text, references)


def extract_page(page: Page) -> dict:
    return _record(page)[0]


def _record(page: Page) -> tuple[dict, dict]:
    """The record and what the reading page adds: how sure each field is and how it was
    written (the part of the day, the hour, "gần" before a count)."""
    if not is_study_event(page):
        return empty(), {}
    event = find_event(page)
    # The year decides whether "khóa III" may stand for "khóa XIII".
    year = event.date.year if event.date else page.published.year if page.published else None
    organiser, organiser_from = organizer_found(page, event.sentence)
    meeting, said = meeting_format_found(page)
    count, qualifier = attendees_as_written(page)
    references = find_references(page.text, page.folded)
    record = {
        "is_study_event": True,
        "event_date": event.date.isoformat() if event.date else None,
        "organizer": organiser,
        "format": meeting,
        "bridge_points": bridge_points(page),
        "attendees": count,
        "documents": documents(page.text, references),
        "named_resolutions": named_resolutions(page.text, year),
        "topics": topics(page.text),
    }
    confidence = {
        "is_study_event": 0.9,
        "event_date": _DATE_CONFIDENCE.get(event.year_from or "", 0.0)
        * (1.0 if event.sentence is not None else 0.7),
        "organizer": _ORGANISER_CONFIDENCE.get(organiser_from, 0.0),
        "format": 0.9 if said else 0.5,
        "attendees": (0.6 if qualifier else 0.9) if count is not None else 0.0,
        "bridge_points": 0.9 if record["bridge_points"] is not None else 0.0,
        "documents": min((r.confidence for r in references), default=1.0),
        "topics": 0.8,
    }
    extra = {
        "event_part_of_day": event.part,
        "event_time": event.time.strftime("%H:%M") if event.time else None,
        "attendees_qualifier": qualifier,
        "confidence": {name: round(value, 2) for name, value in confidence.items()},
    }
    return record, extra


# How sure a field is, by where it was read. Below LOW_CONFIDENCE the page asks the
# officer to check it.
LOW_CONFIDENCE = 0.7
_DATE_CONFIDENCE = {
    "written": 0.95,
    "published": 0.85,
    "today": 0.85,
    "weekday": 0.65,
    "mentions": 0.6,
}
_ORGANISER_CONFIDENCE = {
    "lead": 0.9,
    "body": 0.8,
    "title": 0.75,
    "plan": 0.65,
    "title-subject": 0.6,
    "attending": 0.6,
}


def extract(text: str) -> dict:
    """The structured record of a pasted article; see the module's docstring."""
    return extract_page(read_page(text))


def extract_reading(text: str) -> dict:
    """`extract`'s record and, beside it (the labelled samples score the record only):

    - ``event_part_of_day``: "morning", "noon", "afternoon" or "evening" when the lead
      names the part of the day ("Chiều ngày 27/12/2023"), else None;
    - ``event_time``: "14:30" when the lead gives the hour, else None;
    - ``attendees_qualifier``: "gần", "hơn" … when the count is approximate, else "";
    - ``confidence``: for each field, from 0 to 1, how sure the reading is (below
      :data:`LOW_CONFIDENCE` the page asks the officer to check it).
    """
    record, extra = _record(read_page(text))
    blank = {"event_part_of_day": None, "event_time": None, "attendees_qualifier": ""}
    return {**record, **blank, "confidence": {}, **extra}
