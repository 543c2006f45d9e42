"""`evaluate_extractor` on three sets: samples, development, test; the corpus split once.

The articles here are two-sentence texts written for these tests, not real articles: they
check the command's plumbing, not the extractor's quality.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from news.extract.evaluation import split


def _article(n: int, *, event: bool = True) -> dict:
    if event:
        text = (
            f"Đảng ủy xã Số {n} tổ chức hội nghị học tập Nghị quyết\n"
            f"Sáng 4/12/2023, Đảng ủy xã Số {n} tổ chức hội nghị học tập, quán triệt "
            "Nghị quyết số 43 của Bộ Chính trị cho 120 đảng viên."
        )
        label = {
            "is_study_event": True,
            "event_date": "2023-12-04",
            "organizer": f"Đảng ủy xã Số {n}",
            "format": "in_person",
            "bridge_points": None,
            "attendees": 120,
            "documents": ["43-NQ/TW"],
            "topics": [],
            "symbols": [{"written": "Nghị quyết số 43 của Bộ Chính trị", "canonical": "43-NQ/TW"}],
        }
    else:
        text = "Giải bóng đá thanh niên\nChiều 4/12/2023, giải bóng đá thanh niên khai mạc."
        label = {"is_study_event": False, "documents": [], "topics": []}
    return {"id": f"a{n:03d}", "source": f"https://example.invalid/{n}", "text": text, **label}


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("evaluate_extractor", *args, stdout=out)
    return out.getvalue()


def test_without_a_corpus_it_says_so_and_scores_the_samples_only(tmp_path):
    report = _run("--corpus", str(tmp_path / "corpus"))
    assert "| articles | 5 | — | — |" in report
    assert "No real-article corpus" in report
    assert "## samples" in report


def test_the_split_is_seeded_once_and_refuses_to_run_again(tmp_path):
    corpus = tmp_path / "corpus"
    rows = [_article(n, event=n % 4 != 0) for n in range(120)]
    _write(corpus / "all.jsonl", rows)
    said = _run("--corpus", str(corpus), "--split")
    assert "80 bài" in said and "40 bài" in said
    dev = [json.loads(x) for x in (corpus / "dev" / "articles.jsonl").read_text().splitlines()]
    test = [json.loads(x) for x in (corpus / "test" / "articles.jsonl").read_text().splitlines()]
    assert (len(dev), len(test)) == (80, 40)
    assert {r["id"] for r in dev} | {r["id"] for r in test} == {r["id"] for r in rows}
    assert [r["id"] for r in test] == [r["id"] for r in split(list(reversed(rows)))[1]]
    with pytest.raises(CommandError, match="một lần"):
        _run("--corpus", str(corpus), "--split")


def test_development_and_test_parts_are_scored_but_only_development_errors_are_shown(tmp_path):
    corpus = tmp_path / "corpus"
    dev = [_article(1), _article(2, event=False)]
    wrong = dict(_article(3), attendees=99)
    _write(corpus / "dev" / "articles.jsonl", [*dev, wrong])
    _write(corpus / "test" / "articles.jsonl", [dict(_article(4), attendees=77)])
    report = _run("--corpus", str(corpus))
    assert "| articles | 5 | 3 | 1 |" in report
    assert "| attendees | 1.00 | 0.50 | 0.00 |" in report
    assert "| symbol reader | — | 1.00 | 1.00 |" in report
    assert "a003 attendees: expected 99, got 120" in report
    assert "a004" not in report
    assert "a004 attendees: expected 77, got 120" in _run(
        "--corpus", str(corpus), "--show-test-errors"
    )


def test_a_corpus_article_without_its_source_is_refused(tmp_path):
    corpus = tmp_path / "corpus"
    row = _article(1)
    del row["source"]
    _write(corpus / "dev" / "articles.jsonl", [row])
    with pytest.raises(CommandError, match="source"):
        _run("--corpus", str(corpus))
