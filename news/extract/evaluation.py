"""Score the extractor against hand labels, field by field.

Labels are JSON lines, one article each, with ``id`` the article file's stem and the
fields of :data:`news.extractor.FIELDS` (fields a label leaves out are not scored). Scalars
must match exactly; the list fields are scored by precision and recall of their items,
summed over all articles (micro average). Before comparing, strings are put in Unicode
normal form (``khoá`` = ``khóa``), symbols in canonical form (``30-Ctr/TU`` =
``30-CTr/TU``) and topics lose their quotes and trailing punctuation.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from documents.references import resolve_label
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
        path = find_article(directory, label["id"])
        if path is None:
            report.missing.append(label["id"])
            continue
        report.scored.append(label["id"])
        got = extract(read_article(path))
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
