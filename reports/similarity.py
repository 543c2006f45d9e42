"""The copy-detection engine: word shingles, winnowed marks for finding candidates, exact
verification, and the shared passages aligned for the reviewer.

Pure functions over text and numpy arrays; `reports.copies` stores what they compute.

- Text is normalised (NFC, tone placement), lower-cased and folded one character for one
  character, so that a copy retyped without diacritics still matches and a word's offsets
  in the folded text are its offsets in the original.
- A shingle is five consecutive words, hashed to 32 bits. A report's fingerprint is the
  sorted set of its shingle hashes minus those of the campaign's own documents and
  prompts (boilerplate every member may quote).
- Candidates come from marks, not from a sketch of the whole report: the shingle hashes
  chosen by winnowing (the smallest of every WINDOW consecutive shingles, as MOSS does),
  boilerplate removed first. Any passage of WINDOW + SHINGLE - 1 words two reports share
  gives both the same mark wherever it stands in either, so a copied section, a pasted
  sample or a paragraph moved elsewhere is proposed whatever the rest of the report says;
  a sketch of the whole report (MinHash over the full set) only proposes pairs whose
  whole texts are alike. Candidates are then verified exactly, so thresholds are applied
  to the real sets, never to an estimate.
- The MinHash signature is kept for benchmarks against the peers.
"""

import array
import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

from vn.text import fold_aligned, normalize

SHINGLE = 5
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
# Below this many shingles a text is too short to call a copy of anything.
MIN_SHINGLES = 12
# Winnowing window, in shingles: a shared run of WINDOW + SHINGLE - 1 = 20 words always
# yields a common mark; a report keeps about 2 / (WINDOW + 1) of its shingles as marks.
WINDOW = 16

# A pair is shown to reviewers when either measure reaches its threshold: Jaccard for
# look-alike texts, containment for a short report lifted whole from a longer one.
FLAG_JACCARD = 0.7
FLAG_CONTAINMENT = 0.5
# Verified pairs from this overlap on are kept, so a reviewer sees the closest reports
# even below the flag thresholds (a copied third of a report is kept, half is flagged).
KEEP_JACCARD = 0.5
KEEP_CONTAINMENT = 0.3
# Candidates verified per report, those sharing the most marks first: when a circulated
# sample has been copied by thousands, a new copy is verified against its closest few
# hundred, not against every one of them.
MAX_CANDIDATES = 500
# A mark more reports than this share is a stock phrase or a circulated text, not
# evidence that two of them copied each other: it proposes nobody. A candidate shares at
# least MIN_SHARED marks with the report (any, if the report has fewer marks), and more
# in proportion to the smaller report's size (`least_shared`).
CROWDED_MARK = 200
MIN_SHARED = 2
# Separate passages a kept copy may be made of (sections, moved paragraphs) before
# `least_shared` stops counting on marks in proportion. Chosen on seed 11 of the
# synthetic corpus (4,000 and 20,000 reports: no kept copy of any kind below the bound at
# 0 pieces, the tightest kind 0 marks above it), so 4 leaves a margin; checked on seed 23.
PIECES = 4


# KEEP_CONTAINMENT / WINDOW as a fraction of integers, so PostgreSQL and Python round
# `least_shared` alike.
PROPORTION = (round(KEEP_CONTAINMENT * 100), 100 * WINDOW)


def least_shared(size: int, other: int, marks: int) -> int:
    """Marks a candidate must share with a report (`marks` marks, `size` own shingles)
    before its fingerprint is read and verified, the candidate having `other` own
    shingles (0 when unknown: then MIN_SHARED).

    A pair is kept from containment KEEP_CONTAINMENT, so it shares at least that share of
    the smaller set, s shingles. Winnowing picks a common mark in every WINDOW consecutive
    common shingles, so a common run of L shingles yields at least L // WINDOW marks, and
    a copy made of at most PIECES runs at least KEEP_CONTAINMENT * s / WINDOW - PIECES.
    Never more than MIN_SHARED is asked of a small pair, nor more marks than the report
    holds. The SQL of `copies` computes the same from `PROPORTION`."""
    proportional = min(size, other) * PROPORTION[0] // PROPORTION[1] - PIECES
    return min(max(MIN_SHARED, proportional), marks)


