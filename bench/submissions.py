"""Learning-report submissions through gunicorn and the inbox, drained by processes.

A fresh database (nghiquyet_bench_submissions) gets the demo tree (seed_demo), a login and
an API token for every member, and a campaign of the root with the two default prompts.
Then gunicorn serves the project, `--drains` processes run `manage.py drain_submissions`,
and an open-loop client (stdlib threads, keep-alive http.client connections) posts
reports to /api/v1/campaigns/<id>/reports at `--rate` per second for `--seconds`, with
`Authorization: Bearer <token>` and a fresh `Idempotency-Key`. Reports are synthetic
Vietnamese of 400-900 words in two sections; a few percent are near-copies of an earlier
report (of one sent seconds before, or of the one sent just before, in the same batch),
a few are partial copies and a few a member's second version. Some are sent again with
the same key two seconds later and some twice at once: every send must be answered 202
with the same receipt. A 503 (admission control) is sent again after its Retry-After, as
a member would press submit again; a connection the server dropped is sent again with
the same key. With `--kill`, half-way through one gunicorn worker and one drain are
killed with SIGKILL (the drain is started again).

Once the drains have emptied the inbox the database is counted: acknowledged receipts =
stored rows, none refused after acceptance, one version per key, the report counters
needing no correction, and the stored pairs compared with a recount from the stored
fingerprints and marks. Exits 1 otherwise. CPU is put down per submission to gunicorn,
the drains and PostgreSQL. Progress goes to stderr, the Markdown table to stdout,
everything to var/bench/submissions.json.
Usage: .venv/bin/python bench/submissions.py [--quick] [--members 20000] [--seconds 60]
       [--rate 300] [--drains 1] [--server gthread:2x4] [--kill] [--keep]
"""

import argparse
import bisect
import http.client
import json
import os
import queue
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from harness import (
    ADMIN_URL,
    PRODUCTION_LIKE,
    REPO,
    database_url,
    drop,
    machine_busy,
    percentile,
    recreate,
    say,
)

DB_NAME = "nghiquyet_bench_submissions"
HOST = "127.0.0.1"
OUTPUT = REPO / "var" / "bench" / "submissions.json"
TICK = os.sysconf("SC_CLK_TCK")
# The cache as in production: admission control's counts are shared by every gunicorn
# worker and drain there.
REDIS_URL = "redis://127.0.0.1:6379/8"


def server_env(url: str) -> dict[str, str]:
    """Production-like settings, shared by manage.py, gunicorn and the in-process setup."""
    return {
        **os.environ,
        **PRODUCTION_LIKE,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "nghiquyet.settings",
    }


def manage(url: str, *args: str) -> None:
    command = [sys.executable, str(REPO / "manage.py"), *args]
    subprocess.run(command, env=server_env(url), check=True, cwd=REPO, stdout=sys.stderr)


def analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


# --- texts -------------------------------------------------------------------------------

VOCABULARY = [
    "nhận thức",
    "sâu sắc",
    "quan điểm",
    "chỉ đạo",
    "mục tiêu",
    "nhiệm vụ",
    "giải pháp",
    "đột phá",
    "chiến lược",
    "phát triển",
    "bền vững",
    "kinh tế",
    "xã hội",
    "văn hóa",
    "con người",
    "đất nước",
    "nhân dân",
    "đảng viên",
    "cán bộ",
    "chi bộ",
    "đảng bộ",
    "cơ sở",
    "lãnh đạo",
    "quản lý",
    "điều hành",
    "thực hiện",
    "triển khai",
    "cụ thể hóa",
    "kế hoạch",
    "chương trình",
    "hành động",
    "trách nhiệm",
    "gương mẫu",
    "tiên phong",
    "đi đầu",
    "nêu gương",
    "đoàn kết",
    "thống nhất",
    "dân chủ",
    "kỷ luật",
    "kỷ cương",
    "liêm chính",
    "phòng chống",
    "tham nhũng",
    "lãng phí",
    "tiêu cực",
    "suy thoái",
    "tư tưởng",
    "chính trị",
    "đạo đức",
    "lối sống",
    "tự diễn biến",
    "tự chuyển hóa",
    "học tập",
    "quán triệt",
    "tuyên truyền",
    "vận động",
    "quần chúng",
    "đoàn thể",
    "mặt trận",
    "thanh niên",
    "phụ nữ",
    "cựu chiến binh",
    "nông dân",
    "công nhân",
    "doanh nghiệp",
    "hợp tác xã",
    "thôn",
    "tổ dân phố",
    "khu phố",
    "phường",
    "xã",
    "huyện",
    "tỉnh",
    "thành phố",
    "địa phương",
    "cơ quan",
    "đơn vị",
    "ngành",
    "lĩnh vực",
    "chuyển đổi số",
    "kinh tế số",
    "chính quyền số",
    "xã hội số",
    "dịch vụ công",
    "trực tuyến",
    "dữ liệu",
    "hạ tầng",
    "giao thông",
    "đô thị",
    "nông thôn mới",
    "môi trường",
    "khí hậu",
    "nguồn nước",
    "đất đai",
    "giáo dục",
    "đào tạo",
    "y tế",
    "chăm sóc",
    "sức khỏe",
    "an sinh",
    "việc làm",
    "thu nhập",
    "giảm nghèo",
    "an ninh",
    "quốc phòng",
    "trật tự",
    "an toàn",
    "biên giới",
    "hội nhập",
    "quốc tế",
    "đầu tư",
    "thu hút",
    "nguồn lực",
    "nhân lực",
    "chất lượng cao",
    "khoa học",
    "công nghệ",
    "đổi mới",
    "sáng tạo",
    "khởi nghiệp",
    "cải cách",
    "hành chính",
    "thủ tục",
    "minh bạch",
    "công khai",
    "hiệu lực",
    "hiệu quả",
    "năng lực",
    "sức chiến đấu",
    "uy tín",
    "niềm tin",
    "củng cố",
    "tăng cường",
    "nâng cao",
    "đẩy mạnh",
    "phát huy",
    "khắc phục",
    "hạn chế",
    "tồn tại",
    "yếu kém",
    "nguyên nhân",
    "khách quan",
    "chủ quan",
    "bài học",
    "kinh nghiệm",
    "thực tiễn",
    "lý luận",
    "chủ nghĩa Mác",
    "tư tưởng Hồ Chí Minh",
    "đường lối",
    "chủ trương",
    "chính sách",
    "pháp luật",
    "nhà nước",
    "pháp quyền",
    "xã hội chủ nghĩa",
    "độc lập",
    "tự chủ",
    "tự lực",
    "tự cường",
    "khát vọng",
    "phồn vinh",
    "hạnh phúc",
    "giàu mạnh",
    "văn minh",
    "bản thân",
    "gia đình",
    "cộng đồng",
    "khu dân cư",
    "sinh hoạt",
    "nơi cư trú",
    "công tác",
    "chuyên môn",
    "nghiệp vụ",
    "đánh giá",
    "xếp loại",
    "kiểm tra",
    "giám sát",
    "sơ kết",
    "tổng kết",
    "báo cáo",
    "đề xuất",
    "kiến nghị",
    "thường xuyên",
    "kịp thời",
    "đầy đủ",
    "nghiêm túc",
    "chặt chẽ",
    "đồng bộ",
    "toàn diện",
    "trọng tâm",
    "trọng điểm",
    "lâu dài",
    "trước mắt",
    "hằng năm",
    "giai đoạn",
    "nhiệm kỳ",
    "đến năm",
    "tầm nhìn",
    "định hướng",
    "tiếp tục",
    "quyết tâm",
    "nỗ lực",
    "phấn đấu",
    "hoàn thành",
    "vượt mức",
    "chỉ tiêu",
    "tăng trưởng",
    "cơ cấu",
    "chuyển dịch",
    "sản xuất",
    "kinh doanh",
    "thương mại",
    "du lịch",
    "dịch vụ",
    "nông nghiệp",
    "công nghiệp",
    "xây dựng",
    "quy hoạch",
    "tài nguyên",
    "khoáng sản",
    "di sản",
    "truyền thống",
    "bản sắc",
    "dân tộc",
    "tôn giáo",
    "tín ngưỡng",
    "đồng bào",
    "vùng sâu",
    "vùng xa",
    "khó khăn",
    "thuận lợi",
    "cơ hội",
    "thách thức",
    "nguy cơ",
    "tình hình",
    "thế giới",
    "khu vực",
    "trong nước",
    "của",
    "và",
    "là",
    "có",
    "được",
    "trong",
    "với",
    "cho",
    "để",
    "những",
    "các",
    "một",
    "này",
    "đã",
    "sẽ",
    "đang",
    "cần",
    "phải",
    "không",
    "từ",
    "theo",
    "về",
    "như",
    "khi",
    "nhằm",
    "thông qua",
    "bằng",
    "tại",
    "đối với",
    "bên cạnh",
    "đồng thời",
    "ngày càng",
    "hơn nữa",
    "rõ hơn",
    "tốt hơn",
    "mạnh mẽ",
    "tích cực",
    "chủ động",
    "sáng suốt",
    "đúng đắn",
]

