"""Texts and helpers for the learning-report tests."""

import random

from reports import services, similarity

SYLLABLES = [
    "đảng",
    "viên",
    "nghị",
    "quyết",
    "học",
    "tập",
    "quán",
    "triệt",
    "thực",
    "hiện",
    "trách",
    "nhiệm",
    "bản",
    "thân",
    "cơ",
    "quan",
    "đơn",
    "vị",
    "địa",
    "phương",
    "phát",
    "triển",
    "kinh",
    "tế",
    "xã",
    "hội",
    "xây",
    "dựng",
    "chỉnh",
    "đốn",
    "nâng",
    "cao",
    "năng",
    "lực",
    "lãnh",
    "đạo",
    "sức",
    "chiến",
    "đấu",
    "tổ",
    "chức",
    "cơ",
    "sở",
    "chuyển",
    "đổi",
    "số",
    "nhân",
    "dân",
    "đoàn",
    "kết",
    "kỷ",
    "luật",
    "gương",
    "mẫu",
    "phong",
    "trào",
    "thi",
    "đua",
    "lao",
    "động",
    "sản",
    "xuất",
    "môi",
    "trường",
    "văn",
    "hóa",
    "giáo",
    "dục",
    "y",
    "tế",
    "an",
    "ninh",
    "quốc",
    "phòng",
    "cải",
    "cách",
    "hành",
    "chính",
    "minh",
    "bạch",
    "hiệu",
    "quả",
    "đổi",
    "mới",
    "sáng",
    "tạo",
    "khoa",
    "học",
    "công",
    "nghệ",
    "nông",
    "thôn",
    "đô",
    "thị",
    "hạ",
    "tầng",
]


def essay(seed: int, words: int = 240) -> str:
    """A deterministic Vietnamese-like text; different seeds share almost no shingles."""
    rng = random.Random(seed)
    sentences, sentence = [], []
    for _ in range(words):
        sentence.append(rng.choice(SYLLABLES))
        if len(sentence) >= rng.randint(9, 16):
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    if sentence:
        sentences.append(" ".join(sentence).capitalize() + ".")
    return " ".join(sentences)


def submit(world, campaign, member, sections=None, *, key=None, actor=None):
    sections = sections or [essay(member.pk * 7 + 1), essay(member.pk * 7 + 2)]
    return services.report_submit(
        actor or member.user or world.secretary,
        campaign,
        member,
        sections,
        key=key or f"k-{member.pk}-{len(sections[0])}",
    )


FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Quốc"]
GIVEN = ["Minh", "Hùng", "Lan", "Hoa", "Dũng", "Hà", "Sơn", "Thảo", "Tuấn", "Ngọc", "Quang"]


def crowd(unit, count: int, first_card: int = 500_000) -> list:
    """`count` more official members of `unit`, each with a different name."""
    from conftest import add_member

    return [
        add_member(
            unit,
            f"{FAMILIES[i % 8]} {MIDDLES[i // 8 % 5]} {GIVEN[i % 11]}",
            str(first_card + i),
        )
        for i in range(count)
    ]


def copy_families(world, campaign, count: int = 10) -> None:
    """`count` reports of `world.cell`: three families of copies (a section, a pasted
    sample, a text retyped without diacritics) and unrelated ones."""
    from reports.models import Pair

    for number, member in enumerate(crowd(world.cell, count)):
        family = number % 4
        shared = essay(900 + family, 220) if family < 3 else essay(950 + number, 220)
        if family == 2 and number > 3:
            shared = similarity.fold_aligned(shared)
        submit(world, campaign, member, [shared, essay(1000 + number, 160)], actor=world.admin)
    assert Pair.objects.filter(campaign=campaign).count() >= 3


def index_state(campaign) -> dict:
    """Everything a rebuild writes for the campaign, comparable between two runs."""
    from reports.models import BandKey, Pair, Report

    return {
        "pairs": set(
            Pair.objects.filter(campaign=campaign).values_list(
                "a_id", "b_id", "jaccard", "containment", "shared"
            )
        ),
        "marks": set(
            BandKey.objects.filter(campaign_id=campaign.pk).values_list("key", "report_id")
        ),
        "flagged": set(Report.objects.filter(flagged=True).values_list("pk", "similarity")),
    }
