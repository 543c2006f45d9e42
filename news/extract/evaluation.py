"""Score the extractor against hand labels, field by field.

Labels are JSON lines, one article each, with ``id`` the article file's stem (or the
article itself in ``text``) and the fields of :data:`news.extractor.FIELDS` (fields a label
leaves out are not scored); ``symbols``, a list of ``{"written", "canonical"}``, scores the
symbol reader on the references as the article wrote them. Scalars
must match exactly; the list fields are scored by precision and recall of their items,
summed over all articles (micro average). Before comparing, strings are put in Unicode
normal form (``khoá`` = ``khóa``), symbols in canonical form (``30-Ctr/TU`` =
``30-CTr/TU``) and topics lose their quotes and trailing punctuation.
"""

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from documents.references import read_reference, resolve_label
from documents.symbols import canonical
from vn.text import normalize

from ..extractor import FIELDS, LIST_FIELDS

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
_TOPIC_STRIP = " \t.,;:!?…\"'“”‘’«»"
# Read the same amount of a file as the extractor reads of a paste, and no more.
MAX_FILE_BYTES = 4_000_000


@dataclass
class FieldScore:
    name: str
    articles: int = 0
    exact: int = 0  # articles whose value (or whole list) matched
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def is_list(self) -> bool:
        return self.name in LIST_FIELDS

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Mismatch:
    article: str
    field: str
    expected: object
    got: object


@dataclass
class Report:
    fields: dict[str, FieldScore]
    mismatches: list[Mismatch] = field(default_factory=list)
    scored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    symbols_read: int = 0  # written symbols the reader read to the labelled form
    symbols: int = 0
    symbol_misses: list[tuple[str, str, str | None]] = field(default_factory=list)


def read_article(path: Path) -> str:
    with path.open("rb") as handle:
        return handle.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")


def load_labels(path: Path) -> list[dict]:
    """The labels of a JSONL file; raises ValueError naming the first bad line."""
    labels = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise ValueError(f"{path}:{number}: a label needs a string 'id'")
        labels.append(row)
    return labels


def find_article(directory: Path, article_id: str) -> Path | None:
    for suffix in ARTICLE_SUFFIXES:
        if (path := directory / f"{article_id}{suffix}").is_file():
            return path
    return None


def _key(name: str, value: object) -> object:
    if not isinstance(value, str):
        return value
    text = normalize(value)
    if name == "documents":
        return canonical(text) or resolve_label(text) or text
    if name == "topics":
        return text.strip(_TOPIC_STRIP)
    return text


def _items(name: str, values: object) -> set:
    return {_key(name, v) for v in values} if isinstance(values, list) else set()


def score(labels: Iterable[dict], directory: Path, extract: Callable[[str], dict]) -> Report:
    report = Report({name: FieldScore(name) for name in FIELDS})
    for label in labels:
        if isinstance(label.get("text"), str):
            text = label["text"]
        elif (path := find_article(directory, label["id"])) is not None:
            text = read_article(path)
        else:
            report.missing.append(label["id"])
            continue
        report.scored.append(label["id"])
        for pair in label.get("symbols") or []:
            got_symbol = read_reference(pair["written"])
            report.symbols += 1
            if got_symbol == _key("documents", pair["canonical"]):
                report.symbols_read += 1
            else:
                report.symbol_misses.append((pair["written"], pair["canonical"], got_symbol))
        got = extract(text)
        for name in FIELDS:
            if name not in label:
                continue
            item = report.fields[name]
            item.articles += 1
            if item.is_list:
                wanted, found = _items(name, label[name]), _items(name, got[name])
                item.true_positives += len(wanted & found)
                item.false_positives += len(found - wanted)
                item.false_negatives += len(wanted - found)
                matched = wanted == found
            else:
                matched = _key(name, label[name]) == _key(name, got[name])
            item.exact += matched
            if not matched:
                report.mismatches.append(Mismatch(label["id"], name, label[name], got[name]))
    return report


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def render(report: Report) -> str:
    """The per-field table (Markdown) and the per-article mismatches."""
    lines = [
        f"Articles scored: {len(report.scored)}"
        + (f" (not found: {', '.join(report.missing)})" if report.missing else ""),
        "",
        "| field | articles exact | precision | recall | F1 |",
        "|---|--:|--:|--:|--:|",
    ]
    for item in report.fields.values():
        if not item.articles:
            continue
        exact = f"{item.exact}/{item.articles}"
        if item.is_list:
            lines.append(
                f"| {item.name} | {exact} | {item.precision:.2f} | {item.recall:.2f} "
                f"| {item.f1:.2f} |"
            )
        else:
            lines.append(f"| {item.name} | {exact} | – | – | – |")
    lines.append("")
    if not report.mismatches:
        lines.append("No mismatches.")
        return "\n".join(lines)
    lines.append("Mismatches:")
    for miss in report.mismatches:
        if miss.field in LIST_FIELDS:
            wanted, found = _items(miss.field, miss.expected), _items(miss.field, miss.got)
            missing = [v for v in miss.expected if _key(miss.field, v) not in found]
            extra = [v for v in miss.got if _key(miss.field, v) not in wanted]
            detail = f"missing {_show(missing)}, extra {_show(extra)}"
        else:
            detail = f"expected {_show(miss.expected)}, got {_show(miss.got)}"
        lines.append(f"- {miss.article} {miss.field}: {detail}")
    return "\n".join(lines)