STOCK = [
    "Qua nghiên cứu, học tập Nghị quyết, bản thân tôi nhận thức sâu sắc hơn về vị trí, "
    "vai trò của công tác này trong giai đoạn hiện nay.",
    "Nghị quyết có nhiều điểm mới, thể hiện tầm nhìn chiến lược và quyết tâm chính trị cao "
    "của cấp ủy.",
    "Là đảng viên, tôi luôn xác định rõ trách nhiệm của bản thân trong việc tổ chức thực hiện "
    "thắng lợi nghị quyết.",
    "Bản thân tôi nhận thấy cần phải tiếp tục rèn luyện, tu dưỡng đạo đức, lối sống theo "
    "tấm gương đạo đức Hồ Chí Minh.",
    "Tôi sẽ tích cực tuyên truyền, vận động gia đình và nhân dân nơi cư trú chấp hành tốt chủ "
    "trương của Đảng, chính sách, pháp luật của Nhà nước.",
    "Trong thời gian tới, tôi sẽ xây dựng kế hoạch cá nhân cụ thể, gắn với nhiệm vụ chuyên "
    "môn được giao.",
    "Việc học tập, quán triệt nghị quyết được chi bộ tổ chức nghiêm túc, đầy đủ, đúng kế hoạch.",
    "Nghị quyết đã chỉ rõ những hạn chế, yếu kém và nguyên nhân, đồng thời đề ra các nhóm "
    "giải pháp trọng tâm.",
    "Tôi nhận thức rằng đoàn kết thống nhất trong Đảng là nhân tố quyết định mọi thắng lợi.",
    "Bản thân cam kết không ngừng học tập nâng cao trình độ lý luận chính trị, chuyên môn, "
    "nghiệp vụ.",
    "Tôi luôn gương mẫu chấp hành các quy định của cơ quan và nơi cư trú.",
    "Những nội dung của nghị quyết vừa có tính chiến lược lâu dài, vừa có tính cấp bách trước mắt.",
    "Để nghị quyết thực sự đi vào cuộc sống, mỗi cán bộ, đảng viên cần phát huy tinh thần "
    "trách nhiệm, nêu gương.",
    "Tôi đề xuất chi bộ tăng cường kiểm tra, giám sát việc thực hiện nghị quyết của đảng viên.",
    "Qua đó, bản thân tôi càng thêm tin tưởng vào sự lãnh đạo sáng suốt của Đảng.",
    "Tôi sẽ tham gia tích cực các phong trào thi đua do địa phương, cơ quan phát động.",
    "Bản thân luôn giữ gìn phẩm chất chính trị, đạo đức, lối sống trong sạch, lành mạnh.",
    "Tôi nhận thấy chuyển đổi số là xu thế tất yếu, đòi hỏi mỗi đảng viên phải chủ động học "
    "hỏi, làm chủ công nghệ.",
    "Kết quả thực hiện nghị quyết sẽ là một tiêu chí đánh giá, xếp loại đảng viên cuối năm.",
    "Tôi xin hứa sẽ thực hiện tốt những nội dung đã đăng ký trong bản cam kết.",
    "Đây là nghị quyết có ý nghĩa quan trọng đối với sự phát triển của địa phương trong giai "
    "đoạn tới.",
    "Bản thân thấy rõ trách nhiệm phải đấu tranh với những biểu hiện tiêu cực, sai trái.",
    "Tôi sẽ tiếp tục giữ mối liên hệ chặt chẽ với nhân dân, lắng nghe ý kiến của quần chúng.",
    "Chi bộ cần cụ thể hóa nghị quyết thành chương trình hành động sát với thực tiễn.",
]

OPENERS = [
    "Bên cạnh đó,",
    "Đồng thời,",
    "Ngoài ra,",
    "Mặt khác,",
    "Trước hết,",
    "Thứ nhất,",
    "Thứ hai,",
    "Thứ ba,",
    "Cụ thể,",
    "Từ thực tiễn công tác,",
    "Theo tôi,",
    "Tại đơn vị,",
    "Với cương vị của mình,",
    "Trong thời gian tới,",
]

# Zipf-like weights over the vocabulary, in a fixed random order.
_ORDER = random.Random(0x5B).sample(VOCABULARY, len(VOCABULARY))
_WEIGHTS = [1 / (rank + 1) ** 0.8 for rank in range(len(_ORDER))]
_CUMULATIVE = []
_total = 0.0
for _w in _WEIGHTS:
    _total += _w
    _CUMULATIVE.append(_total)


def words_of(rng: random.Random, n: int) -> list[str]:
    return rng.choices(_ORDER, cum_weights=_CUMULATIVE, k=n)


