"""Searching the registry: by symbol, by named resolution, by words with or without marks.

PostgreSQL ranks with full-text search over the stored column
`search_vector = to_tsvector(nq_unaccent(lower(search_text)))` (a GIN index; it exists on
PostgreSQL only, see migration 0002); SQLite matches words in the folded column. Both cut the
matching passage out of the text as written, using the one-for-one folded copy.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from documents.models import Document
from documents.names import find_named_resolutions
from documents.symbols import parse_symbol
from vn.text import fold, fold_aligned

PASSAGE = 90  # characters either side of the first hit
RANKED = 2000  # on PostgreSQL, how many of the newest matches are ranked
# Unqualified, so that inside the candidate subquery it names the subquery's own row.
_TSV = "search_vector"
_TSQ = "plainto_tsquery('simple'::regconfig, nq_unaccent(lower(%s)))"


@dataclass
class Hit:
    document: Document
    before: str
    match: str
    after: str


def _words(query: str) -> list[str]:
    return [w for w in fold(query).split() if len(w) > 0][:12]


def _by_words(documents: QuerySet[Document], query: str) -> QuerySet[Document]:
    if connection.vendor == "postgresql":
        matches = RawSQL(f"{_TSV} @@ {_TSQ}", (query,), output_field=BooleanField())
        # Ranking reads each candidate's whole vector, so a query matching most of the
        # registry would rank all of it; the newest RANKED matches are ranked instead.
        newest = documents.filter(matches).order_by("-issued_on", "-pk").values("pk")[:RANKED]
        return (
            documents.filter(pk__in=newest)
            .annotate(rank=RawSQL(f"ts_rank({_TSV}, {_TSQ})", (query,)))
            .order_by("-rank", "-issued_on", "-pk")
        )
    for word in _words(query):
        documents = documents.filter(search_folded__contains=word)
    return documents.order_by("-issued_on", "-pk")


def search(documents: QuerySet[Document], query: str, limit: int = 50) -> list[Hit]:
    """The best `limit` matches among `documents` (already limited by the access policy)."""
    query = query.strip()[:200]
    if not query:
        return []
    symbol = parse_symbol(query)
    if symbol is not None:
        exact = list(documents.filter(symbol=symbol.canonical)[:limit])
        if exact:
            return [Hit(doc, "", "", "") for doc in exact]
    named = find_named_resolutions(query)
    if named and named[0].term:
        matches = documents.filter(plenum=named[0].plenum, term=named[0].term)
        return [Hit(doc, "", "", "") for doc in matches[:limit]]
    rows = _by_words(documents, query).only(
        "pk",
        "kind",
        "symbol",
        "symbol_raw",
        "title",
        "issued_on",
        "issuer_name",
        "owner_id",
        "search_text",
        "search_folded",
    )
    hits = []
    words = _words(query)
    for doc in rows[:limit]:
        hits.append(_passage(doc, words))
    return hits


def _passage(document: Document, words: list[str]) -> Hit:
    text = document.search_text
    folded = document.search_folded or fold_aligned(text)
    # The whole phrase where it occurs as typed, else the earliest single word.
    phrase = " ".join(words)
    positions = [(folded.find(phrase), phrase)] if folded.find(phrase) >= 0 else []
    positions = positions or [(folded.find(w), w) for w in words if folded.find(w) >= 0]
    if not positions:
        return Hit(document, text[: PASSAGE * 2], "", "")
    start, word = min(positions)
    end = start + len(word)
    return Hit(
        document,
        ("…" if start > PASSAGE else "") + text[max(0, start - PASSAGE) : start],
        text[start:end],
        text[end : end + PASSAGE] + ("…" if end + PASSAGE < len(text) else ""),
    )


_YEAR_SUFFIX = re.compile(r"\s+\(?((?:19|20)\d{2})\)?\s*$")


def resolve(documents: QuerySet[Document], text: str) -> list[Document]:
    """The documents a clerk means by `text`: a symbol (optionally followed by the year
    of issue, to tell apart equal symbols of different terms) or a named plenum
    resolution. Newest first."""
    text = text.strip()[:200]
    year = None
    if match := _YEAR_SUFFIX.search(text):
        year, text = int(match.group(1)), text[: match.start()]
    symbol = parse_symbol(text)
    if symbol is not None:
        found = documents.filter(symbol=symbol.canonical)
    else:
        named = find_named_resolutions(text)
        if named and named[0].term:
            found = documents.filter(plenum=named[0].plenum, term=named[0].term)
        else:
            found = documents.filter(symbol_raw=text)
    if year is not None:
        found = found.filter(issued_on__year=year)
    return list(found.order_by("-issued_on", "-pk")[:20])
