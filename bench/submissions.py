"""Learning-report submissions through gunicorn, with the copy check in every request.

A fresh database (nghiquyet_bench_submissions) gets the demo tree (seed_demo), a login and
an API token for every member, and a campaign of the root with the two default prompts.
Then gunicorn serves the project and `--clients` closed-loop clients (stdlib threads,
keep-alive http.client connections) post reports to /api/v1/campaigns/<id>/reports with
`Authorization: Bearer <token>` and a fresh `Idempotency-Key`, for `--seconds` or until
`--count` submissions have been sent. Reports are synthetic Vietnamese of 400-900 words in
two sections; a few percent are near-copies of an earlier report (of one answered long
ago, or of the one sent just before, still in flight), a few are partial copies and a few
are a member's second version. Some submissions are sent again with the same key after
their answer (must answer 200, `repeated`), and some twice at once (one 201, one 200).

Afterwards the database is counted: versions must equal the 201 answers (the same keys),
reports the members answered, the report counters must need no correction, and the
stored pairs are compared with a recount from the stored fingerprints and band keys.
Exits 1 if a version is lost or extra or a repeated submission was counted twice.
Progress goes to stderr, the Markdown table to stdout, everything to
var/bench/submissions.json.
Usage: .venv/bin/python bench/submissions.py [--quick] [--members 20000] [--seconds 90]
       [--count N] [--clients 32] [--server gthread:2x4] [--keep]
"""

import argparse
import bisect
import http.client
import json
import os
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
from collections import Counter, defaultdict, deque
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


