"""The symbol reader against the hand-labelled sample articles in ``shared/``."""

import json
from pathlib import Path

import pytest

from documents.symbols import find_symbols, parse_symbol

REPOSITORY = Path(__file__).resolve().parents[2]
ARTICLES = Path(__file__).resolve().parents[3] / "shared/samples/articles"
GOLD_FILE = ARTICLES / "gold.jsonl"


def _gold() -> list[dict]:
    if not GOLD_FILE.exists():
        return []
    lines = GOLD_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


GOLD = _gold()
needs_samples = pytest.mark.skipif(
    not GOLD,
    reason=f"no sample articles at {ARTICLES} (CI checks out shared/ beside the repository)",
)


def test_the_repository_root_is_two_folders_above_the_tests():
    assert (REPOSITORY / "pyproject.toml").exists()
    assert (REPOSITORY / "documents" / "symbols.py").exists()


@needs_samples
@pytest.mark.parametrize("gold", GOLD, ids=[g["id"] for g in GOLD])
def test_find_symbols_reads_exactly_the_gold_documents_of_each_article(gold):
    text = (ARTICLES / f"{gold['id']}.txt").read_text(encoding="utf-8")
    found = find_symbols(text)
    # Gold lists each document once, in canonical form, Party and State alike.
    assert {match.symbol.canonical for match in found} == set(gold["documents"])
    for match in found:
        assert text[match.start : match.end] == match.raw
        assert parse_symbol(match.raw) == match.symbol


@needs_samples
def test_gold_documents_are_already_canonical():
    for gold in GOLD:
        for written in gold["documents"]:
            assert parse_symbol(written).canonical == written
