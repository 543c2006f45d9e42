"""Copy detection of learning reports: recall, precision and cost per report of the
engine (`reports.similarity` + `reports.copies` on PostgreSQL) against datasketch and
rensa, side by side on one synthetic corpus.

1. A corpus of Vietnamese-like reports (syllables with diacritics, Zipf frequencies, stock
   phrases, 300-900 words, the campaign's prompts quoted) with injected near-duplicates
   (word edits, moved paragraphs, truncation, diacritics dropped) aimed at exact Jaccard
   bands; the truth is the exact Jaccard of the boilerplate-free 5-word shingle sets.
2. Every engine gets the same shingles (`similarity.fingerprint`) and the same exact
   verification (`similarity.overlap`) of every candidate. The engine's index is the real
   `BandKey` (winnowed marks) and `Fingerprint` tables (bulk-loaded with COPY, load
   timed) queried by `copies.compare`; the peers (and the engine's in-process variant)
   use MinHash LSH, 128 permutations in 32 bands of 4 rows, in memory.
3. For each size (indexes grow from one size to the next), every injected copy and
   `--queries` unrelated reports are timed end to end (text -> fingerprint -> signature ->
   candidates -> verified overlaps): the engine's variants first alone, before the peers'
   indexes take memory, then all engines side by side in a random order per query. The
   engine is also timed through the whole submission path (`copies.index_report`, rolled
   back after each query) and with an in-process index.

Markdown tables go to stdout, progress to stderr, all figures to var/bench/similarity.json
(var/bench/similarity-quick.json with --quick).
Usage: .venv/bin/python bench/similarity.py [--sizes 200000,1000000] [--pairs 2000]
       [--queries 1000] [--seed 1] [--quick]
"""

import argparse
import bisect
import datetime as dt
import gc
import json
import multiprocessing
import os
import platform
import statistics
import struct
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import psycopg
from harness import (
    ADMIN_URL,
    PRODUCTION_LIKE,
    REPO,
    database_url,
    drop,
    machine_busy,
    p95,
    recreate,
    say,
)

sys.path.insert(0, str(REPO))

import datasketch  # noqa: E402
import rensa  # noqa: E402

from reports import similarity  # noqa: E402

# Overridable, so that two runs on one server do not drop each other's database.
DATABASE = os.environ.get("BENCH_SIMILARITY_DATABASE", "nghiquyet_bench_similarity")
JSON_PATH = REPO / "var" / "bench" / "similarity.json"
QUICK_JSON = str(REPO / "var" / "bench" / "similarity-quick.json")
BLOCK = 2_000  # reports generated together; report i always comes out the same
FRESH_BLOCK = 1_000_000  # block numbers of the unrelated query reports (never indexed)
RENSA_SEED = 42
DATASKETCH_SEED = 1
THRESHOLD = similarity.FLAG_JACCARD
WARMUP = 20

# Target bands of the injected pairs: the brief's four, plus near misses as a control.
BANDS = [(0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0)]
BAND_WEIGHTS = [0.5, 1.0, 1.0, 1.0, 1.0]
EDIT_KINDS = [("edits", 0.4), ("moved", 0.2), ("truncated", 0.2), ("mixed", 0.2)]
PLAIN_SHARE = 0.15  # copies retyped without diacritics

HEADER = "BÀI THU HOẠCH"
PROMPTS = [
    "Nhận thức của bản thân về những nội dung cơ bản, điểm mới của nghị quyết.",
    "Trách nhiệm của bản thân trong việc tổ chức thực hiện nghị quyết tại cơ quan, "
    "đơn vị, địa phương nơi công tác, sinh hoạt.",
    "Liên hệ thực tiễn, đề xuất giải pháp thực hiện Nghị quyết số 57-NQ/TW về đột phá "
    "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia.",
]
FIXED = [HEADER, *PROMPTS]  # paragraph kinds 0..3; -1 is the member's own words

# --- Vocabulary -------------------------------------------------------------------------

_COMMON = """và của các là trong có được những cho với đã để một không này về người theo thực
hiện công tác phát triển đảng viên nghị quyết cán bộ chính trị kinh tế xã hội nhân dân học
tập xây dựng tổ chức cơ sở lãnh đạo quản lý nhà nước nâng cao chất lượng hiệu quả tăng cường
đổi mới trách nhiệm bản thân nhận thức nội dung đơn vị địa phương văn hóa giáo dục đào tạo
khoa nghệ sáng đoàn kết thống nhất tư tưởng đức phong cách hồ chí minh sẽ đến từ khi trên
tại như cũng nhằm góp phần thắng lợi mục tiêu nhiệm vụ giải pháp chủ yếu quan điểm phương
hướng bền vững toàn diện đồng hệ ngày càng mạnh sạch năng lực chiến đấu kiểm tra giám sát
chuyển số quốc gia an ninh phòng cải hành môi trường sinh hoạt chi ủy cấp ban thường tuyên
tình hình thời gian tới qua đó rằng vì nên phải luôn mỗi chúng ta tôi còn nhiều hơn rất
đang gương mẫu đi đầu lợi ích tập thể kỷ luật kỷ cương dân chủ đột phá sản xuất"""
COMMON = _COMMON.split()

PHRASES = """nâng cao chất lượng sinh hoạt chi bộ
học tập và làm theo tư tưởng đạo đức phong cách hồ chí minh
xây dựng đảng và hệ thống chính trị trong sạch vững mạnh
phát triển kinh tế xã hội của địa phương
góp phần thực hiện thắng lợi nghị quyết
tăng cường công tác kiểm tra giám sát
nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức cơ sở đảng
đẩy mạnh chuyển đổi số trong cơ quan đơn vị
giữ vững quốc phòng an ninh
đẩy mạnh cải cách hành chính
phát huy vai trò tiên phong gương mẫu của cán bộ đảng viên
thực hiện tốt nhiệm vụ được giao
nâng cao hiệu quả công tác tuyên truyền
đoàn kết thống nhất trong đảng
ý thức trách nhiệm của bản thân""".splitlines()

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng"]
ONSETS += ["ngh", "nh", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
# Rimes without a final consonant: (rime, index of the vowel that takes the tone mark).
OPEN = [("a", 0), ("e", 0), ("ê", 0), ("i", 0), ("o", 0), ("ô", 0), ("ơ", 0), ("u", 0)]
OPEN += [("ư", 0), ("y", 0), ("ai", 0), ("ao", 0), ("au", 0), ("ay", 0), ("âu", 0)]
OPEN += [("ây", 0), ("eo", 0), ("êu", 0), ("ia", 0), ("iu", 0), ("oa", 1), ("oe", 1)]
OPEN += [("oi", 0), ("ôi", 0), ("ơi", 0), ("ua", 0), ("ui", 0), ("uy", 1), ("ưa", 0)]
OPEN += [("ưi", 0), ("ưu", 0), ("uôi", 1), ("ươi", 1), ("iêu", 1), ("yêu", 1), ("oai", 1)]
# Nuclei before a final consonant, tone on the last vowel.
NUCLEI = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "iê", "uô", "ươ", "oa"]
NUCLEI += ["uyê", "yê", "oă", "uâ"]
CODAS = ["c", "ch", "m", "n", "ng", "nh", "p", "t"]
STOPS = {"c", "ch", "p", "t"}
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
FRONT = ("i", "e", "ê", "y")


def _toned(rime: str, at: int, tone: str) -> str:
    return unicodedata.normalize("NFC", rime[: at + 1] + tone + rime[at + 1 :])


def syllables() -> list[str]:
    """Plausible Vietnamese syllables, spelling rules roughly respected."""
    rimes = [(rime, at, TONES) for rime, at in OPEN]
    for nucleus in NUCLEI:
        for coda in CODAS:
            if coda in ("ch", "nh") and nucleus not in ("a", "ê", "i", "oa", "uyê"):
                continue
            tones = [TONES[2], TONES[5]] if coda in STOPS else TONES
            rimes.append((nucleus + coda, len(nucleus) - 1, tones))
    found = []
    for onset in ONSETS:
        for rime, at, tones in rimes:
            front = rime.startswith(FRONT)
            if onset in ("k", "gh", "ngh") and not front:
                continue
            if onset in ("c", "g", "ng") and front:
                continue
            if onset == "qu" and rime[0] in "uoưô":
                continue
            if onset == "gi" and rime[0] in "iy":
                continue
            if rime[0] == "y" and onset not in ("", "h", "k", "l", "m", "t", "qu"):
                continue
            if rime.startswith("yê") and onset not in ("", "qu"):
                continue
            found.extend(onset + _toned(rime, at, tone) for tone in tones)
    return found


def plain(text: str) -> str:
    """The text retyped without diacritics."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


class Lexicon:
    """Surface words with their shingle-hash inputs, Zipf unit frequencies (a unit is a
    word or a stock phrase), and the fixed paragraphs' word hashes."""

    WORDS = 6_000
    PHRASES = 600
    PHRASE_SHARE = 0.03

    def __init__(self, seed: int):
        rng = np.random.default_rng([seed, 1])
        generated = syllables()
        order = rng.permutation(len(generated))
        words: list[str] = []
        seen: set[str] = set()
        for word in COMMON + [generated[i] for i in order]:
            if word not in seen:
                seen.add(word)
                words.append(word)
            if len(words) == self.WORDS:
                break
        index = {word: i for i, word in enumerate(words)}
        phrase_ids = []
        for line in PHRASES:
            ids = []
            for word in line.split():
                if word not in index:
                    index[word] = len(words)
                    words.append(word)
                ids.append(index[word])
            phrase_ids.append(ids)
        self.surface = np.array(words, dtype=object)
        self.hashes = np.array(
            [similarity._word_hashes(similarity.tokens(w))[0] for w in words], dtype=np.uint64
        )
        n = len(words)
        weights = 1.0 / (np.arange(n) + 2.7) ** 1.05
        self.word_cdf = np.cumsum(weights / weights.sum())
        # Stock phrases: the real ones first, then 3-9 words drawn from the word frequencies.
        while len(phrase_ids) < self.PHRASES:
            size = int(rng.integers(3, 10))
            phrase_ids.append(self.sample_words(rng, size).tolist())
        lengths = [1] * n + [len(p) for p in phrase_ids]
        self.unit_len = np.array(lengths, dtype=np.int64)
        self.unit_start = np.concatenate([[0], np.cumsum(self.unit_len)[:-1]])
        self.unit_words = np.concatenate([np.arange(n), *map(np.array, phrase_ids)])
        phrase_weights = 1.0 / (np.arange(len(phrase_ids)) + 1.0)
        unit_p = np.concatenate(
            [
                weights / weights.sum() * (1 - self.PHRASE_SHARE),
                phrase_weights / phrase_weights.sum() * self.PHRASE_SHARE,
            ]
        )
        self.unit_cdf = np.cumsum(unit_p)
        self.mean_unit = float((unit_p * self.unit_len).sum())
        self.fixed_hashes = [similarity._word_hashes(similarity.tokens(t)) for t in FIXED]

    def sample_words(self, rng, size: int) -> np.ndarray:
        picks = np.searchsorted(self.word_cdf, rng.random(size) * self.word_cdf[-1], "right")
        return np.minimum(picks, len(self.word_cdf) - 1)

    def stream(self, rng, size: int) -> np.ndarray:
        """`size` word ids: units drawn by frequency, phrases spelled out."""
        parts = []
        have = 0
        while have < size:
            count = int((size - have) / self.mean_unit * 1.05) + 64
            picks = np.searchsorted(self.unit_cdf, rng.random(count) * self.unit_cdf[-1], "right")
            units = np.minimum(picks, len(self.unit_cdf) - 1)
            lengths = self.unit_len[units]
            ends = np.cumsum(lengths)
            starts = np.repeat(ends - lengths, lengths)
            offsets = np.arange(ends[-1]) - starts + np.repeat(self.unit_start[units], lengths)
            parts.append(self.unit_words[offsets])
            have += int(ends[-1])
        return np.concatenate(parts)[:size]