def ranked_candidates(
    postings, marks: int, size: int, sizes_of, limit: int = MAX_CANDIDATES
) -> list[int]:
    """Candidates from the reports holding each mark (an iterable of id lists, one per
    mark, each cut at CROWDED_MARK + 1): crowded marks skipped, those sharing fewer marks
    than `least_shared` asks dropped (`sizes_of` maps a list of ids to their own shingle
    counts), the reports sharing the most marks first, ties by id."""
    counts: dict[int, int] = {}
    for ids in postings:
        if len(ids) > CROWDED_MARK:
            continue
        for pk in ids:
            counts[pk] = counts.get(pk, 0) + 1
    floor = min(MIN_SHARED, marks)
    sizes = sizes_of([pk for pk, n in counts.items() if n >= floor])
    ranked = sorted(
        ((n, pk) for pk, n in counts.items() if n >= least_shared(size, sizes.get(pk, 0), marks)),
        key=lambda item: (-item[0], item[1]),
    )
    return [pk for _n, pk in ranked[:limit]]


# Words are runs of ASCII letters and digits after folding; any other character (a
# letter of another script included) separates them, on both paths below.
_WORD = re.compile(r"[a-z0-9]+")
_SEPARATORS = bytes(b if 48 <= b <= 57 or 97 <= b <= 122 else 32 for b in range(256))
_DROPPED = bytes(range(0x80, 0xC0)) + b"\xcc\xcd"
_word_cache: dict[bytes, int] = {}
_WORD_CACHE_MAX = 500_000

_rng = np.random.default_rng(0x6E71)  # fixed: signatures are stored and compared later
_A = _rng.integers(1, 1 << 63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64)
# Odd multipliers that mix the five word hashes of a shingle, and the four rows of a band.
_MIX = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    ],
    dtype=np.uint64,
)
_BAND_MIX = _MIX[:ROWS]


def words(text: str) -> list[re.Match[str]]:
    """The words of `text` as matches on its aligned fold, for locating passages."""
    return list(_WORD.finditer(fold_aligned(text)))


def _tokens_slow(text: str) -> list[bytes]:
    text = text.lower().replace("đ", "d").replace("ð", "d")
    data = unicodedata.normalize("NFD", text).encode("utf-8", "replace")
    return data.translate(_SEPARATORS, _DROPPED).split()


# What `_tokens_slow` makes of each code point below _TABLE_END, alone: the ASCII byte it
# folds to, _SEPARATE, _DROP (a combining mark) or _IRREGULAR (several letters, as "ǆ"
# gives "dz"). Per character is the whole string's result: lower-casing depends on its
# neighbours only for the Greek final sigma (a separator either way), and NFD's reordering
# only swaps combining marks, which are dropped or separate alike.
_TABLE_END = 0x3000
_DROP, _SEPARATE, _IRREGULAR = 0, 32, 255
_table: np.ndarray | None = None


def _fold_table() -> np.ndarray:
    global _table
    if _table is None:
        table = np.empty(_TABLE_END, dtype=np.uint8)
        for point in range(_TABLE_END):
            folded = b" ".join(_tokens_slow(chr(point)))
            if not folded:
                table[point] = _DROP if _dropped(point) else _SEPARATE
            else:
                table[point] = folded[0] if len(folded) == 1 else _IRREGULAR
        _table = table
    return _table


def _dropped(point: int) -> bool:
    """Whether the code point leaves nothing at all (not even a separator) in a word."""
    return _tokens_slow(f"a{chr(point)}b") == [b"ab"]


def tokens(text: str) -> list[bytes]:
    """The same words as `words`, fast: lower-cased, "đ" made "d", decomposed (NFD), then
    in the UTF-8 bytes the combining marks (lead bytes CC/CD) and every continuation byte
    dropped, and any other non-ASCII lead byte, like every ASCII character that is not a
    letter or digit, made a separator. Computed with a table of what each code point
    becomes, one numpy lookup for the text; a text with a code point past the table, an
    unpaired surrogate or a letter that folds to several is folded the long way."""
    try:
        points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    except UnicodeEncodeError:
        return _tokens_slow(text)
    if not len(points):
        return []
    if int(points.max()) >= _TABLE_END:
        return _tokens_slow(text)
    folded = _fold_table()[points]
    if (folded == _IRREGULAR).any():
        return _tokens_slow(text)
    return folded[folded != _DROP].tobytes().split()