def sentence(rng: random.Random) -> str:
    parts = words_of(rng, rng.randint(6, 14))  # compound words: 9-25 syllables
    if rng.random() < 0.3:
        parts.insert(0, rng.choice(OPENERS))
    text = " ".join(parts)
    text = text[0].upper() + text[1:]
    if rng.random() < 0.3:
        cut = text.find(" ", len(text) // 2)
        if cut > 0:
            text = text[:cut] + "," + text[cut:]
    return text + "."


def syllables(text: str) -> int:
    return len(text.split())


def paragraphs(rng: random.Random, target: int) -> list[str]:
    """Paragraphs of 3-6 sentences, one or two stock sentences among them, until about
    `target` syllables."""
    out: list[str] = []
    count = 0
    while count < target:
        chosen = [sentence(rng) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.5:
            chosen.insert(rng.randrange(len(chosen) + 1), rng.choice(STOCK))
        text = " ".join(chosen)
        out.append(text)
        count += syllables(text)
    return out


def essay(rng: random.Random, prompts: list[str]) -> list[str]:
    """Two sections of 400-900 syllables in all, each opening on its prompt as a report
    usually does (the prompts are boilerplate for the copy check)."""
    total = rng.randint(400, 900)
    first = round(total * rng.uniform(0.45, 0.65))
    sections = []
    for prompt, size in zip(prompts, (first, total - first), strict=True):
        opening = f"Về {prompt[0].lower()}{prompt[1:]}"
        sections.append("\n\n".join([opening, *paragraphs(rng, size)]))
    return sections


def fold(text: str) -> str:
    """Diacritics removed, as a report retyped on a keyboard without Vietnamese input."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def edit(rng: random.Random, sections: list[str], rate: float) -> list[str]:
    """A near-copy: about `rate` of the words replaced or dropped, sometimes two
    paragraphs swapped, sometimes the diacritics dropped."""
    out = []
    for text in sections:
        paras = text.split("\n\n")
        changed = []
        for para in paras:
            kept = []
            for word in para.split(" "):
                roll = rng.random()
                if roll < rate * 0.75:
                    kept.append(words_of(rng, 1)[0])
                elif roll < rate:
                    continue
                else:
                    kept.append(word)
            changed.append(" ".join(kept) or para)
        if len(changed) > 3 and rng.random() < 0.5:
            i, j = rng.sample(range(1, len(changed)), 2)
            changed[i], changed[j] = changed[j], changed[i]
        out.append("\n\n".join(changed))
    if rng.random() < 0.25:
        out = [fold(text) for text in out]
    return out


def partial(rng: random.Random, sections: list[str], prompts: list[str]) -> list[str]:
    """The first 70-85 % of each section of another report, then text of one's own."""
    own = essay(rng, prompts)
    out = []
    for theirs, mine in zip(sections, own, strict=True):
        paras = theirs.split("\n\n")
        take = max(2, round(len(paras) * rng.uniform(0.7, 0.85)))
        extra = mine.split("\n\n")[1:][: max(1, len(paras) - take)]
        out.append("\n\n".join(paras[:take] + extra))
    return out


# --- the plan ----------------------------------------------------------------------------


@dataclass
class Job:
    """One submission: one member, one Idempotency-Key, one body."""

    index: int
    member: int
    raw: str  # the member's API token
    kind: str  # original, copy, twin, partial, rewrite
    body: bytes
    key: str
    source: int | None = None  # the job copied, or the member's first version
    repeat: str = ""  # "", "retry" (again after the answer) or "dup" (twice at once)
    sections: list[str] = field(default_factory=list, repr=False)


@dataclass
class Send:
    job: Job
    kind: str  # first, retry, dup
    at: float = 0.0  # when it is due, seconds from the start
    status: int | str = 0
    receipt: int = 0  # the receipt's id, answered 202
    state: str = ""  # the receipt's state then: waiting, done or refused
    detail: str = ""
    busy: int = 0  # 503 answers before the 202
    resets: int = 0  # connections dropped by the server (a killed worker) and sent again
    sent: float = 0.0
    done: float = 0.0
    finished: threading.Event | None = field(default=None, repr=False)


def plan(
    members: list[tuple[int, str]], prompts: list[str], size: int, shares: dict, lag: int, seed: int
) -> list[Job]:
    """`size` submissions: each member's first version in random order, with near-copies
    of an earlier original (at least `lag` places back, so answered long before), twins
    (copies of the submission just before, in flight at the same moment), partial copies
    and second versions mixed in; some marked to be sent again."""
    rng = random.Random(seed)
    order = list(members)
    rng.shuffle(order)
    jobs: list[Job] = []
    originals: list[int] = []
    firsts: list[int] = []
    rewritten: set[int] = set()
    next_member = 0

    def body(sections: list[str]) -> bytes:
        return json.dumps({"sections": sections}, ensure_ascii=False).encode()

    while len(jobs) < size:
        i = len(jobs)
        roll = rng.random()
        kind = "original"
        edge = 0.0
        for name in ("copy", "twin", "partial", "rewrite"):
            edge += shares[name]
            if roll < edge:
                kind = name
                break
        reach = bisect.bisect_right(originals, i - lag)
        early = originals[max(0, reach - 400) : reach]
        if kind in ("copy", "partial") and not early:
            kind = "original"
        if kind == "twin" and not (jobs and jobs[-1].kind == "original"):
            kind = "original"
        first = None
        if kind == "rewrite":
            reach = bisect.bisect_right(firsts, i - lag)
            for _ in range(10 if reach else 0):
                pick = jobs[firsts[rng.randrange(reach)]]
                if pick.member not in rewritten:
                    first = pick
                    break
            if first is None:
                kind = "original"
        if first is not None:
            rewritten.add(first.member)
            member, raw = first.member, first.raw
            sections = edit(rng, first.sections, rng.uniform(0.15, 0.3))
            source = first.index
        else:
            if next_member >= len(order):
                break
            member, raw = order[next_member]
            next_member += 1
            if kind == "original":
                sections, source = essay(rng, prompts), None
            elif kind == "twin":
                source = i - 1
                sections = edit(rng, jobs[source].sections, rng.uniform(0.0, 0.04))
            elif kind == "copy":
                source = rng.choice(early)
                sections = edit(rng, jobs[source].sections, rng.uniform(0.0, 0.05))
            else:
                source = rng.choice(early)
                sections = partial(rng, jobs[source].sections, prompts)
        repeat = ""
        roll = rng.random()
        if roll < shares["retry"]:
            repeat = "retry"
        elif roll < shares["retry"] + shares["dup"]:
            repeat = "dup"
        job = Job(
            index=i,
            member=member,
            raw=raw,
            kind=kind,
            body=body(sections),
            key=f"bench-{seed}-{i}-{secrets.token_hex(6)}",
            source=source,
            repeat=repeat,
            sections=sections,
        )
        jobs.append(job)
        if kind == "original":
            originals.append(i)
        if kind != "rewrite":
            firsts.append(i)
    return jobs


# --- setup, in-process -------------------------------------------------------------------


@dataclass
class Setup:
    campaign_id: int
    document_id: int
    prompts: list[str]
    members: list[tuple[int, str]]  # (member id, raw API token)


def setup() -> Setup:
    """Logins and tokens for every active member, and a campaign of the root."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accounts.models import ApiToken, Scope, User
    from campaigns.services import campaign_create
    from documents.models import Document, Kind
    from documents.services import document_register
    from members.models import Member
    from organizations.models import Organization

    started = time.perf_counter()
    password = make_password("bench-only-password")  # one hash for all: PBKDF2 is slow
    active = Member.objects.active().order_by("pk")
    unlinked = list(active.filter(user__isnull=True).values_list("pk", flat=True))
    User.objects.bulk_create(
        [User(username=f"dv{pk}", password=password) for pk in unlinked], batch_size=5000
    )
    users = dict(
        User.objects.filter(username__startswith="dv", username__regex=r"^dv\d+$").values_list(
            "username", "pk"
        )
    )
    Member.objects.bulk_update(
        [Member(pk=pk, user_id=users[f"dv{pk}"]) for pk in unlinked], ["user"], batch_size=2000
    )
    members = []
    tokens = []
    expires = timezone.now() + dt.timedelta(days=30)
    for pk, user_id in active.values_list("pk", "user_id"):
        raw = "nq_" + secrets.token_urlsafe(32)
        members.append((pk, raw))
        tokens.append(
            ApiToken(
                user_id=user_id,
                name="bench",
                digest=ApiToken.hash(raw),
                scope=Scope.FULL,
                expires_at=expires,
            )
        )
    ApiToken.objects.bulk_create(tokens, batch_size=5000)
    say(f"  {len(unlinked):,} logins and {len(tokens):,} API tokens")

    root = Organization.objects.get_root_nodes().get()
    actor = User.objects.get(username="tuyengiao")
    resolution = document_register(
        actor,
        owner=root,
        symbol_raw="25-NQ/TU",
        kind=Kind.RESOLUTION,
        issuer_name=root.name,
        issued_on=dt.date(2025, 10, 1),
        term=20,
        title="Về tăng cường xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
    )
    campaign = campaign_create(
        actor,
        owner=root,
        documents=[resolution],
        title="Học tập, quán triệt Nghị quyết 25-NQ/TU",
        conference_deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    prompts = list(campaign.prompts)
    assert Document.objects.filter(campaigns=campaign).count() == 1
    say(
        f"  campaign {campaign.pk} of the root, {len(prompts)} prompts, "
        f"{len(members):,} members ({time.perf_counter() - started:.1f} s)"
    )
    connection.close()
    return Setup(campaign.pk, resolution.pk, prompts, members)


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def parse_server(spec: str) -> tuple[str, int, int]:
    """(worker class, workers, threads) from sync:N or gthread:WxT."""
    kind, _, size = spec.partition(":")
    if kind == "sync":
        return kind, int(size), 1
    if kind == "gthread":
        workers, _, threads = size.partition("x")
        return kind, int(workers), int(threads)
    raise SystemExit(f"unknown server {spec!r}: use sync:N or gthread:WxT")


class Server:
    """gunicorn in a subprocess; Django's 4xx warning lines are counted, a 500's traceback
    is kept (the first few) and counted, anything else is passed on to stderr."""

    def __init__(self, url: str, port: int, spec: str):
        kind, workers, threads = parse_server(spec)
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "nghiquyet.wsgi",
            f"--bind={HOST}:{port}",
            f"--worker-class={kind}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--keep-alive=30",
            "--backlog=2048",
            "--timeout=120",
            "--log-level=warning",
        ]
        say(f"== gunicorn {' '.join(command[2:])}")
        self.process = subprocess.Popen(
            command,
            env=server_env(url),
            cwd=REPO,
            stdout=sys.stderr,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.pid = self.process.pid
        self.log: Counter = Counter()
        self.tracebacks: list[str] = []
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        current: list[str] = []
        for line in self.process.stderr:
            if line.startswith(
                ("Conflict: ", "Unprocessable Entity: ", "Not Found: ", "Service Unavailable: ")
            ):
                self.log[line.split(":")[0]] += 1
                continue
            if line.startswith(("Internal Server Error: ", "Bad Request: ")):
                self.log[line.split(":")[0]] += 1
                if len(self.tracebacks) < 3:
                    current = [line]
                    self.tracebacks.append(line)
                continue
            if current and len(current) < 120:
                current.append(line)
                self.tracebacks[-1] = "".join(current)
                continue
            self.log["other lines"] += 1
            if self.log["other lines"] <= 50:
                sys.stderr.write(line)

    def poll(self):
        return self.process.poll()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=5)


def request(conn, method: str, path: str, body: bytes | None, headers: dict) -> tuple:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def wait_ready(port: int, setup_: Setup, server: Server, warmup: int) -> None:
    """Until gunicorn answers, then `warmup` threads of authenticated GETs over fresh
    connections, so that every worker has imported the project and opened its database
    connection before the clock starts."""
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            request(conn, "GET", "/accounts/login/", None, {})
            conn.close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start within 60 s") from None
            time.sleep(0.2)
    raw = setup_.members[0][1]

    def gets() -> None:
        for _ in range(3):
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            status, _answer = request(
                conn,
                "GET",
                f"/api/v1/documents/{setup_.document_id}",
                None,
                {"Authorization": f"Bearer {raw}"},
            )
            assert status == 200, status
            conn.close()

    threads = [threading.Thread(target=gets) for _ in range(warmup)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- the load ----------------------------------------------------------------------------


def schedule(jobs: list[Job], rate: float, retry_after: float, dup_ms: float) -> list[Send]:
    """Every job's first send at a uniform rate (open loop: nothing waits for an answer);
    a job marked `dup` sent again `dup_ms` later (both in flight together), one marked
    `retry` sent again `retry_after` seconds later (a phone that lost the answer)."""
    sends = []
    for i, job in enumerate(jobs):
        first = Send(job, "first", at=i / rate)
        sends.append(first)
        if job.repeat == "dup":
            sends.append(Send(job, "dup", at=first.at + dup_ms / 1000))
        elif job.repeat == "retry":
            sends.append(Send(job, "retry", at=first.at + retry_after))
    sends.sort(key=lambda s: s.at)
    return sends


MAX_BUSY = 20  # 503 answers a member puts up with before giving up
MAX_RESETS = 5  # connections lost (a killed worker) before giving up


def post(conn: http.client.HTTPConnection, path: str, send: Send) -> float:
    """Send once (again on a fresh connection when the server dropped it: the phone does
    not know whether it arrived, and the same key makes it count once); returns the
    seconds to wait before sending again after a 503, else 0."""
    headers = {
        "Authorization": f"Bearer {send.job.raw}",
        "Idempotency-Key": send.job.key,
        "Content-Type": "application/json; charset=utf-8",
    }
    while True:
        try:
            conn.request("POST", path, body=send.job.body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            send.status = response.status
            if send.status == 202:
                receipt = json.loads(answer)
                send.receipt, send.state = receipt["id"], receipt["state"]
            elif send.status == 503 and send.busy < MAX_BUSY:
                return float(response.getheader("Retry-After") or 1)
            else:
                try:
                    send.detail = str(json.loads(answer)["detail"])[:80]
                except (ValueError, KeyError, TypeError):
                    send.detail = answer.decode(errors="replace")[:80]
            return 0.0
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            send.resets += 1
            if send.resets > MAX_RESETS:
                send.status = "reset"
                return 0.0
        except OSError as error:
            conn.close()
            send.status = type(error).__name__
            return 0.0


def client(port: int, path: str, jobs: queue.Queue) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    while (send := jobs.get()) is not None:
        if not send.sent:
            send.sent = time.monotonic()
        wait = post(conn, path, send)
        if wait:  # the member presses submit again once told to; the connection serves others
            send.busy += 1
            threading.Timer(wait, jobs.put, args=(send,)).start()
            continue
        send.done = time.monotonic()
        send.finished.set()
    conn.close()


def drains_start(url: str, n: int) -> list[subprocess.Popen]:
    command = [sys.executable, str(REPO / "manage.py"), "drain_submissions", "--interval", "0.05"]
    return [
        subprocess.Popen(command, env=server_env(url), cwd=REPO, stdout=subprocess.DEVNULL)
        for _ in range(n)
    ]


def drains_stop(drains: list[subprocess.Popen]) -> None:
    for drain in drains:
        if drain.poll() is None:
            drain.send_signal(signal.SIGTERM)
    for drain in drains:
        try:
            drain.wait(timeout=60)
        except subprocess.TimeoutExpired:
            drain.kill()
            drain.wait()


def drained(url: str, timeout: float = 1200) -> float:
    """Wait until no submission waits in the inbox; returns when that was (monotonic)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            (waiting,) = conn.execute(
                "SELECT count(*) FROM reports_submissioninbox WHERE state = 'waiting'"
            ).fetchone()
            if not waiting:
                return time.monotonic()
            if time.monotonic() > deadline:
                raise SystemExit(f"{waiting:,} submissions still waiting after {timeout:g} s")
            time.sleep(0.2)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


class Watch:
    """Every 0.25 s: the backends of the bench database that are active and those waiting
    for a lock (pg_stat_activity), and the CPU used by each process (/proc), so that CPU can
    be put down to gunicorn, the drains, this database's postgres backends, other postgres
    work, this client and anything else on the machine, even for processes that ended
    meanwhile (a killed worker or drain, a backend after CONN_MAX_AGE)."""

    def __init__(self, url: str, server_pid: int, drain_pids: set[int]):
        self.url = url
        self.server_pid = server_pid
        self.drain_pids = drain_pids  # the caller adds a drain started again
        self.samples: list[tuple[int, int, int]] = []
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, str, float]] = {}
        self.ours: set[int] = set()  # backends of the bench database
        self.stop = threading.Event()
        self.scan(first=True)
        self.busy = machine_busy()
        self.wall = time.monotonic()

    def scan(self, first: bool = False) -> None:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue  # ended meanwhile
            pid = int(stat.parent.name)
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            seconds = (int(fields[11]) + int(fields[12])) / TICK
            if pid == os.getpid():
                kind = "client"
            elif self.server_pid in (pid, int(fields[1])):
                kind = "gunicorn"
            elif pid in self.drain_pids:
                kind = "drain"
            elif name == "postgres":
                kind = "postgres"
            else:
                kind = "other"
            if first:
                self.first[pid] = seconds
            self.last[pid] = (kind, name, seconds)

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.wait(0.25):
                rows = conn.execute(
                    "SELECT pid, state, wait_event_type FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
                self.ours.update(pid for pid, _state, _wait in rows)
                active = sum(1 for _pid, state, _wait in rows if state == "active")
                waiting = sum(1 for _pid, _state, wait in rows if wait == "Lock")
                (queued,) = conn.execute(
                    "SELECT count(*) FROM reports_submissioninbox WHERE state = 'waiting'"
                ).fetchone()
                self.samples.append((active, waiting, queued))
                self.scan()
        self.scan()

    def cpu(self) -> tuple[Counter, Counter, float, float]:
        """CPU seconds by kind of process since the start (postgres split into this
        database's backends and the rest), the busiest other processes, the machine's
        busy share and the wall time."""
        used: Counter = Counter()
        others: Counter = Counter()
        for pid, (kind, name, seconds) in self.last.items():
            spent = seconds - self.first.get(pid, 0.0)
            if kind == "postgres":
                kind = "postgres" if pid in self.ours else "postgres (other)"
            used[kind] += spent
            if kind in ("other", "postgres (other)") and spent > 0:
                others[name] += spent
        wall = time.monotonic() - self.wall
        busy = machine_busy() - self.busy
        used["kernel"] = max(0.0, busy - sum(used.values()))
        share = busy / (wall * (os.cpu_count() or 1))
        return used, others, share, wall


def idle_share(seconds: float) -> float:
    """The machine's busy share over `seconds` while this benchmark does nothing."""
    start_busy, start = machine_busy(), time.monotonic()
    time.sleep(seconds)
    return (machine_busy() - start_busy) / ((time.monotonic() - start) * (os.cpu_count() or 1))


def load(server: Server, drains: list, port: int, setup_: Setup, sends: list[Send], url, args):
    """Send every submission at its time; with `--kill`, half-way through one gunicorn
    worker and one drain are killed with SIGKILL (the drain is started again, as a
    supervisor would; gunicorn's master starts a new worker itself)."""
    path = f"/api/v1/campaigns/{setup_.campaign_id}/reports"
    jobs: queue.Queue = queue.Queue()
    workers = [
        threading.Thread(target=client, args=(port, path, jobs), daemon=True)
        for _ in range(args.connections)
    ]
    for worker in workers:
        worker.start()
    for send in sends:
        send.finished = threading.Event()
    watch = Watch(url, server.pid, {drain.pid for drain in drains})
    helpers = [threading.Thread(target=watch.run)]
    killed: dict = {}
    start = time.monotonic()
    if args.kill:

        def kill_midway() -> None:
            if watch.stop.wait(args.seconds / 2):
                return
            workers_ = children(server.pid)
            if workers_:
                os.kill(workers_[0], signal.SIGKILL)
                killed["gunicorn worker"] = workers_[0]
            victim = drains[0]
            victim.kill()
            victim.wait()
            killed["drain"] = victim.pid
            killed["at_s"] = round(time.monotonic() - start, 1)
            (again,) = drains_start(url, 1)
            watch.drain_pids.add(again.pid)
            drains[0] = again
            say(f"  !! killed {killed} with SIGKILL; a new drain runs")

        helpers.append(threading.Thread(target=kill_midway))
    for helper in helpers:
        helper.start()
    say(
        f"== load: {len(sends):,} requests over {args.seconds:g} s "
        f"({args.rate:g} submissions/s offered), {args.connections} client connections"
    )
    done = threading.Event()

    def progress() -> None:
        while not done.wait(10):
            now = time.monotonic() - start
            sent = sum(1 for s in sends if s.sent)
            answered = [s for s in sends if s.done]
            accepted = sum(1 for s in answered if s.status == 202)
            busy = sum(s.busy for s in sends)
            queued = watch.samples[-1][2] if watch.samples else 0
            say(
                f"  {now:5.0f} s: {sent:,} sent, {len(answered):,} answered "
                f"({accepted:,} × 202, {busy:,} × 503 so far), {sent - len(answered):,} "
                f"in flight, {queued:,} waiting in the inbox"
            )

    reporter = threading.Thread(target=progress)
    reporter.start()
    for send in sends:
        delay = start + send.at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        jobs.put(send)
    for send in sends:  # including those told to come back later
        send.finished.wait()
    for _ in workers:
        jobs.put(None)
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start
    emptied = drained(url) - start
    done.set()
    watch.stop.set()
    for helper in [*helpers, reporter]:
        helper.join()
    used, others, busy, wall = watch.cpu()
    for send in sends:
        send.sent -= start
        send.done -= start
    active = [a for a, _w, _q in watch.samples] or [0]
    waiting = [w for _a, w, _q in watch.samples] or [0]
    queued = [q for _a, _w, q in watch.samples] or [0]
    observed = {
        "elapsed_s": elapsed,
        "inbox_empty_at_s": emptied,
        "killed": killed,
        "machine_busy_share": busy,
        "cpu_s": {kind: round(value, 2) for kind, value in used.items()},
        "wall_s": wall,
        "busiest_other_processes": {n: round(s, 2) for n, s in others.most_common(5)},
        "client_send_lag_max_ms": max((s.sent - s.at) * 1000 for s in sends),
        "active_backends_mean": statistics.mean(active),
        "active_backends_max": max(active),
        "lock_waiting_backends_mean": statistics.mean(waiting),
        "lock_waiting_backends_max": max(waiting),
        "samples_with_a_lock_wait": sum(1 for w in waiting if w),
        "inbox_waiting_max": max(queued),
        "samples": len(watch.samples),
        "server_log": dict(server.log),
        "server_tracebacks": server.tracebacks,
    }
    return observed


# --- checking ----------------------------------------------------------------------------


def outcome(sends: list[Send]) -> dict:
    """Answers against expectations: every send of a job answered 202, all with the same
    receipt (a retry, a double tap, a send again after a dropped connection)."""
    by_job: dict[int, list[Send]] = defaultdict(list)
    for send in sends:
        by_job[send.job.index].append(send)
    unexpected: Counter = Counter()
    statuses: Counter = Counter(str(s.status) for s in sends)
    refusals = Counter(f"{s.status} {s.detail}" for s in sends if s.status != 202)
    same = {"retry": [0, 0], "dup": [0, 0]}
    for sends_of_job in by_job.values():
        receipts = {s.receipt for s in sends_of_job if s.status == 202}
        for send in sends_of_job:
            if send.status != 202:
                unexpected[f"{send.status} ({send.kind})"] += 1
            elif send.kind in same:
                same[send.kind][0] += 1
        if len(receipts) > 1:
            unexpected["two receipts for one key"] += 1
        for send in sends_of_job:
            if send.kind in same and send.status == 202 and len(receipts) == 1:
                same[send.kind][1] += 1
    return {
        "statuses": dict(statuses),
        "unexpected": dict(unexpected),
        "refusals": dict(refusals.most_common(5)),
        "same_receipt": {kind: f"{ok} of {n}" for kind, (n, ok) in same.items()},
    }


def inbox_counts(url: str, campaign_id: int) -> dict:
    """The inbox rows and the versions, as stored."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT id, key, state, repeated, version_id, outcome FROM reports_submissioninbox"
            " WHERE campaign_id = %s",
            [campaign_id],
        ).fetchall()
        versions = conn.execute(
            "SELECT v.id, v.idempotency_key, r.id FROM reports_version v"
            " JOIN reports_report r ON r.id = v.report_id WHERE r.campaign_id = %s",
            [campaign_id],
        ).fetchall()
    return {"rows": rows, "versions": versions}


def database_counts(url: str, campaign_id: int) -> dict:
    with psycopg.connect(url, autocommit=True) as conn:

        def one(query: str) -> int:
            return conn.execute(query, {"c": campaign_id}).fetchone()[0]

        keys = {
            key
            for (key,) in conn.execute(
                "SELECT v.idempotency_key FROM reports_version v"
                " JOIN reports_report r ON r.id = v.report_id WHERE r.campaign_id = %(c)s",
                {"c": campaign_id},
            )
        }
        return {
            "versions": one(
                "SELECT count(*) FROM reports_version v"
                " JOIN reports_report r ON r.id = v.report_id WHERE r.campaign_id = %(c)s"
            ),
            "version_keys": keys,
            "reports": one("SELECT count(*) FROM reports_report WHERE campaign_id = %(c)s"),
            "reports_submitted": one(
                "SELECT count(*) FROM reports_report"
                " WHERE campaign_id = %(c)s AND versions_count > 0"
            ),
            "second_versions": one(
                "SELECT count(*) FROM reports_report"
                " WHERE campaign_id = %(c)s AND versions_count > 1"
            ),
            "fingerprints": one(
                "SELECT count(*) FROM reports_fingerprint WHERE campaign_id = %(c)s"
            ),
            "band_keys": one("SELECT count(*) FROM reports_bandkey WHERE campaign_id = %(c)s"),
            "pairs": one("SELECT count(*) FROM reports_pair WHERE campaign_id = %(c)s"),
            "flagged_reports": one(
                "SELECT count(*) FROM reports_report WHERE campaign_id = %(c)s AND flagged"
            ),
            "tally_submitted": one(
                "SELECT coalesce(sum(submitted + encouraged), 0) FROM reports_reporttally"
                " WHERE campaign_id = %(c)s"
            ),
        }


def table_reads(url: str) -> dict:
    """How the load read the report tables: sequential scans and rows they read, index
    scans, and whether autovacuum analyzed them meanwhile."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0), n_live_tup,"
            " autoanalyze_count FROM pg_stat_user_tables WHERE relname LIKE 'reports_%'"
            " AND (seq_scan > 0 OR idx_scan > 0) ORDER BY relname"
        ).fetchall()
    return {
        name: {
            "seq_scans": seq,
            "seq_rows_read": read,
            "index_scans": idx,
            "live_rows": live,
            "autoanalyze": auto,
        }
        for name, seq, read, idx, live, auto in rows
    }