# --- Reports ----------------------------------------------------------------------------
# A report is a list of paragraphs (kind, word ids): kind 0-3 is a fixed paragraph (the
# header, the prompts), -1 the member's own words. Indexed reports are generated in blocks
# as a body (word ids) and three section lengths; only reports that are rendered to text
# (sources of copies, queries) are cut into paragraphs.

LEX: Lexicon
BOILERPLATE: np.ndarray
SEED = 1


def block_bodies(block: int) -> list[tuple[np.ndarray, tuple[int, int, int]]]:
    rng = np.random.default_rng([SEED, 7, block])
    lengths = rng.integers(300, 901, BLOCK)
    stream = LEX.stream(rng, int(lengths.sum()))
    bodies = np.split(stream, np.cumsum(lengths)[:-1])
    shares = rng.dirichlet([4.0, 4.0, 4.0], BLOCK)
    found = []
    for body, share in zip(bodies, shares, strict=True):
        first = int(share[0] * len(body))
        second = int(share[1] * len(body))
        found.append((body, (first, second, len(body) - first - second)))
    return found


def body_hashes(body: np.ndarray, sections: tuple[int, int, int]) -> np.ndarray:
    first, second, _third = sections
    fixed = LEX.fixed_hashes
    words = LEX.hashes
    return np.concatenate(
        [
            fixed[0],
            fixed[1],
            words[body[:first]],
            fixed[2],
            words[body[first : first + second]],
            fixed[3],
            words[body[first + second :]],
        ]
    )


def paragraphs_of(doc: int, body: np.ndarray, sections) -> list[tuple[int, np.ndarray]]:
    rng = np.random.default_rng([SEED, 11, doc])
    found = [(0, np.empty(0, dtype=np.int64))]
    at = 0
    for kind, size in zip((1, 2, 3), sections, strict=True):
        found.append((kind, np.empty(0, dtype=np.int64)))
        end = at + size
        while at < end:
            step = min(int(rng.integers(40, 121)), end - at)
            found.append((-1, body[at : at + step]))
            at += step
    return found


def hashes_of(paragraphs) -> np.ndarray:
    parts = [LEX.fixed_hashes[k] if k >= 0 else LEX.hashes[ids] for k, ids in paragraphs]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)


def sorted_set(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2's np.unique hashes first, several times slower here)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def shingle_set(hashes: np.ndarray) -> np.ndarray:
    return sorted_set(similarity._shingles_of(hashes))


def own_of(raw: np.ndarray) -> np.ndarray:
    return raw[~np.isin(raw, BOILERPLATE, assume_unique=True)]


def render(paragraphs, rng, without_marks: bool = False) -> str:
    out = []
    for kind, ids in paragraphs:
        if kind >= 0:
            out.append(FIXED[kind])
            continue
        words = LEX.surface[ids].tolist()
        sentences = []
        at = 0
        while at < len(words):
            size = int(rng.integers(8, 25))
            chunk = words[at : at + size]
            at += size
            commas = rng.random(len(chunk)) < 0.07
            chunk = [
                w + "," if c and i < len(chunk) - 1 else w
                for i, (w, c) in enumerate(zip(chunk, commas, strict=True))
            ]
            chunk[0] = chunk[0][:1].upper() + chunk[0][1:]
            sentences.append(" ".join(chunk) + ".")
        out.append(" ".join(sentences))
    text = "\n\n".join(out)
    return plain(text) if without_marks else text


# --- Near duplicates --------------------------------------------------------------------


def moved(paragraphs, rng, count: int):
    """`count` body paragraphs taken out and put back elsewhere (the header stays first)."""
    paragraphs = list(paragraphs)
    for _ in range(count):
        body = [i for i, (kind, _ids) in enumerate(paragraphs) if kind < 0]
        taken = paragraphs.pop(int(rng.choice(body)))
        paragraphs.insert(int(rng.integers(1, len(paragraphs) + 1)), taken)
    return paragraphs


def truncated(paragraphs, keep: float):
    """The first `keep` share of the member's words; everything after them is cut."""
    budget = round(sum(len(ids) for kind, ids in paragraphs if kind < 0) * keep)
    found = []
    for kind, ids in paragraphs:
        if kind < 0:
            if budget <= 0:
                break
            ids = ids[:budget]
            budget -= len(ids)
        found.append((kind, ids))
    return found


def edit_draws(paragraphs, rng):
    """Random draws fixed per word, so that a higher edit rate edits a superset of words."""
    draws = []
    for kind, ids in paragraphs:
        size = len(ids) if kind < 0 else 0
        draws.append((rng.random(size), rng.random(size), LEX.sample_words(rng, size)))
    return draws


def edited(paragraphs, draws, rate: float):
    """Each word edited with probability `rate`: substituted (1/2), deleted (1/4), or
    followed by an inserted word (1/4)."""
    found = []
    for (kind, ids), (hit, how, other) in zip(paragraphs, draws, strict=True):
        if kind >= 0 or rate <= 0:
            found.append((kind, ids))
            continue
        hit = hit < rate
        base = np.where(hit & (how < 0.5), other, ids)
        emit = np.stack([~(hit & (how >= 0.5) & (how < 0.75)), hit & (how >= 0.75)], axis=1)
        found.append((kind, np.stack([base, other], axis=1)[emit]))
    return found


def fingerprint_of(paragraphs) -> np.ndarray:
    return own_of(shingle_set(hashes_of(paragraphs)))


def make_copy(source, source_own, target: float, kind: str, rng):
    """A copy of `source` whose Jaccard with it is as close to `target` as edits allow."""
    paragraphs = source
    detail = {"kind": kind}
    if kind in ("moved", "mixed"):
        detail["moves"] = int(rng.integers(1, 4))
        paragraphs = moved(paragraphs, rng, detail["moves"])
    if kind in ("truncated", "mixed"):
        detail["keep"] = round(float(rng.uniform(target, 1.0)), 3)
        paragraphs = truncated(paragraphs, detail["keep"])
    draws = edit_draws(paragraphs, rng)

    def jaccard(rate: float) -> float:
        return similarity.overlap(
            fingerprint_of(edited(paragraphs, draws, rate)), source_own
        ).jaccard

    rate = 0.0
    if kind != "exact" and jaccard(0.0) > target:
        low, high = 0.0, 0.6
        for _ in range(14):
            middle = (low + high) / 2
            if jaccard(middle) > target:
                low = middle
            else:
                high = middle
        rate = (low + high) / 2
    detail["rate"] = round(rate, 4)
    return edited(paragraphs, draws, rate), detail


def band_of(value: float) -> str:
    for low, high in BANDS:
        if low <= value < high or (high == 1.0 and value == 1.0):
            return f"[{low},{high})" if high < 1.0 else f"[{low},1]"
    return f"<{BANDS[0][0]}"


BAND_LABELS = [band_of(low) for low, _high in BANDS]


class Query:
    __slots__ = ("text", "source", "truth", "band", "detail")

    def __init__(self, text, source=None, truth=None, detail=None):
        self.text = text
        self.source = source
        self.truth = truth
        self.band = band_of(truth) if truth is not None else None
        self.detail = detail


def make_queries(pairs: int, fresh: int, seed: int):
    """Copies of reports 0..pairs-1 (which are indexed) and unrelated fresh reports."""
    started = time.perf_counter()
    rng = np.random.default_rng([seed, 3])
    weights = np.array(BAND_WEIGHTS) / sum(BAND_WEIGHTS)
    kinds, shares = zip(*EDIT_KINDS, strict=True)
    queries = []
    checks = {"source_mismatch": 0, "copy_mismatch": 0}
    sources: dict[int, np.ndarray] = {}
    bodies: list = []
    for doc in range(pairs):
        if doc % BLOCK == 0:
            bodies = block_bodies(doc // BLOCK)
        body, sections = bodies[doc % BLOCK]
        paragraphs = paragraphs_of(doc, body, sections)
        source_text = render(paragraphs, np.random.default_rng([seed, 13, doc]))
        source_own = similarity.fingerprint(source_text, BOILERPLATE)
        if not np.array_equal(source_own, fingerprint_of(paragraphs)):
            checks["source_mismatch"] += 1
        low, high = BANDS[int(rng.choice(len(BANDS), p=weights))]
        kind = str(rng.choice(kinds, p=shares))
        target = float(rng.uniform(low, high))
        if high == 1.0 and rng.random() < 0.2:
            kind, target = "exact", 1.0
        copy, detail = make_copy(paragraphs, source_own, target, kind, rng)
        detail["target"] = round(target, 4)
        detail["without_marks"] = bool(rng.random() < PLAIN_SHARE)
        text = render(copy, np.random.default_rng([seed, 17, doc]), detail["without_marks"])
        own = similarity.fingerprint(text, BOILERPLATE)
        if not np.array_equal(own, fingerprint_of(copy)):
            checks["copy_mismatch"] += 1
        truth = similarity.overlap(own, source_own).jaccard
        queries.append(Query(text, doc, truth, detail))
        sources[doc] = source_own
    for i in range(fresh):
        block, at = divmod(i, BLOCK)
        if at == 0:
            bodies = block_bodies(FRESH_BLOCK + block)
        body, sections = bodies[at]
        doc = (FRESH_BLOCK + block) * BLOCK + at
        paragraphs = paragraphs_of(doc, body, sections)
        queries.append(Query(render(paragraphs, np.random.default_rng([seed, 13, doc]))))
    checks["seconds"] = round(time.perf_counter() - started, 1)
    return queries, sources, checks


# --- Indexed corpus, made by a pool of workers ------------------------------------------

_TEMPLATE = None


def _identity(value):
    return value


def datasketch_template():
    """datasketch's own bulk idiom (MinHash.generator): copy one initialised MinHash. The
    shingles arrive already hashed to 32 bits, so the hash function is the identity
    (datasketch mixes its input with fmix32 before the permutations)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = datasketch.MinHash(
            num_perm=similarity.PERMUTATIONS, seed=DATASKETCH_SEED, hashfunc=_identity
        )
    return _TEMPLATE


def work(task: tuple[int, int, int, bool]) -> dict:
    """Reports start..stop-1 of one block: raw and boilerplate-free shingle sets (exactly
    what `similarity.shingles` gives for their text), their shingle sequences and the
    marks the engine stores, and (`peers`) the MinHash band keys of the in-process engine
    and datasketch's signatures, with the CPU time of each part."""
    block, start, stop, peers = task
    clock = time.process_time()
    docs = block_bodies(block)[start - block * BLOCK : stop - block * BLOCK]
    sequences = [body_hashes(body, sections) for body, sections in docs]
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    mixed = similarity._shingles_of(np.concatenate(sequences))
    owner = np.repeat(np.arange(len(docs)), lengths)[: len(mixed)]
    inside = np.arange(len(mixed)) + similarity.SHINGLE <= np.cumsum(lengths)[owner]
    keyed = sorted_set((owner[inside].astype(np.uint64) << np.uint64(32)) | mixed[inside])
    doc_of = (keyed >> np.uint64(32)).astype(np.int64)
    raw = (keyed & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    kept = ~np.isin(raw, BOILERPLATE)
    own = raw[kept]
    raw_counts = np.bincount(doc_of, minlength=len(docs))
    own_counts = np.bincount(doc_of[kept], minlength=len(docs))
    offsets = np.concatenate([[0], np.cumsum(own_counts)])
    sequence = mixed[inside]
    sequence_counts = np.bincount(owner[inside], minlength=len(docs))
    cpu = {"generate": time.process_time() - clock}

    clock = time.process_time()
    marks, mark_counts = [], np.zeros(len(docs), dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(sequence_counts)])
    for i in range(len(docs)):
        if own_counts[i] < similarity.MIN_SHINGLES:
            continue  # not indexed, as `index_report` does
        found = similarity.marks(sequence[bounds[i] : bounds[i + 1]], BOILERPLATE)
        marks.append(found)
        mark_counts[i] = len(found)
    marks = np.concatenate(marks).astype(np.uint32) if marks else np.empty(0, np.uint32)
    cpu["marks"] = time.process_time() - clock
    result = {
        "start": start,
        "raw": raw,
        "raw_counts": raw_counts,
        "own": own,
        "own_counts": own_counts,
        "sequence": sequence,
        "sequence_counts": sequence_counts,
        "marks": marks.view(np.int32),
        "mark_counts": mark_counts,
        "words": int(lengths.sum()),
        "cpu": cpu,
    }
    if not peers:
        return result

    clock = time.process_time()
    keys = np.empty((len(docs), similarity.BANDS), dtype=np.int64)
    for i in range(len(docs)):
        keys[i] = similarity.band_keys(similarity.signature(own[offsets[i] : offsets[i + 1]]))
    cpu["engine"] = time.process_time() - clock

    clock = time.process_time()
    template = datasketch_template()
    signatures = np.empty((len(docs), similarity.PERMUTATIONS), dtype=np.uint32)
    for i in range(len(docs)):
        minhash = template.copy()
        minhash.update_batch(own[offsets[i] : offsets[i + 1]])
        signatures[i] = minhash.hashvalues
    cpu["datasketch"] = time.process_time() - clock
    result.update(keys=keys, datasketch=signatures)
    return result


class Store:
    """Boilerplate-free shingle sets of the indexed reports, kept in the chunks they came
    in, for the peers' verification."""

    def __init__(self):
        self.starts: list[int] = []
        self.flats: list[np.ndarray] = []
        self.offsets: list[np.ndarray] = []

    def add(self, start: int, flat: np.ndarray, counts: np.ndarray) -> None:
        self.starts.append(start)
        self.flats.append(flat)
        self.offsets.append(np.concatenate([[0], np.cumsum(counts)]))

    def get(self, doc: int) -> np.ndarray:
        chunk = bisect.bisect_right(self.starts, doc) - 1
        at = doc - self.starts[chunk]
        offsets = self.offsets[chunk]
        return self.flats[chunk][offsets[at] : offsets[at + 1]]

    def chunks(self, start: int = 0):
        for first, flat, offsets in zip(self.starts, self.flats, self.offsets, strict=True):
            if first >= start:
                yield first, flat, offsets


# --- PostgreSQL -------------------------------------------------------------------------

PGCOPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
PGCOPY_TRAILER = struct.pack(">h", -1)
BINARY_INTS = {"bigint": ">i8", "integer": ">i4", "smallint": ">i2"}
STRUCT_INTS = {">i8": "q", ">i4": "i", ">i2": "h"}


def manage(url: str, *args: str) -> None:
    env = {**os.environ, **PRODUCTION_LIKE, "DATABASE_URL": url}
    command = [sys.executable, str(REPO / "manage.py"), *args]
    subprocess.run(command, env=env, check=True, cwd=REPO, stdout=sys.stderr)


def column_types(conn, table: str) -> dict[str, str]:
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
        (table,),
    )
    return dict(rows.fetchall())


def secondary_indexes(conn, table: str) -> list[tuple[str, str]]:
    """Indexes of `table` that back no constraint: dropped before a bulk load, rebuilt after."""
    rows = conn.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        " ORDER BY c.relname",
        (table,),
    )
    return rows.fetchall()


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dt.date):
        value = value.isoformat()
    text = str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text.replace("{", "{{").replace("}", "}}")