def _word_hashes(tokens: list[bytes]) -> np.ndarray:
    cache = _word_cache
    try:
        values = list(map(cache.__getitem__, tokens))
    except KeyError:
        if len(cache) > _WORD_CACHE_MAX:
            cache.clear()
        for token in tokens:
            if token not in cache:
                cache[token] = zlib.crc32(token)
        values = list(map(cache.__getitem__, tokens))
    # Through array.array: numpy converts a list of Python ints one by one, twice slower.
    return np.frombuffer(array.array("I", values), dtype=np.uint32).astype(np.uint64)


def _shingles_of(hashes: np.ndarray) -> np.ndarray:
    """One 32-bit hash per run of SHINGLE words, in text order (with repeats)."""
    n = len(hashes) - SHINGLE + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint32)
    with np.errstate(over="ignore"):
        mixed = np.zeros(n, dtype=np.uint64)
        for i in range(SHINGLE):
            mixed += hashes[i : i + n] * _MIX[i]
        mixed ^= mixed >> np.uint64(31)
        mixed *= _MIX[0]
    return (mixed >> np.uint64(32)).astype(np.uint32)


def _sorted_set(values: np.ndarray) -> np.ndarray:
    # A sort and a neighbour mask: np.unique does the same several times slower.
    if not len(values):
        return values
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def sequence(text: str) -> np.ndarray:
    """The shingle hashes of `text` in text order, with repeats (uint32)."""
    return _shingles_of(_word_hashes(tokens(text)))


def shingles(text: str) -> np.ndarray:
    """The sorted set of shingle hashes of `text` (uint32)."""
    return _sorted_set(sequence(text))


def as_set(sequence: np.ndarray) -> np.ndarray:
    return _sorted_set(sequence)


def without(values: np.ndarray, boilerplate: np.ndarray | None) -> np.ndarray:
    """`values` (in their order) less those found in the sorted set `boilerplate`: one
    binary search each, twice as fast as np.isin, which sorts both arrays again."""
    if boilerplate is None or not len(boilerplate) or not len(values):
        return values
    at = np.searchsorted(boilerplate, values)
    at[at == len(boilerplate)] = 0
    return values[boilerplate[at] != values]


def marks(sequence: np.ndarray, boilerplate: np.ndarray | None = None) -> np.ndarray:
    """The winnowed marks of a shingle sequence (sorted set, uint32): boilerplate shingles
    are taken out first, so quoting the campaign's documents or an allowed sample neither
    gives nor hides a mark; then the smallest hash of every WINDOW consecutive shingles
    is kept."""
    sequence = without(sequence, boilerplate)
    if len(sequence) <= WINDOW:
        return _sorted_set(sequence[[int(np.argmin(sequence))]]) if len(sequence) else sequence
    # The minimum of every window by doubling spans (a sparse table): the minima of spans
    # of 1, 2, 4 … shingles, then each window as two overlapping spans. Which of equal
    # minima is chosen does not change the set of marks.
    span, minima = 1, sequence
    while span * 2 <= WINDOW:
        minima = np.minimum(minima[:-span], minima[span:])
        span *= 2
    windows, second = len(sequence) - WINDOW + 1, WINDOW - span
    return _sorted_set(np.minimum(minima[:windows], minima[second : second + windows]))


def keys_of(marks: np.ndarray) -> list[int]:
    """Marks as signed 32-bit integers, for an integer column."""
    return marks.astype(np.uint32).view(np.int32).tolist()


def fingerprint(text: str, boilerplate: np.ndarray | None = None) -> np.ndarray:
    """Shingle hashes of `text` that do not occur in `boilerplate` (both sorted sets)."""
    return without(shingles(text), boilerplate)