def pair_check(setup_: Setup, jobs: list[Job], report_of: dict[int, int]) -> dict:
    """The stored pairs against a recount from the stored fingerprints and marks (what
    `campaign_reindex` would find, computed read-only), and for the deliberate copies
    whether the pair with their source was stored, by kind."""
    import numpy as np

    from reports import copies, similarity
    from reports.models import BandKey, Boilerplate, Fingerprint, Pair

    campaign_id = setup_.campaign_id
    row = Boilerplate.objects.filter(campaign_id=campaign_id).values_list("shingles", flat=True)
    boilerplate = similarity.from_bytes(row.first()) if row.exists() else np.empty(0, np.uint32)
    own = {}
    for report_id, data in Fingerprint.objects.filter(campaign_id=campaign_id).values_list(
        "report_id", "shingles"
    ):
        raw = similarity.from_bytes(data)
        mine = raw[~np.isin(raw, boilerplate, assume_unique=True)] if len(boilerplate) else raw
        if len(mine) >= similarity.MIN_SHINGLES:
            own[report_id] = mine
    # Candidates as the engine proposes them: pairs sharing at least MIN_SHARED winnowed
    # marks, each held by at most CROWDED_MARK reports.
    buckets: dict[int, list[int]] = defaultdict(list)
    for key, report_id in BandKey.objects.filter(campaign_id=campaign_id).values_list(
        "key", "report_id"
    ):
        buckets[key].append(report_id)
    shared: Counter = Counter()
    for members in buckets.values():
        if 2 <= len(members) <= similarity.CROWDED_MARK:
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    shared[(min(a, b), max(a, b))] += 1
    candidates = {pair for pair, n in shared.items() if n >= similarity.MIN_SHARED}
    expected = {}
    for a, b in candidates:
        if a in own and b in own:
            found = similarity.overlap(own[a], own[b])
            if copies._keep(found):
                expected[(a, b)] = found
    stored = {
        (a, b): (jaccard, containment)
        for a, b, jaccard, containment in Pair.objects.filter(campaign_id=campaign_id).values_list(
            "a_id", "b_id", "jaccard", "containment"
        )
    }
    missing = set(expected) - set(stored)
    extra = set(stored) - set(expected)

    by_kind: dict[str, Counter] = defaultdict(Counter)
    for job in jobs:
        if job.kind not in ("copy", "twin", "partial"):
            continue
        a, b = report_of.get(job.source), report_of.get(job.index)
        if a is None or b is None:
            continue  # not sent, or not answered
        tally = by_kind[job.kind]
        tally["submitted"] += 1
        if a not in own or b not in own:
            tally["too short"] += 1
            continue
        found = similarity.overlap(own[a], own[b])
        key = (min(a, b), max(a, b))
        tally["flagged overlap"] += found.flagged
        if copies._keep(found):
            tally["should be kept"] += 1
            tally["stored"] += key in stored
            tally["candidates by marks"] += key in candidates
    crowded = sum(1 for members in buckets.values() if len(members) > similarity.CROWDED_MARK)
    sizes = [len(m) for m in buckets.values()]
    return {
        "fingerprints_compared": len(own),
        "marks_shared": sum(1 for s in sizes if s > 1),
        "largest_bucket": max(sizes, default=0),
        "crowded_keys": crowded,
        "candidate_pairs": len(candidates),
        "recount_pairs": len(expected),
        "recount_flagged": sum(1 for o in expected.values() if o.flagged),
        "stored_pairs": len(stored),
        "missing_pairs": len(missing),
        "extra_pairs": len(extra),
        "deliberate_copies": {kind: dict(tally) for kind, tally in sorted(by_kind.items())},
    }