def text_rows(model, given: dict, varying: list[str]) -> tuple[list[str], str]:
    """Columns and a line template for COPY ... FROM STDIN (text) of `model`: `varying`
    fields are filled per row, `given` ones are constants, the rest take their default;
    a NOT NULL field without any of these is an error, so a model change is noticed."""
    columns, cells = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.attname in varying:
            cells.append(f"{{{field.attname}}}")
            continue
        value = given[field.attname] if field.attname in given else field.get_default()
        if value is None and not field.null:
            raise RuntimeError(
                f"{model.__name__}.{field.name} needs a value in bench/similarity.py"
            )
        cells.append(_text(value))
    return columns, "\t".join(cells) + "\n"


class Database:
    """The bench database: one campaign of one cell; reports loaded with COPY."""

    def __init__(self, args):
        self.admin_url = args.admin_url
        self.url = database_url(args.admin_url, DATABASE)
        self.keep = args.keep

    def create(self) -> float:
        started = time.perf_counter()
        say(f"== creating database {DATABASE}")
        recreate(self.admin_url, DATABASE)
        manage(self.url, "migrate", "--noinput", "-v", "0")
        from harness import configure

        configure(self.url)
        from campaigns.models import Campaign
        from organizations.models import Level, Organization
        from reports import copies

        level = Level.objects.create(
            name="Chi bộ (bench)", code="CB-BENCH", rank=0, holds_members=True
        )
        self.organization = Organization.add_root(
            name="Đảng bộ bench/similarity",
            name_folded=Organization.folded_name("Đảng bộ bench/similarity"),
            code="BENCH-SIMILARITY",
            level=level,
        )
        self.campaign = Campaign.objects.create(
            title="Học tập Nghị quyết 57-NQ/TW (bench/similarity.py)",
            owner=self.organization,
            conference_deadline=dt.date(2026, 12, 31),
            prompts=PROMPTS,
        )
        stored, _changed = copies.boilerplate_refresh(self.campaign)
        if not np.array_equal(stored, BOILERPLATE):
            raise RuntimeError("the campaign's boilerplate differs from the bench's prompts")
        copies.marks_partition(self.campaign.pk)
        return time.perf_counter() - started

    def load(self, start: int, stop: int, results: list[dict]) -> dict:
        """Members, reports, fingerprints and marks of reports start..stop-1."""
        from members.models import Member
        from reports.models import Report

        timings = {}
        now = dt.datetime.now(dt.UTC)
        with psycopg.connect(self.url) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            tables = ["members_member", "reports_report", "reports_bandkey"]
            rebuild = {table: secondary_indexes(conn, table) for table in tables}
            for definitions in rebuild.values():
                for name, _definition in definitions:
                    conn.execute(f'DROP INDEX "{name}"')
            conn.commit()

            started = time.perf_counter()
            member_cols, member_line = text_rows(
                Member,
                {
                    "gender": "M",
                    "date_of_birth": dt.date(1980, 1, 1),
                    "status": "official",
                    "admitted_on": dt.date(2005, 5, 19),
                    "organization_id": self.organization.pk,
                },
                ["id", "full_name", "card_number", "sort_key", "search_text"],
            )
            report_cols, report_line = text_rows(
                Report,
                {
                    "campaign_id": self.campaign.pk,
                    "organization_id": self.organization.pk,
                    "state": "submitted",
                    "versions_count": 1,
                    "submitted_at": now,
                },
                ["id", "member_id"],
            )
            with conn.cursor() as cur:
                with cur.copy(f"COPY members_member ({', '.join(member_cols)}) FROM STDIN") as copy:
                    for first in range(start, stop, 50_000):
                        lines = []
                        for doc in range(first, min(stop, first + 50_000)):
                            name = f"Đảng viên {doc + 1:07d}"
                            lines.append(
                                member_line.format(
                                    id=doc + 1,
                                    full_name=name,
                                    card_number=f"B{doc + 1:09d}",
                                    sort_key=f"dang vien {doc + 1:07d}",
                                    search_text=f"dang vien {doc + 1:07d}",
                                )
                            )
                        copy.write("".join(lines))
                with cur.copy(f"COPY reports_report ({', '.join(report_cols)}) FROM STDIN") as copy:
                    for first in range(start, stop, 100_000):
                        last = min(stop, first + 100_000)
                        lines = [
                            report_line.format(id=doc + 1, member_id=doc + 1)
                            for doc in range(first, last)
                        ]
                        copy.write("".join(lines))
            conn.commit()
            timings["members_reports_copy"] = time.perf_counter() - started
            started = time.perf_counter()
            for table in ("members_member", "reports_report"):
                for _name, definition in rebuild[table]:
                    conn.execute(definition)
            conn.commit()
            timings["members_reports_indexes"] = time.perf_counter() - started

            started = time.perf_counter()
            self._copy_fingerprints(conn, results)
            timings["fingerprints_copy"] = time.perf_counter() - started
            started = time.perf_counter()
            band_rows = self._copy_marks(conn, results)
            timings["band_keys_copy"] = time.perf_counter() - started
            conn.commit()
            timings["commit"] = time.perf_counter() - started - timings["band_keys_copy"]
            started = time.perf_counter()
            for _name, definition in rebuild["reports_bandkey"]:
                # A partitioned table's index reads "ON ONLY": built so, its partitions
                # would have none.
                conn.execute(definition.replace(" ON ONLY ", " ON "))
            conn.commit()
            timings["band_keys_indexes"] = time.perf_counter() - started
            for table in ("members_member", "reports_report"):
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            conn.commit()
        started = time.perf_counter()
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            for table in ("reports_bandkey", "reports_fingerprint", "reports_report"):
                conn.execute(f"VACUUM (ANALYZE) {table}")
            conn.execute("VACUUM (ANALYZE) members_member")
            # A partitioned table has no storage of its own: its partitions have.
            sizes = {
                table: conn.execute(
                    "SELECT (pg_total_relation_size(%s::regclass) + coalesce((SELECT"
                    " sum(pg_total_relation_size(inhrelid)) FROM pg_inherits"
                    " WHERE inhparent = %s::regclass), 0))::bigint",
                    (table, table),
                ).fetchone()[0]
                for table in ("reports_bandkey", "reports_fingerprint")
            }
            counted = conn.execute("SELECT count(*) FROM reports_bandkey").fetchone()[0]
        timings["vacuum_analyze"] = time.perf_counter() - started
        timings = {k: round(v, 2) for k, v in timings.items()}
        timings["band_key_rows_added"] = band_rows
        timings["band_key_rows"] = counted
        timings["bytes"] = sizes
        timings["index_load_seconds"] = round(
            sum(
                timings[k]
                for k in (
                    "fingerprints_copy",
                    "band_keys_copy",
                    "commit",
                    "band_keys_indexes",
                    "vacuum_analyze",
                )
            ),
            2,
        )
        return timings

    def _copy_fingerprints(self, conn, results: list[dict]) -> None:
        """Fingerprints as `index_report` stores them: the raw shingle set, the shingle
        sequence (which a rebuild winnows again) and the size once boilerplate is out."""
        types = column_types(conn, "reports_fingerprint")
        ints = [BINARY_INTS[types[c]] for c in ("report_id", "campaign_id", "version", "size")]
        head = struct.Struct(">h" + "".join("i" + STRUCT_INTS[fmt] for fmt in ints) + "i")
        widths = [int(fmt[2:]) for fmt in ints]
        campaign = self.campaign.pk
        sql = "COPY reports_fingerprint (report_id, campaign_id, version, size, shingles, sequence)"
        with conn.cursor() as cur, cur.copy(sql + " FROM STDIN (FORMAT binary)") as copy:
            copy.write(PGCOPY_HEADER)
            for result in results:
                data = result["raw"].astype("<u4", copy=False).tobytes()
                ends = np.cumsum(result["raw_counts"]) * 4
                begins = ends - result["raw_counts"] * 4
                ordered = result["sequence"].astype("<u4", copy=False).tobytes()
                stops = np.cumsum(result["sequence_counts"]) * 4
                starts = stops - result["sequence_counts"] * 4
                parts = []
                spans = zip(
                    begins.tolist(), ends.tolist(), starts.tolist(), stops.tolist(), strict=True
                )
                for i, (begin, end, first, last) in enumerate(spans):
                    parts.append(
                        head.pack(
                            6,
                            widths[0],
                            result["start"] + i + 1,
                            widths[1],
                            campaign,
                            widths[2],
                            1,
                            widths[3],
                            int(result["own_counts"][i]),
                            end - begin,
                        )
                    )
                    parts.append(data[begin:end])
                    parts.append(struct.pack(">i", last - first))
                    parts.append(ordered[first:last])
                copy.write(b"".join(parts))
            copy.write(PGCOPY_TRAILER)

    def _copy_marks(self, conn, results: list[dict]) -> int:
        """Marks as `index_report` stores them (reports with fewer than MIN_SHINGLES own
        shingles have none), into the campaign's partition."""
        types = column_types(conn, "reports_bandkey")
        columns = ["campaign_id", "key", "report_id"]
        layout = [("fields", ">i2")]
        for column in columns:
            layout += [(f"{column}_size", ">i4"), (column, BINARY_INTS[types[column]])]
        row = np.dtype(layout)
        written = 0
        sql = f"COPY reports_bandkey ({', '.join(columns)}) FROM STDIN (FORMAT binary)"
        with conn.cursor() as cur, cur.copy(sql) as copy:
            copy.write(PGCOPY_HEADER)
            for result in results:
                keys = result["marks"]
                rows = np.zeros(keys.size, dtype=row)
                rows["fields"] = len(columns)
                for column in columns:
                    rows[f"{column}_size"] = row[column].itemsize
                rows["campaign_id"] = self.campaign.pk
                rows["key"] = keys
                owners = result["start"] + np.arange(len(result["mark_counts"])) + 1
                rows["report_id"] = np.repeat(owners, result["mark_counts"])
                copy.write(rows.tobytes())
                written += keys.size
            copy.write(PGCOPY_TRAILER)
        return written

    def blocks(self) -> dict[str, int]:
        """Blocks PostgreSQL found in its buffers or had to read, so far."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = %s",
                (DATABASE,),
            ).fetchone()
        return {"hit": row[0], "read": row[1]}

    def close(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.keep:
            say(f"== kept {self.url}")
        else:
            drop(self.admin_url, DATABASE)


# --- Engines ----------------------------------------------------------------------------
# Every engine answers one report's text with {indexed report: exact Overlap} for all its
# LSH candidates, and the seconds of each phase: fingerprint, signature, candidates, verify.


def _verify(own: np.ndarray, candidates, store: Store) -> dict:
    return {int(doc): similarity.overlap(own, store.get(int(doc))) for doc in candidates}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def disk_read_mb() -> float:
    """Megabytes read from the machine's disks so far (/proc/diskstats)."""
    disks = {d for d in os.listdir("/sys/block") if not d.startswith(("loop", "ram"))}
    sectors = 0
    for line in Path("/proc/diskstats").read_text().splitlines():
        fields = line.split()
        if fields[2] in disks:
            sectors += int(fields[5])
    return sectors * 512 / 2**20