def signature(fingerprint: np.ndarray) -> np.ndarray:
    """PERMUTATIONS minima of multiply-shift hashes (uint32); all-ones for an empty set."""
    if not len(fingerprint):
        return np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32)
    x = fingerprint.astype(np.uint64)
    # In place: temporaries of PERMUTATIONS x n would cost more than the arithmetic.
    hashed = np.empty((PERMUTATIONS, len(x)), dtype=np.uint64)
    np.multiply(_A[:, None], x, out=hashed)
    np.add(hashed, _B[:, None], out=hashed)
    np.right_shift(hashed, np.uint64(32), out=hashed)
    return hashed.min(axis=1).astype(np.uint32)


def band_keys(signature: np.ndarray) -> np.ndarray:
    """One signed 64-bit key per band (a database bigint). The band's number is mixed in,
    so equal rows in different bands give different keys and a lookup by key alone
    cannot match across bands."""
    rows = signature.astype(np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * _BAND_MIX).sum(axis=1, dtype=np.uint64)
        keys += np.arange(BANDS, dtype=np.uint64) * _MIX[4]
        keys ^= keys >> np.uint64(29)
    return keys.view(np.int64)


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard estimated from two signatures (for benchmarks; pairs are verified exactly)."""
    return float(np.mean(a == b))


@dataclass(frozen=True)
class Overlap:
    jaccard: float
    containment: float
    shared: int

    @property
    def flagged(self) -> bool:
        return self.jaccard >= FLAG_JACCARD or self.containment >= FLAG_CONTAINMENT

    @property
    def kept(self) -> bool:
        return self.jaccard >= KEEP_JACCARD or self.containment >= KEEP_CONTAINMENT


def overlap(a: np.ndarray, b: np.ndarray) -> Overlap:
    """Exact Jaccard and containment (shared over the smaller set) of two fingerprints."""
    if not len(a) or not len(b):
        return Overlap(0.0, 0.0, 0)
    shared = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - shared
    return Overlap(shared / union, shared / min(len(a), len(b)), shared)


def to_bytes(array: np.ndarray) -> bytes:
    return array.astype("<u4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32)


# --- Shared passages --------------------------------------------------------------------


def _spans(text: str, common: np.ndarray) -> list[tuple[int, int]]:
    """Character spans of `text` covered by shingles in `common`, merged."""
    matches = words(text)
    hashes = _shingles_of(_word_hashes([m.group().encode() for m in matches]))
    hit = np.isin(hashes, common)
    spans: list[tuple[int, int]] = []
    for i in np.flatnonzero(hit):
        start, end = matches[i].start(), matches[i + SHINGLE - 1].end()
        if spans and start <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Piece:
    text: str
    shared: bool
    # The shared passage's number, the same on both sides wherever it stands (0: own text).
    passage: int = 0


def passages(text: str, other: str, boilerplate: np.ndarray | None = None) -> list[Piece]:
    """`text` cut into pieces, those it shares with `other` (boilerplate aside) marked."""
    text = normalize_keep_lines(text)
    common = np.intersect1d(
        fingerprint(text, boilerplate), fingerprint(other, boilerplate), assume_unique=True
    )
    pieces: list[Piece] = []
    at = 0
    for start, end in _spans(text, common):
        if start > at:
            pieces.append(Piece(text[at:start], False))
        pieces.append(Piece(text[start:end], True))
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:], False))
    return pieces


def normalize_keep_lines(text: str) -> str:
    """`normalize` line by line, so paragraphs survive for display."""
    return "\n".join(normalize(line) for line in text.splitlines())


# --- Aligned evidence -------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One shared passage: as it reads in each report (there may be several places in the
    other report that repeat it)."""

    passage: int
    mine: str
    theirs: list[str]


@dataclass(frozen=True)
class Alignment:
    left: list[Piece]
    right: list[Piece]
    rows: list[Row]
    # Share of each report's own shingles (boilerplate aside) found in the other.
    left_share: float
    right_share: float


def _runs(hashes: np.ndarray, label: np.ndarray) -> list[tuple[int, int, int]]:
    """(first, last, label) of the runs of consecutive shingles with one non-zero label."""
    runs: list[tuple[int, int, int]] = []
    for i in np.flatnonzero(label):
        n = int(label[i])
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == n:
            runs[-1] = (runs[-1][0], int(i), n)
        else:
            runs.append((int(i), int(i), n))
    return runs


