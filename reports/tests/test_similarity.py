"""The engine itself: shingles, signatures, band keys, exact overlap and passages."""

import numpy as np
import pytest

from reports import similarity
from reports.tests.builders import essay


def test_copy_retyped_without_diacritics_or_case_is_the_same_text():
    text = essay(1)
    plain = similarity.fold_aligned(text).upper()
    assert np.array_equal(similarity.shingles(text), similarity.shingles(plain))


def test_fast_words_equal_the_aligned_words_used_for_highlighting():
    text = "Khoá XIII: ĐẢNG viên, İstanbul straße 中国 Ðại — học_tập 2025!\nthuỷ lợi"
    aligned = [m.group().encode() for m in similarity.words(similarity.normalize_keep_lines(text))]
    assert aligned == similarity.tokens(text)


def test_words_through_the_table_equal_the_words_folded_the_long_way():
    # Letters with every tone, bare combining marks, punctuation, letters that fold to
    # several ("ǆ"), others that lower-case to a letter and a mark ("İ"), the final sigma,
    # code points past the table (CJK, emoji) and an unpaired surrogate.
    alphabet = list("aăâbdđeêioôơuưyĐƯàáảãạằắẳẵặầấẩẫậềếểễệờớởỡợừứửữựỳýỷỹỵ09 \n.,:;!?–—“”…()")
    alphabet += ["\u0301", "\u0323", "\u20d0", "ǆ", "İ", "ß", "σ", "ς", "Σ", "ﬁ", "Å", "K"]
    alphabet += ["中", "😀", "\ud800"]
    rng = np.random.default_rng(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet, int(rng.integers(0, 40))))
        text += "".join(chr(int(point)) for point in rng.integers(0x80, 0x3000, 3))
        assert similarity.tokens(text) == similarity._tokens_slow(text), repr(text)
    text = essay(5, 300)
    assert similarity.tokens(text) == similarity._tokens_slow(text)