def available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


class EngineDatabase:
    """The product's lookup: the text's shingle sequence, its own shingles and marks, then
    `copies.compare` (one SQL statement for the candidates through the campaign's marks
    and their fingerprints) and exact verification."""

    name = "engine (PostgreSQL, copies.compare)"
    short = "engine"

    def __init__(self, campaign_id: int):
        from reports import copies

        self.compare = copies.compare
        self.campaign_id = campaign_id
        self.held = 0

    def query(self, text: str):
        t0 = time.perf_counter()
        sequence = similarity.sequence(text)
        own = own_of(sorted_set(sequence))
        t1 = time.perf_counter()
        keys = similarity.keys_of(similarity.marks(sequence, BOILERPLATE))
        t2 = time.perf_counter()
        found = self.compare(self.campaign_id, own, BOILERPLATE, keys=keys)
        t3 = time.perf_counter()
        found = {pk - 1: overlap for pk, overlap in found.items()}
        return found, (t1 - t0, t2 - t1, t3 - t2, None)


class EngineSubmit:
    """The product's whole submission path: `copies.index_report` for a report of the
    campaign (fingerprint and marks written, candidates verified, pairs and flags written),
    in a transaction rolled back after each query so the index stays as loaded. Its
    answer is the pairs it kept (so a candidate below KEEP thresholds is not counted)."""

    name = "engine (PostgreSQL, copies.index_report)"
    short = "engine-submit"

    def __init__(self, database: "Database"):
        from members.models import Member
        from reports.models import Report

        member = Member.objects.create(
            pk=2_000_000_000,
            organization=database.organization,
            full_name="Đảng viên nộp thử",
            card_number="B-SUBMIT",
            gender="M",
            date_of_birth=dt.date(1980, 1, 1),
            status="official",
            admitted_on=dt.date(2005, 5, 19),
        )
        # An id past any indexed report's, whatever sizes are loaded later.
        self.report = Report.objects.create(
            pk=2_000_000_000,
            campaign=database.campaign,
            member=member,
            organization=database.organization,
            state="submitted",
            versions_count=1,
        )
        self.held = 0

    def query(self, text: str):
        from django.db import transaction

        from reports import copies
        from reports.models import Pair

        class Undo(Exception):
            pass

        found = {}
        try:
            with transaction.atomic():
                copies.index_report(self.report, text, 1)
                for a, jaccard, containment, shared in Pair.objects.filter(
                    b=self.report
                ).values_list("a_id", "jaccard", "containment", "shared"):
                    found[a - 1] = similarity.Overlap(jaccard, containment, shared)
                raise Undo
        except Undo:
            pass
        return found, (None, None, None, None)