def _quoted(hashes: np.ndarray, boilerplate: np.ndarray | None) -> np.ndarray:
    """Which shingles of a text are boilerplate (quoted from the campaign's documents,
    prompts or allowed texts)."""
    if boilerplate is None or not len(boilerplate):
        return np.zeros(len(hashes), dtype=bool)
    return np.isin(hashes, boilerplate)


def _bridged(label: np.ndarray, quoted: np.ndarray) -> np.ndarray:
    """`label` with each stretch of boilerplate shingles given the passage number of the
    shingles on both sides of it when they are of the same passage: a prompt quoted inside
    a copied passage does not cut it in two (it still counts in neither share)."""
    if not quoted.any():
        return label
    at = np.arange(len(label))
    before = np.maximum.accumulate(np.where(quoted, -1, at))
    after = np.minimum.accumulate(np.where(quoted, len(label), at)[::-1])[::-1]
    inside = quoted & (before >= 0) & (after < len(label))
    left = label[np.clip(before, 0, None)]
    right = label[np.clip(after, None, len(label) - 1)]
    fill = inside & (left == right) & (left != 0)
    label = label.copy()
    label[fill] = left[fill]
    return label


def _located(text: str):
    matches = words(text)
    return matches, _shingles_of(_word_hashes([m.group().encode() for m in matches]))


def _cut(text: str, matches, runs) -> tuple[list[Piece], dict[int, list[str]]]:
    pieces: list[Piece] = []
    found: dict[int, list[str]] = {}
    at = 0
    spans: list[tuple[int, int, int]] = []
    for first, last, n in runs:
        start, end = matches[first].start(), matches[last + SHINGLE - 1].end()
        if spans and start <= spans[-1][1] and spans[-1][2] == n:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]), n)
        elif spans and start < spans[-1][1]:
            spans.append((spans[-1][1], end, n))
        else:
            spans.append((start, end, n))
    for start, end, n in spans:
        if start > at:
            pieces.append(Piece(text[at:start], False))
        pieces.append(Piece(text[start:end], True, n))
        found.setdefault(n, []).append(text[start:end])
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:], False))
    return pieces, found


def alignment(text: str, other: str, boilerplate: np.ndarray | None = None) -> Alignment:
    """The passages `text` shares with `other` (boilerplate aside), numbered in the order
    they stand in `text`; the same numbers mark them in `other` wherever they were moved
    to, so a reviewer reads each passage side by side. A copy without diacritics is found
    like any other: shingles are taken on the folded words."""
    text, other = normalize_keep_lines(text), normalize_keep_lines(other)
    mine, theirs = fingerprint(text, boilerplate), fingerprint(other, boilerplate)
    common = np.intersect1d(mine, theirs, assume_unique=True)
    left_matches, left_hashes = _located(text)
    right_matches, right_hashes = _located(other)
    left_quoted = _quoted(left_hashes, boilerplate)
    shared = np.isin(left_hashes, common)
    number: dict[int, int] = {}
    for first, last, _one in _runs(left_hashes, _bridged(shared.astype(np.int64), left_quoted)):
        n = len(number) and max(number.values())
        for h in left_hashes[first : last + 1][shared[first : last + 1]].tolist():
            number.setdefault(h, n + 1)
    # A shingle repeated later in `text` keeps the number of its first passage.
    left_label = np.array([number.get(h, 0) for h in left_hashes.tolist()], dtype=np.int64)
    right_label = np.array([number.get(h, 0) for h in right_hashes.tolist()], dtype=np.int64)
    left_label = _bridged(left_label, left_quoted)
    right_label = _bridged(right_label, _quoted(right_hashes, boilerplate))
    left, left_found = _cut(text, left_matches, _runs(left_hashes, left_label))
    right, right_found = _cut(other, right_matches, _runs(right_hashes, right_label))
    rows = [
        Row(n, " … ".join(left_found[n]), right_found.get(n, []))
        for n in sorted(left_found)
        if n in right_found
    ]
    return Alignment(
        left,
        right,
        rows,
        len(common) / len(mine) if len(mine) else 0.0,
        len(common) / len(theirs) if len(theirs) else 0.0,
    )