def test_exact_overlap_of_a_half_copy():
    a = similarity.shingles(essay(1))
    half = similarity.shingles(essay(1)[: len(essay(1)) // 2] + " " + essay(2))
    found = similarity.overlap(a, half)
    assert 0.2 < found.jaccard < 0.45
    assert found.shared == len(np.intersect1d(a, half))


def test_unrelated_texts_do_not_overlap():
    found = similarity.overlap(similarity.shingles(essay(1)), similarity.shingles(essay(2)))
    assert found.jaccard < 0.05 and not found.flagged


def test_signature_estimates_jaccard_and_bands_match_only_on_equal_rows():
    a = similarity.shingles(essay(3, 600))
    b = a[: int(len(a) * 0.85)]
    exact = similarity.overlap(a, b).jaccard
    sa, sb = similarity.signature(a), similarity.signature(b)
    assert abs(similarity.estimate(sa, sb) - exact) < 0.12
    same_rows = (sa.reshape(similarity.BANDS, -1) == sb.reshape(similarity.BANDS, -1)).all(axis=1)
    keys_equal = similarity.band_keys(sa) == similarity.band_keys(sb)
    assert np.array_equal(same_rows, keys_equal)
    assert similarity.band_keys(sa).dtype == np.int64


def test_boilerplate_is_subtracted_before_comparing():
    prompt = essay(9, 80)
    a, b = prompt + " " + essay(1), prompt + " " + essay(2)
    boilerplate = similarity.shingles(prompt)
    with_prompt = similarity.overlap(similarity.shingles(a), similarity.shingles(b))
    without = similarity.overlap(
        similarity.fingerprint(a, boilerplate), similarity.fingerprint(b, boilerplate)
    )
    assert with_prompt.jaccard > 0.1
    assert without.jaccard < 0.02


def test_containment_flags_a_short_report_lifted_from_a_long_one():
    long = essay(4, 900)
    short = long[: len(long) // 4]
    found = similarity.overlap(similarity.shingles(long), similarity.shingles(short))
    assert found.jaccard < similarity.FLAG_JACCARD
    assert found.containment > 0.95 and found.flagged


def test_passages_mark_the_shared_text_as_written():
    shared = (
        "Nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức cơ sở đảng trong tình hình mới"
    )
    mine = essay(5, 60) + " " + shared + ". " + essay(6, 60)
    theirs = essay(7, 60) + " " + shared.upper() + " " + essay(8, 60)
    pieces = similarity.passages(mine, theirs)
    assert "".join(p.text for p in pieces) == similarity.normalize_keep_lines(mine)
    marked = " ".join(p.text for p in pieces if p.shared)
    assert shared in marked
    assert len(marked) < len(shared) + 20


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "中国 日本", "a b c"])
def test_degenerate_texts_give_empty_or_tiny_fingerprints(text):
    found = similarity.shingles(text)
    assert len(found) < similarity.MIN_SHINGLES
    assert similarity.signature(found).shape == (similarity.PERMUTATIONS,)


def test_boilerplate_is_taken_out_of_any_values_in_their_order():
    rng = np.random.default_rng(7)
    boilerplate = similarity.as_set(rng.integers(10, 1_000, 300).astype(np.uint32))
    values = rng.integers(0, 1_100, 2_000).astype(np.uint32)  # repeats, both ends outside
    kept = similarity.without(values, boilerplate)
    assert kept.tolist() == [v for v in values.tolist() if v not in set(boilerplate.tolist())]
    assert similarity.without(values, np.empty(0, dtype=np.uint32)) is values


def test_a_prompt_quoted_inside_a_copied_passage_does_not_cut_it_in_two():
    prompt = "Trách nhiệm của bản thân trong việc tổ chức thực hiện nghị quyết"
    boilerplate = similarity.shingles(prompt)
    passage = essay(60, 60) + " " + prompt + " " + essay(61, 60)
    mine = essay(62, 80) + "\n" + passage
    # The copy also quotes the prompt on its own, away from the copied passage.
    theirs = passage + "\n" + essay(63, 40) + " " + prompt + " " + essay(64, 40)
    found = similarity.alignment(mine, theirs, boilerplate)
    assert [row.passage for row in found.rows] == [1]
    [row] = found.rows
    assert prompt in row.mine and len(row.theirs) == 1 and prompt in row.theirs[0]
    marked = [piece.text for piece in found.right if piece.shared]
    assert len(marked) == 1 and marked[0].startswith(essay(60, 60).split()[0])
    # The quoted prompt still counts in neither share: the same as without bridging.
    own = similarity.fingerprint(mine, boilerplate)
    common = np.intersect1d(own, similarity.fingerprint(theirs, boilerplate))
    assert found.left_share == pytest.approx(len(common) / len(own))


def _copied(rng, source: np.ndarray, size: int, pieces: int) -> np.ndarray:
    """A report of `size` fresh shingles with `source` cut into `pieces` runs, each set
    between fresh shingles (a section copied in pieces, paragraphs moved)."""
    cuts = np.sort(rng.choice(np.arange(1, len(source)), size=pieces - 1, replace=False))
    runs = np.split(source, cuts)
    own = rng.integers(0, 1 << 32, size=size, dtype=np.uint64).astype(np.uint32)
    parts = zip(np.array_split(own, pieces), runs, strict=True)
    return np.concatenate([part for pair in parts for part in pair])


@pytest.mark.parametrize("seed", range(40))
def test_a_copy_the_engine_keeps_shares_the_marks_it_asks_for(seed):
    """Winnowing's guarantee behind `least_shared`: a passage making up KEEP_CONTAINMENT
    of the smaller report, copied in at most PIECES runs, shares at least the marks a
    candidate must share before it is verified. (Below the size where that exceeds
    MIN_SHARED the bound is the older floor of two marks, which winnowing does not
    promise for a copy split in pieces.)"""
    rng = np.random.default_rng([seed, 7])
    share, per = similarity.PROPORTION
    large = (similarity.MIN_SHARED + similarity.PIECES) * per // share + 1
    smaller = int(rng.integers(large, 2000))
    copied = int(np.ceil(similarity.KEEP_CONTAINMENT * smaller))
    pieces = int(rng.integers(1, similarity.PIECES + 1))
    source_own = rng.integers(0, 1 << 32, size=smaller, dtype=np.uint64).astype(np.uint32)
    start = int(rng.integers(0, smaller - copied + 1))
    passage = source_own[start : start + copied]
    copy = _copied(rng, passage, int(rng.integers(smaller, 3000)), pieces)
    mine, theirs = similarity.marks(copy), similarity.marks(source_own)
    assert similarity.overlap(similarity.as_set(copy), source_own).kept
    shared = len(np.intersect1d(mine, theirs))
    least = similarity.least_shared(len(similarity.as_set(copy)), smaller, len(mine))
    assert shared >= least


def test_the_bound_asks_more_of_larger_reports_and_no_more_than_they_hold():
    assert similarity.least_shared(100, 100, 10) == similarity.MIN_SHARED
    assert similarity.least_shared(800, 0, 60) == similarity.MIN_SHARED  # size unknown
    assert similarity.least_shared(800, 800, 60) > similarity.MIN_SHARED
    assert similarity.least_shared(800, 300, 60) == similarity.least_shared(300, 800, 60)
    assert similarity.least_shared(800, 800, 1) == 1