class EngineMemory:
    """The engine's signatures and band keys with an in-process index: one sorted array
    of (band-salted) keys, looked up with searchsorted."""

    name = "engine (in-process index)"
    short = "engine-mem"
    SALT = np.arange(similarity.BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, store: Store):
        self.store = store
        self.parts: list[np.ndarray] = []
        self.held = 0

    def add(self, results: list[dict]) -> None:
        for result in results:
            self.parts.append(result["keys"])
        keys = np.concatenate(self.parts).view(np.uint64)
        with np.errstate(over="ignore"):
            salted = (keys + self.SALT).reshape(-1)
        order = np.argsort(salted, kind="stable")
        self.sorted = salted[order]
        self.ids = (order // similarity.BANDS).astype(np.int32)
        self.held = len(keys)

    def query(self, text: str):
        t0 = time.perf_counter()
        own = similarity.fingerprint(text, BOILERPLATE)
        t1 = time.perf_counter()
        keys = similarity.band_keys(similarity.signature(own)).view(np.uint64)
        t2 = time.perf_counter()
        with np.errstate(over="ignore"):
            salted = keys + self.SALT
        low = np.searchsorted(self.sorted, salted, "left")
        high = np.searchsorted(self.sorted, salted, "right")
        hits = [self.ids[a:b] for a, b in zip(low.tolist(), high.tolist(), strict=True) if b > a]
        candidates = sorted_set(np.concatenate(hits)).tolist() if hits else []
        t3 = time.perf_counter()
        found = _verify(own, candidates, self.store)
        return found, (t1 - t0, t2 - t1, t3 - t2, time.perf_counter() - t3)


class Datasketch:
    name = "datasketch MinHashLSH"
    short = "datasketch"

    def __init__(self, store: Store):
        self.store = store
        self.template = datasketch_template()
        self.lsh = datasketch.MinHashLSH(
            threshold=THRESHOLD,
            num_perm=similarity.PERMUTATIONS,
            params=(similarity.BANDS, similarity.ROWS),
        )
        self.held = 0
        self.stopped = None

    def add(self, results: list[dict], reserve_mb: float) -> None:
        """Insert until done or until the machine has less than `reserve_mb` available."""
        permutations = self.template.permutations
        for result in results:
            if self.stopped:
                return
            for i, values in enumerate(result["datasketch"]):
                if i % 10_000 == 0 and available_mb() < reserve_mb:
                    self.stopped = (
                        f"stopped at {self.held:,} reports: {available_mb():,.0f} MB left "
                        f"available (reserve {reserve_mb:,.0f} MB)"
                    )
                    say(f"   datasketch {self.stopped}")
                    return
                minhash = datasketch.MinHash(
                    seed=DATASKETCH_SEED,
                    hashfunc=_identity,
                    hashvalues=values,
                    permutations=permutations,
                    scheme="affine32",
                )
                self.lsh.insert(result["start"] + i, minhash, check_duplication=False)
                self.held += 1

    def query(self, text: str):
        t0 = time.perf_counter()
        own = similarity.fingerprint(text, BOILERPLATE)
        t1 = time.perf_counter()
        minhash = self.template.copy()
        minhash.update_batch(own)
        t2 = time.perf_counter()
        candidates = self.lsh.query(minhash)
        t3 = time.perf_counter()
        found = _verify(own, candidates, self.store)
        return found, (t1 - t0, t2 - t1, t3 - t2, time.perf_counter() - t3)


def rensa_tokens(own: np.ndarray) -> list[bytes]:
    """A shingle hash as its 4 little-endian bytes (trailing zero bytes dropped by numpy's
    S4 view, which keeps the encoding one-to-one)."""
    return own.astype("<u4", copy=False).view("S4").tolist()


class Rensa:
    name = "rensa RMinHashLSH"
    short = "rensa"

    def __init__(self, store: Store):
        self.store = store
        self.lsh = rensa.RMinHashLSH(THRESHOLD, similarity.PERMUTATIONS, similarity.BANDS)
        self.held = 0

    def add(self, start: int) -> None:
        for first, flat, offsets in self.store.chunks(start):
            tokens = [
                rensa_tokens(flat[a:b]) for a, b in zip(offsets[:-1], offsets[1:], strict=True)
            ]
            digests = rensa.RMinHash.digest_matrix_from_token_byte_sets(
                tokens, similarity.PERMUTATIONS, RENSA_SEED
            )
            self.lsh.insert_matrix(digests, first)
            self.held += len(tokens)

    def query(self, text: str):
        t0 = time.perf_counter()
        own = similarity.fingerprint(text, BOILERPLATE)
        t1 = time.perf_counter()
        minhash = rensa.RMinHash(similarity.PERMUTATIONS, RENSA_SEED)
        minhash.update(rensa_tokens(own))
        t2 = time.perf_counter()
        candidates = self.lsh.query(minhash)
        t3 = time.perf_counter()
        found = _verify(own, candidates, self.store)
        return found, (t1 - t0, t2 - t1, t3 - t2, time.perf_counter() - t3)


# --- Measurement ------------------------------------------------------------------------

PHASES = ("fingerprint", "signature", "candidates", "verify")


def _ms(values: list[float]) -> dict:
    if not values:
        return {"median": None, "p95": None}
    ms = [v * 1000 for v in values]
    return {"median": round(statistics.median(ms), 3), "p95": round(p95(ms), 3)}


def measure(engines: dict, queries: list[Query], seed: int) -> dict:
    """Every query once through every engine, the engines in a random order for each
    query (so that whatever else the machine does, and whatever one engine leaves in the
    caches for the next, falls on all of them alike), after WARMUP untimed queries each.
    Returns the figures of each engine and what the machine did meanwhile."""
    names = list(engines)
    order = np.random.default_rng([seed, 19])
    for query in queries[:WARMUP]:
        for name in names:
            engines[name].query(query.text)
    timed = {name: ([], [], []) for name in names}
    busy, disk = machine_busy(), disk_read_mb()
    started = time.perf_counter()
    for query in queries:
        for i in order.permutation(len(names)):
            engine = engines[names[i]]
            t0 = time.perf_counter()
            found, parts = engine.query(query.text)
            seconds, phases, outputs = timed[names[i]]
            seconds.append(time.perf_counter() - t0)
            phases.append(parts)
            outputs.append(found)
    wall = time.perf_counter() - started
    return {
        "engines": {name: figures(engines[name], queries, *timed[name]) for name in names},
        "cores_busy": round((machine_busy() - busy) / wall, 2),
        "disk_read_mb": round(disk_read_mb() - disk, 1),
        "seconds": round(wall, 1),
    }


def figures(engine, queries, seconds, phases, outputs) -> dict:
    copies = [s for s, q in zip(seconds, queries, strict=True) if q.source is not None]
    fresh = [s for s, q in zip(seconds, queries, strict=True) if q.source is None]
    found = {
        "held": engine.held,
        "queries": len(queries),
        "all_ms": _ms(seconds),
        "copies_ms": _ms(copies),
        "fresh_ms": _ms(fresh),
        "phases_median_ms": {
            name: (
                None
                if phases[0][i] is None
                else round(statistics.median(p[i] for p in phases) * 1000, 3)
            )
            for i, name in enumerate(PHASES)
        },
    }
    found.update(accuracy(queries, outputs))
    return found


def accuracy(queries: list[Query], outputs: list[dict]) -> dict:
    """Recall and precision at FLAG_JACCARD on the injected pairs (every query's verified
    pairs count; a flagged pair is right when it is an injected pair whose true Jaccard
    reaches the threshold), recall of each band (the source among the verified
    candidates), candidates per query, and disagreements with the true Jaccard."""
    bands = {label: [0, 0] for label in BAND_LABELS}
    true_positive = flagged = relevant = mismatched = 0
    candidates = []
    for query, found in zip(queries, outputs, strict=True):
        candidates.append(len(found))
        for doc, overlap in found.items():
            if overlap.jaccard >= THRESHOLD:
                flagged += 1
                if doc == query.source and query.truth >= THRESHOLD:
                    true_positive += 1
        if query.source is None:
            continue
        relevant += query.truth >= THRESHOLD
        hit = query.source in found
        if query.band in bands:
            bands[query.band][1] += 1
            bands[query.band][0] += hit
        if hit and abs(found[query.source].jaccard - query.truth) > 1e-9:
            mismatched += 1
    fresh = [c for c, q in zip(candidates, queries, strict=True) if q.source is None]
    return {
        "recall": true_positive / relevant if relevant else None,
        "precision": true_positive / flagged if flagged else None,
        "relevant_pairs": relevant,
        "flagged_pairs": flagged,
        "bands": {
            k: {"found": v[0], "pairs": v[1], "recall": v[0] / v[1] if v[1] else None}
            for k, v in bands.items()
        },
        "candidates_mean": round(statistics.mean(candidates), 2),
        "candidates_max": max(candidates),
        "fresh_candidates_mean": round(statistics.mean(fresh), 2) if fresh else None,
        "candidate_precision": flagged / sum(candidates) if sum(candidates) else None,
        "jaccard_mismatches": mismatched,
    }


# --- The run ----------------------------------------------------------------------------


def baseline(store: Store, indexed: int, rng, samples: int = 20_000) -> dict:
    """Exact Jaccard of random pairs of (unrelated) indexed reports."""
    values = []
    for _ in range(samples):
        a, b = rng.choice(indexed, 2, replace=False)
        values.append(similarity.overlap(store.get(int(a)), store.get(int(b))).jaccard)
    values = np.array(values)
    return {
        "pairs": samples,
        "mean": round(float(values.mean()), 4),
        "p99": round(float(np.quantile(values, 0.99)), 4),
        "max": round(float(values.max()), 4),
    }


def wait_quiet(limit: float, threshold: float = 0.3) -> dict:
    """Wait (at most `limit` seconds) until the rest of the machine keeps less than
    `threshold` cores busy, measured over 5 s, so that other jobs disturb the timing less."""
    started = time.perf_counter()
    while True:
        busy = machine_busy()
        time.sleep(5)
        load = (machine_busy() - busy) / 5
        waited = time.perf_counter() - started
        if load < threshold or waited >= limit:
            return {"waited_s": round(waited), "cores_busy_before": round(load, 2)}


ENGINE_FILES = ["reports/similarity.py", "reports/copies.py", "reports/models.py"]


def engine_sources() -> dict[str, str]:
    """SHA-256 (first 12 digits) of the engine's files and the names of its migrations, so
    that figures can be matched with the code they measured."""
    import hashlib

    found = {
        name: hashlib.sha256((REPO / name).read_bytes()).hexdigest()[:12] for name in ENGINE_FILES
    }
    found["reports/migrations"] = sorted(
        p.stem for p in (REPO / "reports/migrations").glob("0*.py")
    )
    return found


def save(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def stage_tasks(start: int, stop: int, peers: bool = True) -> list[tuple[int, int, int, bool]]:
    return [
        (block, max(start, block * BLOCK), min(stop, (block + 1) * BLOCK), peers)
        for block in range(start // BLOCK, -(-stop // BLOCK))
    ]


def run(args) -> dict:
    global LEX, BOILERPLATE, SEED
    SEED = args.seed
    started = time.perf_counter()
    code = engine_sources()
    LEX = Lexicon(args.seed)
    BOILERPLATE = similarity.shingles("\n".join(PROMPTS))
    pool = multiprocessing.get_context("fork").Pool(args.workers)

    say(f"== queries: copies of {args.pairs:,} indexed reports, {args.queries:,} unrelated")
    queries, sources, checks = make_queries(args.pairs, args.queries, args.seed)
    copies_made = [q for q in queries if q.source is not None]
    say(
        f"   {checks['seconds']} s; text and word-level shingles disagree: "
        f"{checks['source_mismatch']} sources, {checks['copy_mismatch']} copies"
    )

    database = Database(args)
    create_seconds = database.create()
    store = Store()
    engines = {
        "engine": EngineDatabase(database.campaign.pk),
        "engine-submit": EngineSubmit(database),
        "engine-mem": EngineMemory(store),
        "rensa": Rensa(store),
        "datasketch": Datasketch(store),
    }
    stages = []
    previous = 0
    corpus = {"words": 0, "shingles": 0, "reports": 0}
    try:
        for size in args.sizes:
            stage = {"indexed": size, "engines": {}, "build": {}}
            say(f"== {size:,} indexed reports: generating {size - previous:,} more")
            t0 = time.perf_counter()
            cpu = {"generate": 0.0, "marks": 0.0, "engine": 0.0, "datasketch": 0.0}
            results = []
            for result in pool.imap(work, stage_tasks(previous, size)):
                for part, value in result.pop("cpu").items():
                    cpu[part] += value
                results.append(result)
                corpus["words"] += result["words"]
                corpus["shingles"] += int(result["own_counts"].sum())
            corpus["reports"] = size
            stage["generate_seconds"] = round(time.perf_counter() - t0, 1)
            stage["cpu_seconds"] = {k: round(v, 1) for k, v in cpu.items()}
            say(
                f"   {stage['generate_seconds']} s with {args.workers} workers; "
                f"CPU s {stage['cpu_seconds']}"
            )
            if previous == 0:
                for doc, own in sources.items():
                    result = results[doc // BLOCK]
                    offsets = np.concatenate([[0], np.cumsum(result["own_counts"])])
                    at = doc - result["start"]
                    if not np.array_equal(result["own"][offsets[at] : offsets[at + 1]], own):
                        checks["worker_mismatch"] = checks.get("worker_mismatch", 0) + 1
                checks.setdefault("worker_mismatch", 0)
            if min(int(r["own_counts"].min()) for r in results) < similarity.MIN_SHINGLES:
                raise RuntimeError("a generated report is too short to index")

            say("   loading PostgreSQL (COPY, then indexes, VACUUM ANALYZE)")
            stage["load"] = database.load(previous, size, results)
            say(f"   {stage['load']}")
            for result in results:
                del result["raw"]
                store.add(result["start"], result["own"], result["own_counts"])
            gc.collect()
            gc.freeze()
            for short in ("engine", "engine-submit"):
                engines[short].held = size
                stage["build"][short] = {
                    "signature_cpu_s": stage["cpu_seconds"]["marks"],
                    "index_s": stage["load"]["index_load_seconds"],
                    "index_mb": round(sum(stage["load"]["bytes"].values()) / 2**20),
                }
            for short in ("engine-mem", "rensa", "datasketch"):
                engine = engines[short]
                if short == "rensa":
                    if args.quiet_wait:
                        stage["quiet_alone"] = wait_quiet(args.quiet_wait)
                    alone = {k: engines[k] for k in ("engine", "engine-submit", "engine-mem")}
                    say("   timing the engine before the peers' indexes take memory")
                    timing = measure(alone, queries, args.seed)
                    stage["engine_alone"] = {
                        k: {
                            m: f[m] for m in ("all_ms", "copies_ms", "fresh_ms", "phases_median_ms")
                        }
                        for k, f in timing.pop("engines").items()
                    }
                    stage["engine_alone"]["timing"] = timing
                    say(f"   {stage['engine_alone']}")
                rss = rss_mb()
                t0 = time.perf_counter()
                gc.disable()
                if short == "engine-mem":
                    engine.add(results)
                elif short == "rensa":
                    engine.add(previous)
                else:
                    engine.add(results, args.reserve_gb * 1024)
                gc.enable()
                built = time.perf_counter() - t0
                gc.collect()
                gc.freeze()
                signatures = {"engine-mem": "engine", "datasketch": "datasketch"}.get(short)
                stage["build"][short] = {
                    "signature_cpu_s": stage["cpu_seconds"][signatures] if signatures else None,
                    "index_s": round(built, 1),
                    "rss_growth_mb": round(rss_mb() - rss),
                }
                say(f"   {engine.name}: {stage['build'][short]}")
                if short == "engine-mem":
                    for result in results:
                        del result["keys"]
                elif short == "datasketch":
                    for result in results:
                        del result["datasketch"]
            stage["rss_mb"] = round(rss_mb())
            stage["available_mb"] = round(available_mb())
            if args.quiet_wait:
                stage["quiet"] = wait_quiet(args.quiet_wait)
                say(f"   waited for a quieter machine: {stage['quiet']}")
            say(f"   timing {len(queries):,} queries through each engine")
            blocks = database.blocks()
            timing = measure(engines, queries, args.seed)
            stage["engines"] = timing.pop("engines")
            stage["timing"] = timing
            stage["database_blocks"] = {k: v - blocks[k] for k, v in database.blocks().items()}
            if engines["datasketch"].stopped:
                stage["engines"]["datasketch"]["stopped"] = engines["datasketch"].stopped
            for engine in engines.values():
                _progress(engine, stage["engines"][engine.short])
            say(f"   {timing}; PostgreSQL blocks {stage['database_blocks']}")
            del results
            gc.collect()
            if previous == 0:
                corpus["baseline_jaccard"] = baseline(
                    store, size, np.random.default_rng([args.seed, 5])
                )
            stages.append(stage)
            save(Path(args.json), {"partial": True, "stages": stages, "corpus": corpus})
            previous = size
    finally:
        pool.terminate()
        database.close()

    bands = {label: 0 for label in BAND_LABELS}
    kinds: dict[str, int] = {}
    for query in copies_made:
        bands[query.band] = bands.get(query.band, 0) + 1
        kinds[query.detail["kind"]] = kinds.get(query.detail["kind"], 0) + 1
    corpus.update(
        {
            "vocabulary": len(LEX.surface),
            "stock_phrases": Lexicon.PHRASES,
            "boilerplate_shingles": len(BOILERPLATE),
            "words_per_report": round(corpus["words"] / corpus["reports"], 1),
            "shingles_per_report": round(corpus["shingles"] / corpus["reports"], 1),
            "pairs": len(copies_made),
            "pairs_by_band": bands,
            "pairs_by_kind": kinds,
            "pairs_without_marks": sum(q.detail["without_marks"] for q in copies_made),
            "fresh_queries": len(queries) - len(copies_made),
            "checks": checks,
            "database_create_seconds": round(create_seconds, 1),
        }
    )
    for stage in stages:
        engines = stage["engines"]
        stage["ratios"] = {
            peer: {
                f"÷ {base}": {
                    which: _ratio(engines[peer]["all_ms"][which], engines[base]["all_ms"][which])
                    for which in ("median", "p95")
                }
                for base in ("engine", "engine-submit", "engine-mem")
            }
            for peer in ("datasketch", "rensa")
        }
    code_now = engine_sources()
    if code_now != code:
        say(f"!! the engine's files changed during the run: {code} -> {code_now}")
    return {
        "benchmark": "bench/similarity.py",
        "engine_code": {"at_start": code, "at_end": code_now, "changed": code_now != code},
        "date": dt.date.today().isoformat(),
        "command": " ".join([".venv/bin/python", "bench/similarity.py", *sys.argv[1:]]),
        "machine": {
            "cores": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "datasketch": datasketch.__version__,
            "rensa": _version("rensa"),
        },
        "settings": {
            "sizes": args.sizes,
            "pairs": args.pairs,
            "queries": args.queries,
            "seed": args.seed,
            "quiet_wait_s": args.quiet_wait,
            "workers": args.workers,
            "reserve_gb": args.reserve_gb,
            "permutations": similarity.PERMUTATIONS,
            "bands": similarity.BANDS,
            "rows": similarity.ROWS,
            "shingle": similarity.SHINGLE,
            "threshold": THRESHOLD,
            "datasketch_lsh": "MinHashLSH(threshold=0.7, num_perm=128, params=(32, 4)); "
            "with params given the threshold is not used (alone it would pick (b, r) = "
            f"{datasketch.lsh._optimal_param(THRESHOLD, similarity.PERMUTATIONS, 0.5, 0.5)})",
            "rensa_lsh": "RMinHashLSH(threshold=0.7, num_perm=128, num_bands=32); query() returns "
            "every key sharing a band, the threshold only serves is_similar()",
            "datasketch_minhash": "MinHash(num_perm=128, seed=1, hashfunc=identity) copied per "
            "report (MinHash.generator's idiom), fed the 32-bit shingle hashes",
            "rensa_minhash": "RMinHash(128, seed=42).update(4-byte tokens of the shingle hashes)",
        },
        "corpus": corpus,
        "stages": stages,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _progress(engine, figures: dict) -> None:
    say(
        f"   {engine.name}: held {figures['held']:,}, median {figures['all_ms']['median']} ms, "
        f"p95 {figures['all_ms']['p95']} ms, recall {_fmt(figures['recall'])}, "
        f"precision {_fmt(figures['precision'])}, candidates/query {figures['candidates_mean']}"
    )


def _fmt(value, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


ORDER = ["engine", "engine-submit", "engine-mem", "datasketch", "rensa"]
NAMES = {
    "engine": EngineDatabase.name,
    "engine-submit": EngineSubmit.name,
    "engine-mem": EngineMemory.name,
    "datasketch": Datasketch.name,
    "rensa": Rensa.name,
}


def print_tables(report: dict) -> None:
    code = report["engine_code"]
    files = ", ".join(f"{k} {v}" for k, v in code["at_start"].items() if k in ENGINE_FILES)
    migrations = ", ".join(code["at_start"]["reports/migrations"])
    print(f"Engine code (SHA-256 prefixes): {files}; migrations {migrations}")
    if code["changed"]:
        print(f"**The engine's files changed during the run**: now {code['at_end']}")
    print()
    corpus = report["corpus"]
    base = corpus.get("baseline_jaccard", {})
    print("| corpus | value |")
    print("|---|--:|")
    print(
        f"| vocabulary (syllables) / stock phrases | {corpus['vocabulary']:,} / "
        f"{corpus['stock_phrases']} |"
    )
    print(f"| words per report (with header and prompts) | {corpus['words_per_report']} |")
    print(f"| shingles per report (boilerplate removed) | {corpus['shingles_per_report']} |")
    print(f"| boilerplate shingles (3 prompts) | {corpus['boilerplate_shingles']} |")
    pairs = ", ".join(f"{k} {v}" for k, v in corpus["pairs_by_band"].items())
    print(f"| injected pairs by true Jaccard | {pairs} |")
    kinds = ", ".join(f"{k} {v}" for k, v in corpus["pairs_by_kind"].items())
    print(
        f"| how the copies were made | {kinds}; "
        f"{corpus['pairs_without_marks']} without diacritics |"
    )
    print(f"| unrelated query reports | {corpus['fresh_queries']} |")
    if base:
        print(
            f"| Jaccard of random unrelated pairs | mean {base['mean']}, p99 {base['p99']}, "
            f"max {base['max']} |"
        )
    print()
    print(
        "| engine | indexed | median ms | p95 ms | candidates / query | recall J≥0.7 | "
        "precision J≥0.7 | " + " | ".join(f"recall {b}" for b in BAND_LABELS) + " |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|" + "--:|" * len(BAND_LABELS))
    for stage in report["stages"]:
        for short in ORDER:
            f = stage["engines"][short]
            held = (
                f"{f['held']:,}"
                if f["held"] == stage["indexed"]
                else f"**{f['held']:,} of {stage['indexed']:,}**"
            )
            bands = " | ".join(_fmt(f["bands"][b]["recall"], 3) for b in BAND_LABELS)
            print(
                f"| {NAMES[short]} | {held} | {f['all_ms']['median']:.2f} | "
                f"{f['all_ms']['p95']:.2f} | "
                f"{f['candidates_mean']} | {_fmt(f['recall'])} | {_fmt(f['precision'])} | {bands} |"
            )
    print()
    print(
        "| indexed | peer | peer ms ÷ engine (PostgreSQL) ms, median | p95 | ÷ engine "
        "(index_report), median | p95 | ÷ engine (in-process), median | p95 |"
    )
    print("|--:|---|--:|--:|--:|--:|--:|--:|")
    for stage in report["stages"]:
        for peer, ratios in stage["ratios"].items():
            cells = " | ".join(
                f"{_fmt(ratio['median'], 2)} | {_fmt(ratio['p95'], 2)}" for ratio in ratios.values()
            )
            print(f"| {stage['indexed']:,} | {NAMES[peer]} | {cells} |")
    print()
    print(
        "| engine | indexed | fingerprint ms | signature ms | candidates ms | verify ms | "
        "median ms, copies | median ms, unrelated |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for stage in report["stages"]:
        for short in ORDER:
            f = stage["engines"][short]
            p = f["phases_median_ms"]
            cells = " | ".join("—" if p[k] is None else f"{p[k]:.3f}" for k in PHASES)
            print(
                f"| {NAMES[short]} | {stage['indexed']:,} | {cells} | "
                f"{f['copies_ms']['median']:.2f} | "
                f"{f['fresh_ms']['median']:.2f} |"
            )
    print()
    print("| engine | indexed | signatures, CPU s | index build s | index size MB |")
    print("|---|--:|--:|--:|--:|")
    for stage in report["stages"]:
        for short in ORDER:
            b = stage["build"][short]
            sig = "—" if b["signature_cpu_s"] is None else b["signature_cpu_s"]
            size = b.get("index_mb", b.get("rss_growth_mb"))
            print(f"| {NAMES[short]} | {stage['indexed']:,} | {sig} | {b['index_s']} | {size:,} |")
    print()
    print(
        "| indexed | reports added | members + reports COPY s | their indexes s | fingerprints "
        "COPY s | marks COPY s | commit s | mark indexes s | VACUUM ANALYZE s | "
        "mark rows | BandKey + Fingerprint MB |"
    )
    print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    previous = 0
    for stage in report["stages"]:
        load = stage["load"]
        cells = " | ".join(
            str(load[k])
            for k in (
                "members_reports_copy",
                "members_reports_indexes",
                "fingerprints_copy",
                "band_keys_copy",
                "commit",
                "band_keys_indexes",
                "vacuum_analyze",
            )
        )
        print(
            f"| {stage['indexed']:,} | {stage['indexed'] - previous:,} | {cells} | "
            f"{load['band_key_rows']:,} | {round(sum(load['bytes'].values()) / 2**20):,} |"
        )
        previous = stage["indexed"]
    print()
    print("| indexed | engine | alone: median ms | p95 ms | side by side: median ms | p95 ms |")
    print("|--:|---|--:|--:|--:|--:|")
    for stage in report["stages"]:
        for short in ("engine", "engine-submit", "engine-mem"):
            alone, side = stage["engine_alone"][short]["all_ms"], stage["engines"][short]["all_ms"]
            print(
                f"| {stage['indexed']:,} | {NAMES[short]} | {alone['median']:.2f} | "
                f"{alone['p95']:.2f} | {side['median']:.2f} | {side['p95']:.2f} |"
            )
    print()
    print(
        "| indexed | timing pass | waited for other jobs s | cores busy | disk MB read | "
        "seconds | bench process RSS MB | memory available MB |"
    )
    print("|--:|---|--:|--:|--:|--:|--:|--:|")
    for stage in report["stages"]:
        passes = [
            ("engine alone", stage["engine_alone"]["timing"], stage.get("quiet_alone", {})),
            ("side by side", stage["timing"], stage.get("quiet", {})),
        ]
        for label, timing, quiet in passes:
            rss = f"{stage['rss_mb']:,}" if label == "side by side" else "—"
            available = f"{stage['available_mb']:,}" if label == "side by side" else "—"
            print(
                f"| {stage['indexed']:,} | {label} | {quiet.get('waited_s', 0)} | "
                f"{timing['cores_busy']:.2f} | {timing['disk_read_mb']:,} | {timing['seconds']} | "
                f"{rss} | {available} |"
            )
    for stage in report["stages"]:
        stopped = stage["engines"]["datasketch"].get("stopped")
        if stopped:
            print(f"\ndatasketch at {stage['indexed']:,}: {stopped}")


# --- Partial copies (--partial) ---------------------------------------------------------
# Recall and precision for copies of part of a report, by kind and by containment band,
# for the engine's marks and for the peers, each verified exactly the same way. Indexes are
# in process: the engine's is a dict of marks to reports that answers exactly as
# `copies._candidates` does (the reports sharing the most marks, at most MAX_CANDIDATES),
# so the figures are those of the database path; its speed is measured elsewhere.

PARTIAL_KINDS = ("section", "sample", "plain", "reordered", "synonyms", "near")
CONTAINMENT_BANDS = [(0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 1.0)]
PEER_THRESHOLD = 0.3  # the peers are asked for everything the engine keeps, or more


def containment_band(value: float) -> str:
    for low, high in CONTAINMENT_BANDS:
        if low <= value < high or (high == 1.0 and value == 1.0):
            return f"[{low},{high})" if high < 1.0 else f"[{low},1]"
    return f"<{CONTAINMENT_BANDS[0][0]}"


def _sections(paragraphs):
    """Index ranges of the paragraphs of each prompt's section (kinds 1..3)."""
    starts = [i for i, (kind, _ids) in enumerate(paragraphs) if kind in (1, 2, 3)]
    ends = [*starts[1:], len(paragraphs)]
    return list(zip(starts, ends, strict=True))


def _substituted(paragraphs, rng, rate: float):
    found = []
    for kind, ids in paragraphs:
        if kind < 0:
            hit = rng.random(len(ids)) < rate
            ids = np.where(hit, LEX.sample_words(rng, len(ids)), ids)
        found.append((kind, ids))
    return found


def partial_copy(kind: str, source, own, rng):
    """A partial copy of `source` (paragraph lists) into a report whose own words come
    from `own`; returns the paragraphs and whether diacritics are dropped."""
    if kind in ("section", "plain"):
        k = int(rng.integers(0, 3))
        (a, b), (c, d) = _sections(source)[k], _sections(own)[k]
        return own[:c] + source[a:b] + own[d:], kind == "plain"
    body = [p for p in source if p[0] < 0]
    if kind == "sample":
        words = sum(len(ids) for _k, ids in body)
        share = float(rng.uniform(0.3, 0.6))
        budget = round(words * share / (1 - share))
        mine = []
        for k, ids in own:
            if k < 0 and budget > 0:
                mine.append((k, ids[:budget]))
                budget -= len(ids[:budget])
        return [source[0], *body, *mine], False
    if kind == "reordered":
        order = rng.permutation(len(body))
        mine = [p for p in own if p[0] < 0][:2]
        return [source[0], *(body[i] for i in order), *mine], False
    if kind == "synonyms":
        return _substituted(source, rng, float(rng.uniform(0.1, 0.2))), False
    raise ValueError(kind)


def peer_shingles(text: str) -> list[bytes]:
    """The peers' own tokenisation, as their documentation shows it: words split on white
    space, lower-cased, five-word shingles as UTF-8 strings (diacritics kept)."""
    words = text.lower().split()
    return list({" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4)})


class PartialEngine:
    name = "engine (winnowed marks)"

    def __init__(self):
        self.postings: dict[int, list[int]] = {}
        self.sizes: dict[int, int] = {}  # own shingles, as `Fingerprint.size`

    def add(self, doc: int, sequence: np.ndarray, size: int) -> None:
        self.sizes[doc] = size
        for key in similarity.marks(sequence, BOILERPLATE).tolist():
            self.postings.setdefault(key, []).append(doc)

    def _sizes_of(self, docs: list[int]) -> dict[int, int]:
        return {doc: self.sizes[doc] for doc in docs}

    def candidates(self, text: str, own: np.ndarray) -> list[int]:
        keys = similarity.marks(similarity.sequence(text), BOILERPLATE).tolist()
        cap = similarity.CROWDED_MARK + 1
        postings = (self.postings.get(key, [])[:cap] for key in keys)
        return similarity.ranked_candidates(postings, len(keys), len(own), self._sizes_of)


class PartialPeer:
    """One peer index (datasketch MinHashLSH or LSH Ensemble, rensa RMinHashLSH) fed with
    its own tokenisation or with the engine's boilerplate-free shingle hashes."""

    def __init__(self, library: str, tokens: str):
        self.library, self.tokens = library, tokens
        self.name = f"{library} ({'own tokens' if tokens == 'own' else 'engine tokens'})"
        self.pending = []
        perms = similarity.PERMUTATIONS
        if library == "datasketch MinHashLSH":
            self.index = datasketch.MinHashLSH(threshold=PEER_THRESHOLD, num_perm=perms)
        elif library == "rensa RMinHashLSH":
            bands = 64  # rows of 2: the S-curve's midpoint near the threshold
            self.index = rensa.RMinHashLSH(PEER_THRESHOLD, perms, bands)

    def _items(self, text: str | None, own: np.ndarray) -> list:
        if self.tokens == "own":
            return peer_shingles(text)
        return rensa_tokens(own) if self.library.startswith("rensa") else own.tolist()

    def _sketch(self, items):
        if self.library.startswith("rensa"):
            minhash = rensa.RMinHash(similarity.PERMUTATIONS, RENSA_SEED)
            minhash.update(items)
            return minhash
        if self.tokens == "own":
            minhash = datasketch.MinHash(num_perm=similarity.PERMUTATIONS, seed=DATASKETCH_SEED)
        else:
            minhash = datasketch.MinHash(
                num_perm=similarity.PERMUTATIONS, seed=DATASKETCH_SEED, hashfunc=_identity
            )
        minhash.update_batch(items)
        return minhash

    def add(self, doc: int, text: str | None, own: np.ndarray) -> None:
        items = self._items(text, own)
        sketch = self._sketch(items)
        if self.library == "datasketch LSH Ensemble":
            self.pending.append((doc, sketch, max(len(items), 1)))
        elif self.library.startswith("rensa"):
            self.index.insert(doc, sketch)
        else:
            self.index.insert(doc, sketch, check_duplication=False)

    def ready(self) -> None:
        if self.library == "datasketch LSH Ensemble":
            self.index = datasketch.MinHashLSHEnsemble(
                threshold=PEER_THRESHOLD, num_perm=similarity.PERMUTATIONS, num_part=16
            )
            self.index.index(self.pending)
            self.pending = []

    def candidates(self, text: str, own: np.ndarray) -> list[int]:
        items = self._items(text, own)
        sketch = self._sketch(items)
        if self.library == "datasketch LSH Ensemble":
            return list(self.index.query(sketch, max(len(items), 1)))
        return list(self.index.query(sketch))


def run_partial(args) -> dict:
    global LEX, BOILERPLATE, SEED
    SEED = args.seed
    started = time.perf_counter()
    LEX = Lexicon(args.seed)
    BOILERPLATE = similarity.shingles("\n".join(PROMPTS))
    rng = np.random.default_rng([args.seed, 29])
    peers = [
        PartialPeer(library, tokens)
        for library in ("datasketch MinHashLSH", "datasketch LSH Ensemble", "rensa RMinHashLSH")
        for tokens in ("own", "engine")
    ]
    engine = PartialEngine()
    engines = [engine, *peers]
    say(f"== partial copies: {args.size:,} indexed reports")
    paragraphs: dict[int, list] = {}
    owns: dict[int, np.ndarray] = {}
    per_kind = args.copies // len(PARTIAL_KINDS)
    sources = set(rng.choice(args.size, size=per_kind * len(PARTIAL_KINDS), replace=False).tolist())
    bodies = []
    index_seconds = {e.name: 0.0 for e in engines}
    for doc in range(args.size):
        if doc % BLOCK == 0:
            bodies = block_bodies(doc // BLOCK)
            say(f"   indexed {doc:,}")
        body, sections = bodies[doc % BLOCK]
        found = paragraphs_of(doc, body, sections)
        sequence = similarity._shingles_of(hashes_of(found))
        own = own_of(sorted_set(sequence))
        owns[doc] = own
        if doc in sources:
            paragraphs[doc] = found
        text = render(found, np.random.default_rng([args.seed, 13, doc]))
        t0 = time.perf_counter()
        engine.add(doc, sequence, len(own))
        index_seconds[engine.name] += time.perf_counter() - t0
        for peer in peers:
            t0 = time.perf_counter()
            peer.add(doc, text, own)
            index_seconds[peer.name] += time.perf_counter() - t0
    for peer in peers:
        t0 = time.perf_counter()
        peer.ready()
        index_seconds[peer.name] += time.perf_counter() - t0

    queries = []  # (text, source or None, kind, containment, jaccard)
    ordered = sorted(sources)
    rng.shuffle(ordered)
    fresh_bodies = block_bodies(FRESH_BLOCK + 7)
    for n, doc in enumerate(ordered):
        kind = PARTIAL_KINDS[n % len(PARTIAL_KINDS)]
        at = n % BLOCK
        if at == 0 and n:
            fresh_bodies = block_bodies(FRESH_BLOCK + 7 + n // BLOCK)
        body, sections = fresh_bodies[at]
        mine = paragraphs_of((FRESH_BLOCK + 7) * BLOCK + n, body, sections)
        if kind == "near":
            target = float(rng.uniform(0.7, 1.0))
            copy, _detail = make_copy(paragraphs[doc], owns[doc], target, "edits", rng)
            without = bool(rng.random() < PLAIN_SHARE)
        else:
            copy, without = partial_copy(kind, paragraphs[doc], mine, rng)
        text = render(copy, np.random.default_rng([args.seed, 31, n]), without)
        truth = similarity.overlap(similarity.fingerprint(text, BOILERPLATE), owns[doc])
        queries.append((text, doc, kind, truth.containment, truth.jaccard))
    fresh = block_bodies(FRESH_BLOCK + 900)
    for n in range(args.queries):
        body, sections = fresh[n % BLOCK]
        found = paragraphs_of((FRESH_BLOCK + 900) * BLOCK + n, body, sections)
        queries.append((render(found, rng), None, "unrelated", 0.0, 0.0))

    say(f"== {len(queries):,} queries against {len(engines)} engines")
    results = {}
    for e in engines:
        hits = {}  # (kind, band) -> [found, total]
        reported = designed = 0
        seconds = []
        for text, source, kind, containment, jaccard in queries:
            t0 = time.perf_counter()
            own = similarity.fingerprint(text, BOILERPLATE)
            kept = set()
            for doc in e.candidates(text, own):
                if similarity.overlap(own, owns[doc]).kept:
                    kept.add(doc)
            seconds.append(time.perf_counter() - t0)
            reported += len(kept)
            designed += source in kept
            if source is None:
                continue
            for key in (
                (kind, containment_band(containment)),
                (kind, "all"),
                ("all", containment_band(containment)),
            ):
                cell = hits.setdefault(f"{key[0]} {key[1]}", [0, 0])
                cell[0] += source in kept
                cell[1] += 1
            if jaccard >= similarity.FLAG_JACCARD:
                cell = hits.setdefault("jaccard>=0.7", [0, 0])
                cell[0] += source in kept
                cell[1] += 1
        results[e.name] = {
            "recall": {
                k: {"found": f, "of": t, "recall": round(f / t, 4)} for k, (f, t) in hits.items()
            },
            "precision": round(designed / reported, 4) if reported else None,
            "reported": reported,
            "query_ms": _ms(seconds),
            "index_seconds": round(index_seconds[e.name], 1),
        }
        say(f"   {e.name}: precision {results[e.name]['precision']}, {_ms(seconds)}")
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} CPUs",
        "load": os.getloadavg(),
        "indexed": args.size,
        "copies_per_kind": per_kind,
        "unrelated": args.queries,
        "engines": results,
        "seconds": round(time.perf_counter() - started, 1),
    }


PARTIAL_DATABASE = "nghiquyet_bench_partial"


def _copy_rows(conn, table: str, columns: list[str], rows) -> None:
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def run_partial_database(args) -> dict:
    """The engine's real path on PostgreSQL: `size` reports' fingerprints and marks loaded
    with COPY (foreign-key triggers off while loading: the bench has no members), then
    per query text -> sequence -> fingerprint -> marks -> `copies.compare` (one SQL
    statement for candidates and their fingerprints) -> exact verification, timed by phase,
    with recall by kind from this path."""
    global LEX, BOILERPLATE, SEED
    SEED = args.seed
    started = time.perf_counter()
    LEX = Lexicon(args.seed)
    BOILERPLATE = similarity.shingles("\n".join(PROMPTS))
    url = database_url(args.admin_url, PARTIAL_DATABASE)
    say(f"== creating database {PARTIAL_DATABASE}")
    recreate(args.admin_url, PARTIAL_DATABASE)
    manage(url, "migrate", "--noinput", "-v", "0")
    from harness import configure

    configure(url)
    from campaigns.models import Campaign
    from organizations.models import Level, Organization
    from reports import copies

    level = Level.objects.create(name="Chi bộ (bench)", code="CB-BENCH", rank=0, holds_members=True)
    unit = Organization.add_root(
        name="Đảng bộ bench",
        name_folded=Organization.folded_name("Đảng bộ bench"),
        code="BENCH-PARTIAL",
        level=level,
    )
    campaign = Campaign.objects.create(
        title="Học tập Nghị quyết 57-NQ/TW (bench partial)",
        owner=unit,
        conference_deadline=dt.date(2026, 12, 31),
        prompts=PROMPTS,
    )
    stored, _changed = copies.boilerplate_refresh(campaign)
    assert np.array_equal(stored, BOILERPLATE)
    rng = np.random.default_rng([args.seed, 29])
    per_kind = args.copies // len(PARTIAL_KINDS)
    sources = set(rng.choice(args.size, size=per_kind * len(PARTIAL_KINDS), replace=False).tolist())
    paragraphs, owns = {}, {}
    load_seconds = 0.0
    marks_total = 0
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")
        for block in range((args.size + BLOCK - 1) // BLOCK):
            bodies = block_bodies(block)
            fingerprints, marks = [], []
            for at, (body, sections) in enumerate(bodies):
                doc = block * BLOCK + at
                if doc >= args.size:
                    break
                found = paragraphs_of(doc, body, sections)
                sequence = similarity._shingles_of(hashes_of(found))
                raw = sorted_set(sequence)
                own = own_of(raw)
                if doc in sources:
                    paragraphs[doc], owns[doc] = found, own
                pk = doc + 1
                fingerprints.append(
                    (
                        pk,
                        campaign.pk,
                        1,
                        similarity.to_bytes(raw),
                        similarity.to_bytes(sequence),
                        len(own),
                    )
                )
                for key in similarity.keys_of(similarity.marks(sequence, BOILERPLATE)):
                    marks.append((campaign.pk, key, pk))
            t0 = time.perf_counter()
            _copy_rows(
                conn,
                "reports_fingerprint",
                ["report_id", "campaign_id", "version", "shingles", "sequence", "size"],
                fingerprints,
            )
            _copy_rows(conn, "reports_bandkey", ["campaign_id", "key", "report_id"], marks)
            conn.commit()
            load_seconds += time.perf_counter() - t0
            marks_total += len(marks)
            if block % 10 == 0:
                say(f"   loaded {min((block + 1) * BLOCK, args.size):,}")
        conn.execute("SET session_replication_role = origin")
        conn.commit()
        # As autovacuum leaves a settled table: the visibility map lets the mark lookups
        # be index-only scans.
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE reports_bandkey")
        conn.execute("VACUUM ANALYZE reports_fingerprint")
    queries = []
    ordered = sorted(sources)
    rng.shuffle(ordered)
    for n, doc in enumerate(ordered):
        kind = PARTIAL_KINDS[n % len(PARTIAL_KINDS)]
        body, sections = block_bodies(FRESH_BLOCK + 7 + n // BLOCK)[n % BLOCK]
        mine = paragraphs_of((FRESH_BLOCK + 7) * BLOCK + n, body, sections)
        if kind == "near":
            copy, _d = make_copy(
                paragraphs[doc], owns[doc], float(rng.uniform(0.7, 1.0)), "edits", rng
            )
            without = False
        else:
            copy, without = partial_copy(kind, paragraphs[doc], mine, rng)
        text = render(copy, np.random.default_rng([args.seed, 31, n]), without)
        truth = similarity.overlap(similarity.fingerprint(text, BOILERPLATE), owns[doc])
        queries.append((text, doc + 1, kind, truth.containment))
    say(f"== {len(queries):,} queries against {args.size:,} reports ({marks_total:,} marks)")
    for text, _pk, _kind, _c in queries[:WARMUP]:
        own = similarity.fingerprint(text, BOILERPLATE)
        copies.compare(
            campaign.pk,
            own,
            BOILERPLATE,
            keys=similarity.keys_of(similarity.marks(similarity.sequence(text), BOILERPLATE)),
        )
    phases = {name: [] for name in ("fingerprint", "marks", "candidates+verify", "total")}
    hits: dict[str, list[int]] = {}
    for text, pk, kind, containment in queries:
        t0 = time.perf_counter()
        sequence = similarity.sequence(text)
        own = _own_of_sequence(sequence)
        t1 = time.perf_counter()
        keys = similarity.keys_of(similarity.marks(sequence, BOILERPLATE))
        t2 = time.perf_counter()
        found = copies.compare(campaign.pk, own, BOILERPLATE, keys=keys)
        kept = {other for other, overlap in found.items() if overlap.kept}
        t3 = time.perf_counter()
        for name, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            phases[name].append(value)
        for key in (f"{kind} {containment_band(containment)}", f"{kind} all"):
            cell = hits.setdefault(key, [0, 0])
            cell[0] += pk in kept
            cell[1] += 1
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} CPUs",
        "load": os.getloadavg(),
        "indexed": args.size,
        "marks": marks_total,
        "load_seconds": round(load_seconds, 1),
        "per_query_ms": {name: _ms(values) for name, values in phases.items()},
        "recall": {
            k: {"found": f, "of": t, "recall": round(f / t, 4)} for k, (f, t) in hits.items()
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
    if not args.keep:
        from django.db import connections

        connections.close_all()
        drop(args.admin_url, PARTIAL_DATABASE)
    return report


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in os.listdir(f"/proc/{current}/task"):
                todo += Path(f"/proc/{current}/task/{task}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        todo = [int(child) for child in todo]
    return total / 1024


def rebuild_once(url: str, campaign_id: int, workers: int) -> dict:
    """`manage.py copies_rebuild` of the whole campaign as an operator runs it: its wall
    time, and the peak resident memory of the command and its worker processes together
    (sampled every 0.1 s; PostgreSQL's own memory is not counted)."""
    env = {**os.environ, **PRODUCTION_LIKE, "DATABASE_URL": url}
    command = [
        sys.executable,
        str(REPO / "manage.py"),
        "copies_rebuild",
        str(campaign_id),
        f"--workers={workers}",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    output = process.stdout.read().decode().strip()
    if process.returncode:
        raise RuntimeError(f"copies_rebuild failed ({process.returncode}): {output}")
    return {"workers": workers, "seconds": round(seconds, 1), "peak_rss_mb": round(peak)}


def run_rebuild(args) -> dict:
    """The national rebuild: for each size (loaded incrementally, with COPY, as the full
    run loads them), the campaign's whole copy index rebuilt by `copies_rebuild` with
    each number of workers, timed, with peak memory, marks and pairs counted."""
    global LEX, BOILERPLATE, SEED
    SEED = args.seed
    started = time.perf_counter()
    LEX = Lexicon(args.seed)
    BOILERPLATE = similarity.shingles("\n".join(PROMPTS))
    pool = multiprocessing.get_context("fork").Pool(args.workers)
    database = Database(args)
    database.create()
    runs = []
    previous = 0
    try:
        for size in args.reports:
            say(f"== {size:,} reports: generating and loading {size - previous:,} more")
            t0 = time.perf_counter()
            results = list(pool.imap(work, stage_tasks(previous, size, peers=False)))
            generated = time.perf_counter() - t0
            load = database.load(previous, size, results)
            del results
            gc.collect()
            say(f"   generated in {generated:.1f} s, loaded {load['index_load_seconds']} s")
            for workers in args.rebuild_workers:
                if args.quiet_wait:
                    wait_quiet(args.quiet_wait)
                load_before = os.getloadavg()[0]
                figures = rebuild_once(database.url, database.campaign.pk, workers)
                with psycopg.connect(database.url) as conn:
                    marks, pairs = conn.execute(
                        "SELECT (SELECT count(*) FROM reports_bandkey WHERE campaign_id = %s),"
                        " (SELECT count(*) FROM reports_pair WHERE campaign_id = %s)",
                        (database.campaign.pk, database.campaign.pk),
                    ).fetchone()
                figures.update(
                    reports=size,
                    marks=marks,
                    pairs=pairs,
                    reports_per_second=round(size / figures["seconds"]),
                    load_average_before=round(load_before, 2),
                )
                say(f"   {figures}")
                runs.append(figures)
            previous = size
    finally:
        pool.terminate()
        database.close()
    return {
        "benchmark": "bench/similarity.py --rebuild",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python", "bench/similarity.py", *sys.argv[1:]]),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "runs": runs,
        "seconds": round(time.perf_counter() - started, 1),
    }


def print_rebuild(report: dict) -> None:
    print("\n### Rebuild of a campaign's copy index (`manage.py copies_rebuild`)\n")
    print("| reports | workers | seconds | reports/s | peak RSS MB | marks | pairs | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in report["runs"]:
        print(
            f"| {run['reports']:,} | {run['workers']} | {run['seconds']} |"
            f" {run['reports_per_second']:,} | {run['peak_rss_mb']:,} | {run['marks']:,} |"
            f" {run['pairs']:,} | {run['load_average_before']} |"
        )


def _own_of_sequence(sequence: np.ndarray) -> np.ndarray:
    return own_of(sorted_set(sequence))


def print_partial(report: dict) -> None:
    names = list(report["engines"])
    print(
        f"\n### Partial copies: {report['indexed']:,} indexed reports, "
        f"{report['copies_per_kind']} copies per kind, {report['unrelated']} unrelated\n"
    )
    print(f"{report['date']}, {report['machine']}, load {report['load']}\n")
    rows = sorted({k for e in report["engines"].values() for k in e["recall"]})
    print("| recall | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for row in rows:
        cells = []
        for name in names:
            cell = report["engines"][name]["recall"].get(row)
            cells.append(f"{cell['recall']:.3f} ({cell['of']})" if cell else "")
        print(f"| {row} | " + " | ".join(cells) + " |")
    print(
        "| precision | " + " | ".join(str(report["engines"][n]["precision"]) for n in names) + " |"
    )
    print(
        "| median ms/query (in process) | "
        + " | ".join(str(report["engines"][n]["query_ms"]["median"]) for n in names)
        + " |"
    )
    print(
        "| index s | "
        + " | ".join(str(report["engines"][n]["index_seconds"]) for n in names)
        + " |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="indexed reports, ascending (default 200000,1000000)")
    parser.add_argument("--pairs", type=int, help="injected near-duplicate pairs (default 2000)")
    parser.add_argument("--queries", type=int, help="unrelated query reports (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quick", action="store_true", help="3,000 reports, 200 pairs, 100 queries"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--reserve-gb",
        type=float,
        default=2.5,
        help="stop filling datasketch when less memory is available",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        help="before timing, wait up to this many seconds for other jobs to calm down "
        "(default 300, 0 with --quick)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="where to CREATE DATABASE")
    parser.add_argument(
        "--json",
        help="where to write the figures (default var/bench/similarity.json, "
        "var/bench/similarity-quick.json with --quick)",
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="partial copies by kind and containment band, engine and peers in process",
    )
    parser.add_argument("--size", type=int, default=20_000, help="indexed reports (--partial)")
    parser.add_argument(
        "--database",
        action="store_true",
        help="with --partial: the engine alone through PostgreSQL, timed per query",
    )
    parser.add_argument("--copies", type=int, default=1_800, help="partial copies (--partial)")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="time `manage.py copies_rebuild` of the whole campaign (--reports, --rebuild-workers)",
    )
    parser.add_argument(
        "--reports",
        default="100000",
        help="with --rebuild: campaign sizes, ascending, loaded one after the other",
    )
    parser.add_argument(
        "--rebuild-workers", default="1,2", help="with --rebuild: worker counts to time"
    )
    args = parser.parse_args()
    if args.rebuild:
        args.reports = [int(n) for n in args.reports.split(",") if n.strip()]
        args.rebuild_workers = [int(n) for n in args.rebuild_workers.split(",") if n.strip()]
        args.quiet_wait = args.quiet_wait or 0
        report = run_rebuild(args)
        path = Path(args.json or REPO / "var" / "bench" / "similarity-rebuild.json")
        save(path, report)
        print_rebuild(report)
        say(f"== {report['seconds']} s; figures in {path}")
        return
    if args.partial and args.database:
        report = run_partial_database(args)
        path = Path(args.json or REPO / "var" / "bench" / "similarity-partial-db.json")
        save(path, report)
        print(json.dumps(report, indent=1))
        return
    if args.partial:
        args.queries = args.queries or 500
        report = run_partial(args)
        path = Path(args.json or REPO / "var" / "bench" / "similarity-partial.json")
        save(path, report)
        print_partial(report)
        say(f"== {report['seconds']} s; figures in {path}")
        return
    quick = {"sizes": "3000", "pairs": 200, "queries": 100, "quiet_wait": 0, "json": QUICK_JSON}
    full = {"sizes": "200000,1000000", "pairs": 2000, "queries": 1000, "quiet_wait": 300}
    full["json"] = str(JSON_PATH)
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.sizes != sorted(args.sizes) or args.pairs > args.sizes[0]:
        parser.error("--sizes must ascend and the first must hold the --pairs sources")

    report = run(args)
    save(Path(args.json), report)
    print_tables(report)
    say(f"== {report['seconds']} s; figures in {args.json}")


if __name__ == "__main__":
    main()
