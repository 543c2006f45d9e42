"""Marks find a report that shares any substantial part with another: a copied section,
a pasted sample with the member's own paragraphs, a copy without diacritics or with its
paragraphs moved."""

import numpy as np

from reports import similarity
from reports.tests.builders import essay


def marks_of(text, boilerplate=None):
    return similarity.marks(similarity.sequence(text), boilerplate)


def shared_marks(a, b, boilerplate=None):
    return len(np.intersect1d(marks_of(a, boilerplate), marks_of(b, boilerplate)))


def test_every_window_of_shingles_gives_its_smallest_hash_as_a_mark():
    sequence = similarity.sequence(essay(1, 400))
    found = similarity.marks(sequence)
    windows = np.lib.stride_tricks.sliding_window_view(sequence, similarity.WINDOW)
    assert set(windows.min(axis=1).tolist()) == set(found.tolist())
    assert len(found) < len(similarity.as_set(sequence)) / 4


def test_a_section_copied_without_diacritics_shares_marks_though_the_rest_differs():
    section = essay(10, 200)
    mine = similarity.fold_aligned(section).upper() + "\n" + essay(11, 500)
    theirs = section + "\n" + essay(12, 500)
    whole = similarity.overlap(similarity.shingles(mine), similarity.shingles(theirs))
    assert whole.jaccard < 0.25
    assert shared_marks(mine, theirs) >= 5


def test_paragraphs_moved_keep_their_marks():
    paragraphs = [essay(20 + i, 80) for i in range(6)]
    moved = paragraphs[3:] + paragraphs[:3]
    a, b = "\n".join(paragraphs), "\n".join(moved)
    assert shared_marks(a, b) >= len(marks_of(a)) * 0.7


def test_a_shared_run_of_twenty_words_always_gives_a_common_mark():
    for seed in range(30):
        run = " ".join(essay(1000 + seed, 20).split()[:20])
        a = essay(seed, 150) + " " + run + " " + essay(seed + 100, 150)
        b = essay(seed + 200, 150) + " " + run + " " + essay(seed + 300, 150)
        assert shared_marks(a, b) >= 1, seed


def test_unrelated_reports_share_no_mark():
    assert shared_marks(essay(1, 600), essay(2, 600)) == 0


def test_allowed_text_gives_no_mark():
    sample = essay(30, 300)
    boilerplate = similarity.shingles(sample)
    a, b = sample + " " + essay(31, 300), sample + " " + essay(32, 300)
    assert shared_marks(a, b) > 5
    assert shared_marks(a, b, boilerplate) == 0


def test_a_text_shorter_than_a_window_still_has_a_mark():
    sequence = similarity.sequence(essay(40, 16))
    assert len(similarity.marks(sequence)) == 1


def test_keys_fit_a_signed_integer_column():
    keys = similarity.keys_of(marks_of(essay(1, 600)))
    assert all(-(2**31) <= key < 2**31 for key in keys)
    assert len(set(keys)) == len(keys)