def one_submission(setup_: Setup, rng: random.Random) -> dict:
    """Three more submissions through the API, in-process at full table size and inside a
    transaction that is rolled back; of the third (the first two warm the process up) its
    SQL statements, each SELECT timed by EXPLAIN ANALYZE, and the plan of the slowest."""
    import re

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.models import Report

    done = set(
        Report.objects.filter(campaign_id=setup_.campaign_id).values_list("member_id", flat=True)
    )
    fresh = [(m, r) for m, r in setup_.members if m not in done][:3]
    path = f"/api/v1/campaigns/{setup_.campaign_id}/reports"

    class Rollback(Exception):
        pass

    result: dict = {}
    try:
        with transaction.atomic():
            for member, raw in fresh:
                client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {raw}")
                body = json.dumps({"sections": essay(rng, setup_.prompts)}, ensure_ascii=False)
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    cpu = time.process_time()
                    response = client.post(
                        path,
                        body,
                        content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=f"explain-{member}",
                    )
                    result["ms"] = (time.perf_counter() - started) * 1000
                    result["cpu_ms"] = (time.process_time() - cpu) * 1000
                assert response.status_code == 202, response.content
            queries = captured.captured_queries
            result["statements"] = len(queries)
            plans = {}
            with connection.cursor() as cursor:
                for i, query in enumerate(queries):
                    if query["sql"].startswith("SELECT"):
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                        plans[i] = [line for (line,) in cursor.fetchall()]
            ms = {
                i: float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
                for i, plan in plans.items()
            }
            result["selects"] = len(plans)
            scanned: Counter = Counter()
            for plan in plans.values():
                for line in plan:
                    if found := re.search(r"Seq Scan on (\w+)", line):
                        scanned[found.group(1)] += 1
            result["seq_scans_in_plans"] = dict(scanned)
            result["selects_ms"] = sum(ms.values())
            order = sorted(ms, key=ms.get, reverse=True)
            result["slowest"] = [
                {"ms": ms[i], "plan": plans[i][0][:100], "sql": queries[i]["sql"][:200]}
                for i in order[:5]
            ]
            if order:
                result["slowest_plan"] = plans[order[0]]
            raise Rollback
    except Rollback:
        pass
    return result