def server_env(url: str) -> dict[str, str]:
    """Production-like settings, shared by manage.py, gunicorn and the in-process setup."""
    return {
        **os.environ,
        **PRODUCTION_LIKE,
        "DATABASE_URL": url,
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
    status: int | str = 0
    answer: dict | None = None
    detail: str = ""
    sent: float = 0.0
    done: float = 0.0


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

    from accounts.models import ApiToken, User
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
    for pk, user_id in active.values_list("pk", "user_id"):
        raw = "nq_" + secrets.token_urlsafe(32)
        members.append((pk, raw))
        tokens.append(ApiToken(user_id=user_id, name="bench", digest=ApiToken.hash(raw)))
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
            if line.startswith(("Conflict: ", "Unprocessable Entity: ", "Not Found: ")):
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


class Dispenser:
    """Hands out sends in plan order: the twin of a job marked `dup` right after it, so
    that the two are in flight together; a job marked `retry` again once it was answered
    2xx; nothing new once the time is up (retries still waiting are sent afterwards)."""

    def __init__(self, jobs: list[Job], deadline: float | None):
        self.jobs = jobs
        self.deadline = deadline
        self.lock = threading.Lock()
        self.at = 0
        self.urgent: deque[Send] = deque()
        self.retries: deque[Send] = deque()
        self.sends: list[Send] = []
        self.ran_out = False

    def next(self) -> Send | None:
        with self.lock:
            if self.urgent:
                send = self.urgent.popleft()
            elif self.deadline is not None and time.monotonic() >= self.deadline:
                return None
            elif self.retries:
                send = self.retries.popleft()
            elif self.at >= len(self.jobs):
                self.ran_out = self.deadline is not None
                return None
            else:
                job = self.jobs[self.at]
                self.at += 1
                send = Send(job, "first")
                if job.repeat == "dup":
                    self.urgent.append(Send(job, "dup"))
            self.sends.append(send)
            return send

    def answered(self, send: Send) -> None:
        if send.kind == "first" and send.job.repeat == "retry" and send.status in (200, 201):
            with self.lock:
                self.retries.append(Send(send.job, "retry"))

    def leftover(self) -> list[Send]:
        with self.lock:
            waiting = list(self.urgent) + list(self.retries)
            self.urgent.clear()
            self.retries.clear()
            self.sends.extend(waiting)
            return waiting


def post(conn: http.client.HTTPConnection, path: str, send: Send, reconnects: Counter):
    headers = {
        "Authorization": f"Bearer {send.job.raw}",
        "Idempotency-Key": send.job.key,
        "Content-Type": "application/json; charset=utf-8",
    }
    send.sent = time.monotonic()
    for attempt in range(2):
        try:
            status, answer = request(conn, "POST", path, send.job.body, headers)
            send.status = status
            if status in (200, 201):
                send.answer = json.loads(answer)
            else:
                try:
                    send.detail = str(json.loads(answer)["detail"])[:80]
                except (ValueError, KeyError, TypeError):
                    send.detail = answer.decode(errors="replace")[:80]
            break
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # A kept-alive connection the server had closed: sent once more, and counted.
            conn.close()
            if attempt:
                send.status = "reset"
            else:
                reconnects["reconnect"] += 1
        except OSError as error:
            conn.close()
            send.status = type(error).__name__
            break
    send.done = time.monotonic()


def client(port: int, path: str, dispenser: Dispenser, reconnects: Counter) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    while (send := dispenser.next()) is not None:
        post(conn, path, send, reconnects)
        dispenser.answered(send)
    conn.close()


class Watch:
    """Every 0.25 s: the backends of the bench database that are active and those waiting
    for a lock (pg_stat_activity), and the CPU used by each process (/proc), so that CPU can
    be put down to gunicorn, this database's postgres backends, other postgres work, this
    client and anything else on the machine."""

    def __init__(self, url: str, server_pid: int):
        self.url = url
        self.server_pid = server_pid
        self.samples: list[tuple[int, int]] = []
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
                self.samples.append((active, waiting))
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


def load(server: Server, port: int, setup_: Setup, jobs: list[Job], url: str, args):
    path = f"/api/v1/campaigns/{setup_.campaign_id}/reports"
    deadline = None if args.count else time.monotonic() + args.seconds
    dispenser = Dispenser(jobs, deadline)
    reconnects: Counter = Counter()
    watch = Watch(url, server.pid)
    helpers = [threading.Thread(target=watch.run)]
    analyzed: list[float] = []
    if args.analyze_every:

        def analyze_now_and_then() -> None:
            """What autovacuum would do (it may be off on the bench server): new statistics
            for the tables the load fills, so that plans follow their growth."""
            with psycopg.connect(url, autocommit=True) as conn:
                while not watch.stop.wait(args.analyze_every):
                    conn.execute("ANALYZE")
                    analyzed.append(time.monotonic())

        helpers.append(threading.Thread(target=analyze_now_and_then))
    for helper in helpers:
        helper.start()
    say(
        f"== load: {args.clients} clients, "
        + (f"{len(jobs):,} submissions" if args.count else f"{args.seconds:g} s")
    )
    start = time.monotonic()
    if deadline is not None:
        dispenser.deadline = start + args.seconds
    workers = [
        threading.Thread(target=client, args=(port, path, dispenser, reconnects), daemon=True)
        for _ in range(args.clients)
    ]
    for worker in workers:
        worker.start()
    done = threading.Event()

    def progress() -> None:
        while not done.wait(10):
            with dispenser.lock:
                sends = list(dispenser.sends)
            answered = [s for s in sends if s.done]
            created = sum(1 for s in answered if s.status == 201)
            recent = [s.done - s.sent for s in answered[-200:]]
            say(
                f"  {time.monotonic() - start:5.0f} s: {len(sends):,} sent, "
                f"{created:,} × 201, median of the last 200 "
                f"{statistics.median(recent) * 1000 if recent else 0:.0f} ms"
            )

    reporter = threading.Thread(target=progress)
    reporter.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start
    late = dispenser.leftover()
    if late:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        for send in late:
            post(conn, path, send, reconnects)
        conn.close()
    done.set()
    watch.stop.set()
    for helper in [*helpers, reporter]:
        helper.join()
    used, others, busy, wall = watch.cpu()
    active = [a for a, _ in watch.samples] or [0]
    waiting = [w for _, w in watch.samples] or [0]
    observed = {
        "elapsed_s": elapsed,
        "sent_after_the_clock": len(late),
        "plan_exhausted": dispenser.ran_out,
        "machine_busy_share": busy,
        "cpu_s": {kind: round(value, 2) for kind, value in used.items()},
        "wall_s": wall,
        "busiest_other_processes": {n: round(s, 2) for n, s in others.most_common(5)},
        "client_reconnects": reconnects["reconnect"],
        "analyze_runs": len(analyzed),
        "active_backends_mean": statistics.mean(active),
        "active_backends_max": max(active),
        "lock_waiting_backends_mean": statistics.mean(waiting),
        "lock_waiting_backends_max": max(waiting),
        "samples_with_a_lock_wait": sum(1 for w in waiting if w),
        "samples": len(watch.samples),
        "server_log": dict(server.log),
        "server_tracebacks": server.tracebacks,
    }
    return dispenser.sends, observed


# --- checking ----------------------------------------------------------------------------


def outcome(sends: list[Send]) -> dict:
    """Answers against expectations: a first send 201 and not repeated; a retry 200,
    repeated, with the first receipt; of a dup pair one 201 and one 200 with one receipt."""
    by_job: dict[int, list[Send]] = defaultdict(list)
    for send in sends:
        by_job[send.job.index].append(send)
    unexpected: Counter = Counter()
    statuses: Counter = Counter(str(s.status) for s in sends)
    refusals = Counter(f"{s.status} {s.detail}" for s in sends if s.status not in (200, 201))
    created_keys = set()
    retries = {"sent": 0, "repeated": 0, "same_receipt": 0}
    dups = {"sent": 0, "one_201_one_200": 0, "same_receipt": 0, "overlapped": 0}

    def receipt(send: Send):
        answer = send.answer or {}
        return answer.get("report_id"), answer.get("version")

    for sends_of_job in by_job.values():
        first = next(s for s in sends_of_job if s.kind == "first")
        others = [s for s in sends_of_job if s.kind != "first"]
        for send in sends_of_job:
            if send.status == 201:
                created_keys.add(send.job.key)
        if not others:
            if first.status != 201 or (first.answer or {}).get("repeated"):
                unexpected[f"{first.status} (single)"] += 1
            continue
        other = others[0]
        if other.kind == "retry":
            retries["sent"] += 1
            repeated = other.status == 200 and (other.answer or {}).get("repeated") is True
            retries["repeated"] += repeated
            retries["same_receipt"] += repeated and receipt(other) == receipt(first)
            if first.status != 201 or not repeated:
                unexpected[f"{first.status}+{other.status} (retry)"] += 1
        else:
            dups["sent"] += 1
            pair = sorted(map(str, (first.status, other.status)))
            good = pair == ["200", "201"]
            dups["one_201_one_200"] += good
            dups["same_receipt"] += good and receipt(first) == receipt(other)
            dups["overlapped"] += other.sent < first.done
            if not good:
                unexpected[f"{'+'.join(pair)} (dup)"] += 1
    return {
        "statuses": dict(statuses),
        "unexpected": dict(unexpected),
        "refusals": dict(refusals.most_common(5)),
        "created_keys": created_keys,
        "retries": retries,
        "dups": dups,
    }


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


def pair_check(setup_: Setup, jobs: list[Job], sends: list[Send]) -> dict:
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

    report_of = {}
    for send in sends:
        if send.status in (200, 201) and send.answer:
            report_of[send.job.index] = send.answer["report_id"]
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
                assert response.status_code == 201, response.content
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 members, 16 clients, 20 s")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=90.0, help="length of the load")
    parser.add_argument("--count", type=int, default=0, help="send N submissions instead")
    parser.add_argument("--clients", type=int, default=32, help="concurrent client connections")
    parser.add_argument("--server", default="gthread:2x4", help="sync:N or gthread:WxT")
    parser.add_argument("--copy-share", type=float, default=0.03, help="near-copies")
    parser.add_argument("--twin-share", type=float, default=0.01, help="copies of one in flight")
    parser.add_argument("--partial-share", type=float, default=0.01, help="partial copies")
    parser.add_argument("--rewrite-share", type=float, default=0.01, help="second versions")
    parser.add_argument("--retry-share", type=float, default=0.01, help="sent again later")
    parser.add_argument("--dup-share", type=float, default=0.005, help="sent twice at once")
    parser.add_argument(
        "--analyze-every",
        type=float,
        default=0,
        help="run ANALYZE every N seconds during the load, as autovacuum would (0: never)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="where to CREATE DATABASE")
    parser.add_argument("--output", default=str(OUTPUT), help="where to write the JSON")
    args = parser.parse_args()
    if args.quick:
        args.members, args.seconds, args.clients = 2_000, 20.0, 16
    command = " ".join([".venv/bin/python", "bench/submissions.py", *sys.argv[1:]])

    url = database_url(args.admin_url, DB_NAME)
    os.environ.update(server_env(url))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()

    before = idle_share(5.0)
    say(f"== machine busy before the run: {before:.0%} of {os.cpu_count()} cores")
    say(f"== creating database {DB_NAME}")
    recreate(args.admin_url, DB_NAME)
    failed = False
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
        size = args.count or len(prepared.members)
        started = time.perf_counter()
        jobs = plan(prepared.members, prepared.prompts, size, shares, 4 * args.clients, args.seed)
        lengths = [sum(syllables(s) for s in job.sections) for job in jobs]
        say(
            f"  planned {len(jobs):,} submissions in {time.perf_counter() - started:.1f} s: "
            f"{dict(Counter(job.kind for job in jobs))}, syllables "
            f"{min(lengths)}-{max(lengths)} (median {statistics.median(lengths):.0f}), "
            f"body median {statistics.median(len(j.body) for j in jobs) / 1024:.1f} KiB"
        )
        analyze(url)

        port = free_port()
        server = Server(url, port, args.server)
        try:
            wait_ready(port, prepared, server, warmup=args.clients)
            sends, observed = load(server, port, prepared, jobs, url, args)
        finally:
            server.stop()

        checked = outcome(sends)
        counted = database_counts(url, prepared.campaign_id)
        reads = table_reads(url)
        say("== checking the pairs")
        pairs = pair_check(prepared, jobs, sends)
        explained = one_submission(prepared, random.Random(args.seed + 7))
        corrections = tally_corrections(prepared.campaign_id)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            say(f"== kept {url}")
        else:
            drop(args.admin_url, DB_NAME)

    created = [s for s in sends if s.status == 201]
    acked = [s for s in sends if s.status in (200, 201)]
    repeated = [s for s in sends if s.status == 200]
    elapsed = observed["elapsed_s"]
    rate = len(created) / elapsed
    latencies = sorted((s.done - s.sent) * 1000 for s in created)
    repeat_latencies = sorted((s.done - s.sent) * 1000 for s in repeated) or [0.0]
    created_keys = checked.pop("created_keys")
    version_keys = counted.pop("version_keys")
    members_created = len({s.job.member for s in created})
    lost = len(created_keys - version_keys)
    phantom = len(version_keys - created_keys)
    extra_versions = counted["versions"] - len(created)
    problems = []
    if lost:
        problems.append(f"{lost} versions answered 201 are not in the database")
    if phantom:
        problems.append(f"{phantom} versions in the database were never answered 201")
    if extra_versions:
        problems.append(f"versions {counted['versions']:,} ≠ 201 answers {len(created):,}")
    if counted["reports_submitted"] != members_created:
        problems.append(
            f"submitted reports {counted['reports_submitted']:,} ≠ members answered 201 "
            f"{members_created:,}"
        )
    if checked["unexpected"]:
        problems.append(f"unexpected answers {checked['unexpected']}")
    if any(corrections.values()):
        problems.append(f"report counters needed corrections {corrections}")
    failed = bool(lost or phantom or extra_versions or checked["unexpected"])

    cpu = observed["cpu_s"]
    ours = sum(cpu.get(k, 0.0) for k in ("gunicorn", "postgres", "client"))
    foreign = cpu.get("other", 0.0) + cpu.get("postgres (other)", 0.0)
    wall = observed["wall_s"]
    cores = os.cpu_count() or 1
    busy_by_others = foreign / wall
    machine_was_busy = busy_by_others > 0.15 or before > 0.10
    for key in (
        "elapsed_s",
        "machine_busy_share",
        "active_backends_mean",
        "lock_waiting_backends_mean",
    ):
        observed[key] = round(observed[key], 3)
    say(f"  elapsed {elapsed:.1f} s, {len(sends):,} requests, statuses {checked['statuses']}")
    say(
        "  CPU ms per 201: "
        + ", ".join(
            f"{kind} {cpu.get(kind, 0.0) * 1000 / max(1, len(created)):.1f}"
            for kind in ("gunicorn", "postgres", "client", "postgres (other)", "other", "kernel")
        )
    )
    say(
        f"  machine busy {observed['machine_busy_share']:.0%} of {cores} cores during the load; "
        f"other processes {busy_by_others:.2f} cores ({observed['busiest_other_processes']}); "
        f"before the run {before:.0%}"
    )
    say(
        f"  backends active mean/max {observed['active_backends_mean']:.1f}/"
        f"{observed['active_backends_max']}, waiting for a lock mean/max "
        f"{observed['lock_waiting_backends_mean']:.2f}/{observed['lock_waiting_backends_max']}"
        f" ({observed['samples_with_a_lock_wait']} of {observed['samples']} samples)"
    )
    say(f"  server log: {observed['server_log'] or 'nothing'}")
    for text in observed["server_tracebacks"]:
        say("  first lines of a 500:\n" + text[:2000])
    say(f"  refusals: {checked['refusals'] or 'none'}")
    say(f"  retries {checked['retries']}, dups {checked['dups']}")
    say(f"  database {counted}")
    say(f"  pairs {pairs}")
    say(f"  report tables read: {reads}")
    say(
        f"  one more submission in-process: {explained.get('ms', 0):.0f} ms, "
        f"{explained.get('cpu_ms', 0):.0f} ms CPU, {explained.get('statements')} statements, "
        f"{explained.get('selects')} SELECTs taking {explained.get('selects_ms', 0):.1f} ms"
    )
    say(f"    sequential scans in those plans: {explained.get('seq_scans_in_plans') or 'none'}")
    for slow in explained.get("slowest", []):
        say(f"    {slow['ms']:.3f} ms: {slow['plan']} | {slow['sql'][:90]}")
    for line in explained.get("slowest_plan", [])[:12]:
        say(f"    | {line[:160]}")
    say(f"  report counters rebuilt: {corrections}")
    for problem in problems:
        say(f"  !! {problem}")
    if observed["plan_exhausted"]:
        say("  !! the plan ran out before the time was up")

    result = {
        "benchmark": "submissions",
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "git": git_state(),
        "cores": cores,
        "config": {
            "members": args.members,
            "seconds": None if args.count else args.seconds,
            "count": args.count or None,
            "clients": args.clients,
            "server": args.server,
            "seed": args.seed,
            "shares": shares,
            "autovacuum": autovacuum,
            "analyze_every_s": args.analyze_every or None,
            "planned": len(jobs),
            "planned_kinds": dict(Counter(job.kind for job in jobs)),
            "syllables_median": statistics.median(lengths),
        },
        "results": {
            "requests": len(sends),
            "acknowledged_2xx": len(acked),
            "created_201": len(created),
            "repeated_200": len(repeated),
            "first_sends_201": sum(1 for s in created if s.kind == "first"),
            "acks_per_s": len(acked) / elapsed,
            "created_per_s": rate,
            "latency_ms_201": {
                "p50": percentile(latencies, 0.50) if latencies else None,
                "p95": percentile(latencies, 0.95) if latencies else None,
                "p99": percentile(latencies, 0.99) if latencies else None,
                "max": latencies[-1] if latencies else None,
            },
            "latency_ms_200_repeated": {
                "p50": percentile(repeat_latencies, 0.50),
                "max": repeat_latencies[-1],
            },
            **checked,
        },
        "database": {
            **counted,
            "members_answered_201": members_created,
            "versions_answered_201_missing": lost,
            "versions_never_answered_201": phantom,
        },
        "pairs": pairs,
        "report_counter_corrections": corrections,
        "observed": observed,
        "machine": {
            "busy_before_share": round(before, 3),
            "busy_during_share": observed["machine_busy_share"],
            "other_processes_cores": round(busy_by_others, 3),
            "ours_cpu_s": round(ours, 1),
            "busy_by_others": machine_was_busy,
        },
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
        "| server | members | clients | seconds | 201 | 200 repeated | 2xx/s | p50 ms | p95 ms "
        "| p99 ms | errors | versions | reports | pairs | machine busy by others |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|---|")
    errors = "; ".join(f"{k}: {v}" for k, v in checked["unexpected"].items()) or "none"
    lat = result["results"]["latency_ms_201"]
    print(
        f"| {args.server} | {args.members:,} | {args.clients} | {elapsed:.0f} | {len(created):,} "
        f"| {len(repeated)} | {len(acked) / elapsed:.1f} | {lat['p50']:.0f} | {lat['p95']:.0f} "
        f"| {lat['p99']:.0f} | {errors} | {counted['versions']:,} "
        f"| {counted['reports_submitted']:,} | {counted['pairs']:,} "
        f"| {'yes' if machine_was_busy else 'no'} ({busy_by_others:.2f} cores) |"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