# --- the three sets: samples, development, test -------------------------------------------

# One line per figure the issue asks for: (label, field, how it is measured).
SUMMARY = (
    ("is-event accuracy", "is_study_event", "exact"),
    ("date", "event_date", "exact"),
    ("organiser", "organizer", "exact"),
    ("format", "format", "exact"),
    ("bridge points", "bridge_points", "exact"),
    ("attendees", "attendees", "exact"),
    ("references F1", "documents", "f1"),
    ("named resolutions F1", "named_resolutions", "f1"),
    ("topics F1", "topics", "f1"),
)
CORPUS_FIELDS = ("id", "source", "text")
SPLIT_SEED = 20261202
TEST_SHARE = 1 / 3
TEST_LEAST = 40


def figures(report: Report) -> dict[str, float | None]:
    """The summary figures of a report; None where nothing was labelled."""
    out: dict[str, float | None] = {}
    for label, name, how in SUMMARY:
        item = report.fields[name]
        if not item.articles:
            out[label] = None
        elif how == "f1":
            out[label] = item.f1
        else:
            out[label] = item.exact / item.articles
    out["symbol reader"] = report.symbols_read / report.symbols if report.symbols else None
    return out


def render_summary(columns: dict[str, Report | None]) -> str:
    """A Markdown table: one row per figure, one column per set (None: set absent)."""
    names = list(columns)
    lines = [
        "| figure | " + " | ".join(names) + " |",
        "|---|" + "--:|" * len(names),
    ]
    counts = [str(len(r.scored)) if r else "—" for r in columns.values()]
    lines.append("| articles | " + " | ".join(counts) + " |")
    table = {name: figures(r) if r else None for name, r in columns.items()}
    for label in [*(row[0] for row in SUMMARY), "symbol reader"]:
        cells = []
        for name in names:
            value = table[name][label] if table[name] else None
            cells.append("—" if value is None else f"{value:.2f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_corpus(directory: Path) -> list[dict]:
    """The labelled articles of every ``*.jsonl`` in ``directory``; each must carry its
    ``source`` (where it was read) and its ``text``. Raises ValueError naming the first
    bad line."""
    articles = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, row in enumerate(load_labels(path), 1):
            for name in CORPUS_FIELDS:
                if not isinstance(row.get(name), str) or not row[name].strip():
                    raise ValueError(f"{path}: article {number} needs '{name}'")
            articles.append(row)
    return articles


def split(articles: list[dict], seed: int = SPLIT_SEED) -> tuple[list[dict], list[dict]]:
    """(development, test): a seeded shuffle, a third (at least 40) to the test part."""
    order = sorted(articles, key=lambda a: a["id"])
    random.Random(seed).shuffle(order)
    size = max(TEST_LEAST, round(len(order) * TEST_SHARE))
    if len(order) < 2 * size:
        raise ValueError(
            f"{len(order)} articles: at least {2 * TEST_LEAST} are needed to set aside "
            f"{TEST_LEAST} for the test part"
        )
    return order[size:], order[:size]