def tally_corrections(campaign_id: int) -> dict:
    from campaigns.models import Campaign
    from reports.services import report_tally_rebuild

    return report_tally_rebuild(Campaign.objects.get(pk=campaign_id))


# --- main --------------------------------------------------------------------------------


def git_state() -> dict:
    def run(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    import hashlib

    code = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted((REPO / "reports").glob("*.py"))
        if path.name in ("api.py", "copies.py", "services.py", "similarity.py")
    }
    return {
        "commit": run("rev-parse", "--short", "HEAD"),
        "dirty": bool(run("status", "-s")),
        "reports_code_sha256": code,
    }


def main() -> None:
    global REDIS_URL  # server_env reads it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 members, 20 s")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the load")
    parser.add_argument("--rate", type=float, default=300.0, help="submissions offered per s")
    parser.add_argument("--connections", type=int, default=64, help="client connections")
    parser.add_argument("--server", default="gthread:2x4", help="sync:N or gthread:WxT")
    parser.add_argument("--drains", type=int, default=1, help="drain_submissions processes")
    parser.add_argument(
        "--kill", action="store_true", help="kill -9 a gunicorn worker and a drain mid-run"
    )
    parser.add_argument("--copy-share", type=float, default=0.03, help="near-copies")
    parser.add_argument("--twin-share", type=float, default=0.01, help="copies of one in flight")
    parser.add_argument("--partial-share", type=float, default=0.01, help="partial copies")
    parser.add_argument("--rewrite-share", type=float, default=0.01, help="second versions")
    parser.add_argument("--retry-share", type=float, default=0.01, help="sent again later")
    parser.add_argument("--dup-share", type=float, default=0.005, help="sent twice at once")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="where to CREATE DATABASE")
    parser.add_argument("--database", default=DB_NAME, help="name of the database to (re)create")
    parser.add_argument("--output", default=str(OUTPUT), help="where to write the JSON")
    parser.add_argument("--redis-url", default=REDIS_URL, help="the cache's Redis database")
    args = parser.parse_args()
    REDIS_URL = args.redis_url  # flushed first: no queue estimates left from an earlier run
    if args.quick:
        args.members, args.seconds = 2_000, 20.0
    command = " ".join([".venv/bin/python", "bench/submissions.py", *sys.argv[1:]])

    url = database_url(args.admin_url, args.database)
    os.environ.update(server_env(url))
    sys.path.insert(0, str(REPO))
    import django
    import redis

    django.setup()

    load_before = os.getloadavg()
    before = idle_share(5.0)
    say(
        f"== machine busy before the run: {before:.0%} of {os.cpu_count()} cores, load average "
        + " ".join(f"{n:.2f}" for n in load_before)
    )
    say(f"== creating database {args.database}")
    recreate(args.admin_url, args.database)
    redis.Redis.from_url(REDIS_URL).flushdb()  # no queue estimates left from an earlier run
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            autovacuum = conn.execute("SHOW autovacuum").fetchone()[0]
            say(f"  autovacuum is {autovacuum} on this server")
        manage(url, "migrate", "--noinput", "-v", "0")
        say(f"== seed_demo --members {args.members} --seed {args.seed}")
        manage(
            url, "seed_demo", "--members", str(args.members), "--seed", str(args.seed), "--reset"
        )
        say("== logins, tokens, campaign")
        prepared = setup()
        shares = {
            "copy": args.copy_share,
            "twin": args.twin_share,
            "partial": args.partial_share,
            "rewrite": args.rewrite_share,
            "retry": args.retry_share,
            "dup": args.dup_share,
        }
        size = round(args.rate * args.seconds)
        started = time.perf_counter()
        # Copies take an original sent at least two seconds before.
        jobs = plan(
            prepared.members, prepared.prompts, size, shares, round(2 * args.rate), args.seed
        )
        if len(jobs) < size:
            say(f"  !! {len(jobs):,} submissions only: more --members are needed for {size:,}")
        lengths = [sum(syllables(s) for s in job.sections) for job in jobs]
        say(
            f"  planned {len(jobs):,} submissions in {time.perf_counter() - started:.1f} s: "
            f"{dict(Counter(job.kind for job in jobs))}, syllables "
            f"{min(lengths)}-{max(lengths)} (median {statistics.median(lengths):.0f}), "
            f"body median {statistics.median(len(j.body) for j in jobs) / 1024:.1f} KiB"
        )
        sends = schedule(jobs, args.rate, retry_after=2.0, dup_ms=30.0)
        analyze(url)

        port = free_port()
        server = Server(url, port, args.server)
        say(f"== {args.drains} × manage.py drain_submissions")
        drains = drains_start(url, args.drains)
        try:
            wait_ready(port, prepared, server, warmup=args.connections)
            observed = load(server, drains, port, prepared, sends, url, args)
        finally:
            server.stop()
            drains_stop(drains)
        load_after = os.getloadavg()

        checked = outcome(sends)
        stored = inbox_counts(url, prepared.campaign_id)
        counted = database_counts(url, prepared.campaign_id)
        reads = table_reads(url)
        report_of_key = {key: report for _pk, key, report in stored["versions"]}
        version_of = {pk: report for pk, _key, report in stored["versions"]}
        row_report = {
            key: version_of.get(version) for _pk, key, _s, _r, version, _o in stored["rows"]
        }
        report_of = {
            job.index: row_report.get(job.key) or report_of_key.get(job.key) for job in jobs
        }
        say("== checking the pairs")
        pairs = pair_check(prepared, jobs, {i: r for i, r in report_of.items() if r})
        explained = one_submission(prepared, random.Random(args.seed + 7))
        corrections = tally_corrections(prepared.campaign_id)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            say(f"== kept {url}")
        else:
            drop(args.admin_url, args.database)

    accepted = [s for s in sends if s.status == 202]
    acknowledged = {s.receipt for s in accepted}
    rows = stored["rows"]
    stored_ids = {pk for pk, *_rest in rows}
    done_new = [
        key for _pk, key, state, repeated, _v, _o in rows if state == "done" and not repeated
    ]
    refused = Counter(outcome_ for _pk, _k, state, _r, _v, outcome_ in rows if state == "refused")
    version_keys = [key for _pk, key, _report in stored["versions"]]
    lost = len(acknowledged - stored_ids)
    unacknowledged = len(stored_ids - acknowledged)
    duplicated = len(version_keys) - len(set(version_keys))
    without_version = len(set(done_new) - set(version_keys))
    elapsed = observed["elapsed_s"]
    emptied = observed["inbox_empty_at_s"]
    firsts = [s for s in accepted if s.kind == "first"]
    last = max((s.done for s in accepted), default=elapsed)
    rate = len(firsts) / max(args.seconds, last)
    applied = len(rows) / max(args.seconds, emptied)
    # Time to the 202 from the scheduled send (waits after a 503 included).
    latencies = sorted((s.done - s.at) * 1000 for s in accepted) or [0.0]
    problems = []
    if lost:
        problems.append(f"{lost} acknowledged receipts are not in the database")
    if unacknowledged:
        problems.append(f"{unacknowledged} stored submissions were never acknowledged")
    if duplicated:
        problems.append(f"{duplicated} versions share a key with another")
    if without_version:
        problems.append(f"{without_version} rows done without their version")
    if refused:
        problems.append(f"refused after acceptance: {dict(refused)}")
    if checked["unexpected"]:
        problems.append(f"unexpected answers {checked['unexpected']}")
    if observed["server_log"].get("Internal Server Error"):
        problems.append(f"{observed['server_log']['Internal Server Error']} answers 500")
    if any(corrections.values()):
        problems.append(f"report counters needed corrections {corrections}")
    failed = bool(problems)

    cpu = observed["cpu_s"]
    cores = os.cpu_count() or 1
    wall = observed["wall_s"]
    foreign = cpu.get("other", 0.0) + cpu.get("postgres (other)", 0.0)
    busy_by_others = foreign / wall
    per = max(1, len(rows))
    cpu_ms = {
        kind: round(cpu.get(kind, 0.0) * 1000 / per, 1)
        for kind in ("gunicorn", "drain", "postgres", "client", "postgres (other)", "other")
    }
    cpu_ms["kernel"] = round(cpu.get("kernel", 0.0) * 1000 / per, 1)
    say(
        f"  elapsed {elapsed:.1f} s, inbox empty at {emptied:.1f} s, statuses {checked['statuses']}"
    )
    say(f"  CPU ms per submission: {cpu_ms}")
    say(
        f"  machine busy {observed['machine_busy_share']:.0%} of {cores} cores during the load; "
        f"other processes {busy_by_others:.2f} cores ({observed['busiest_other_processes']}); "
        f"before the run {before:.0%}; load average before "
        + " ".join(f"{n:.2f}" for n in load_before)
        + ", after "
        + " ".join(f"{n:.2f}" for n in load_after)
    )
    say(
        f"  backends active mean/max {observed['active_backends_mean']:.1f}/"
        f"{observed['active_backends_max']}, waiting for a lock mean/max "
        f"{observed['lock_waiting_backends_mean']:.2f}/{observed['lock_waiting_backends_max']}"
        f"; inbox waiting max {observed['inbox_waiting_max']:,}"
    )
    say(f"  server log: {observed['server_log'] or 'nothing'}")
    for text in observed["server_tracebacks"]:
        say("  first lines of a 500:\n" + text[:2000])
    say(f"  refusals: {checked['refusals'] or 'none'}; same receipt {checked['same_receipt']}")
    say(
        f"  acknowledged {len(acknowledged):,}, stored {len(rows):,} (done {len(done_new):,} new"
        f" versions, refused {sum(refused.values())}), versions {len(version_keys):,}"
    )
    say(f"  database { ({k: v for k, v in counted.items() if k != 'version_keys'}) }")
    say(f"  pairs {pairs}")
    say(f"  report tables read: {reads}")
    say(
        f"  one more submission in-process (quiet queue, drained in the request): "
        f"{explained.get('ms', 0):.0f} ms, {explained.get('cpu_ms', 0):.0f} ms CPU, "
        f"{explained.get('statements')} statements, {explained.get('selects')} SELECTs taking "
        f"{explained.get('selects_ms', 0):.1f} ms"
    )
    for slow in explained.get("slowest", []):
        say(f"    {slow['ms']:.3f} ms: {slow['plan']} | {slow['sql'][:90]}")
    say(f"  report counters rebuilt: {corrections}")
    for problem in problems:
        say(f"  !! {problem}")

    result = {
        "benchmark": "submissions through the inbox",
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "git": git_state(),
        "cores": cores,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "config": {**vars(args), "shares": shares, "autovacuum": autovacuum},
        "results": {
            "requests": len(sends),
            "accepted_per_s": rate,
            "applied_per_s": applied,
            "latency_ms_202": {
                "p50": percentile(latencies, 0.50),
                "p95": percentile(latencies, 0.95),
                "p99": percentile(latencies, 0.99),
                "max": latencies[-1],
            },
            "answers_503": sum(s.busy for s in sends),
            "connection_resets": sum(s.resets for s in sends),
            "acknowledged": len(acknowledged),
            "stored": len(rows),
            "lost": lost,
            "unacknowledged": unacknowledged,
            "duplicated_versions": duplicated,
            "refused_after_acceptance": dict(refused),
            "cpu_ms_per_submission": cpu_ms,
            **checked,
        },
        "database": {k: v for k, v in counted.items() if k != "version_keys"},
        "pairs": pairs,
        "report_counter_corrections": corrections,
        "observed": observed,
        "machine_busy_before_share": before,
        "other_processes_cores": busy_by_others,
        "table_reads": reads,
        "one_submission_in_process": explained,
        "problems": problems,
        "ok": not failed,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    say(f"== wrote {output}")

    print(
        "| server | drains | kill | offered/s | accepted/s | applied/s | p50 ms | p95 ms | p99 ms "
        "| 503 | unexpected | acknowledged | stored | refused after | lost | doubled "
        "| counter fixes | CPU ms/submission gunicorn · drain · postgres |"
    )
    print("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|---|---|")
    errors = "; ".join(f"{k}: {v}" for k, v in checked["unexpected"].items()) or "none"
    lat = result["results"]["latency_ms_202"]
    print(
        f"| {args.server} | {args.drains} | {'yes' if args.kill else 'no'} | {args.rate:g} "
        f"| {rate:.1f} | {applied:.1f} | {lat['p50']:.0f} | {lat['p95']:.0f} | {lat['p99']:.0f} "
        f"| {result['results']['answers_503']} | {errors} | {len(acknowledged):,} | {len(rows):,} "
        f"| {sum(refused.values())} | {lost} | {duplicated} | {corrections} "
        f"| {cpu_ms['gunicorn']} · {cpu_ms['drain']} · {cpu_ms['postgres']} |"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
