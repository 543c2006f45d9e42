"""Learning reports for the demo campaign: most attendees of the ward have written, a
few copied one circulated sample, and some are already rated or returned."""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from conferences.models import ATTENDED, Attendance
from reports import services
from reports.models import Decision

# A small grammar: five slots with many fillers each, so two members' sentences rarely
# share five words in a row, as in real reports written by different people.
SUBJECTS = [
    "Bản thân tôi",
    "Tôi",
    "Là đảng viên, tôi",
    "Chi bộ chúng tôi",
    "Mỗi đảng viên chúng ta",
]
MODALS = ["cần", "phải", "sẽ", "luôn", "quyết tâm", "nhận thức rõ việc", "cam kết"]
ACTIONS = [
    "gương mẫu thực hiện",
    "tích cực tuyên truyền",
    "chủ động đề xuất",
    "kiên trì vận động",
    "thường xuyên học tập",
    "nghiêm túc quán triệt",
    "đi đầu trong",
    "góp phần đẩy mạnh",
    "phối hợp tổ chức",
    "theo dõi, đôn đốc",
    "nêu cao trách nhiệm về",
    "kiên quyết đấu tranh với",
]
OBJECTS = [
    "chuyển đổi số ở khu dân cư",
    "cải cách hành chính",
    "công tác dân vận",
    "việc giữ gìn vệ sinh môi trường",
    "phong trào thi đua yêu nước",
    "xây dựng chi bộ trong sạch, vững mạnh",
    "các chương trình an sinh xã hội",
    "việc ứng dụng công nghệ thông tin",
    "công tác phòng, chống tham nhũng, tiêu cực",
    "phát triển kinh tế hộ gia đình",
    "bảo đảm an ninh trật tự",
    "xây dựng nông thôn mới",
    "chăm lo thế hệ trẻ",
    "đoàn kết trong nhân dân",
    "phòng chống thiên tai",
    "khuyến học, khuyến tài",
]
PLACES = [
    "tại cơ quan",
    "ở tổ dân phố",
    "trong gia đình",
    "tại nơi cư trú",
    "ở chi bộ",
    "trong đơn vị",
    "tại khu phố",
    "ở thôn",
    "trong công việc hằng ngày",
    "ở địa bàn được phân công",
]
TIMES = [
    "trong năm nay",
    "ngay từ quý này",
    "thường xuyên",
    "trong nhiệm kỳ",
    "từ nay đến cuối năm",
    "trong thời gian tới",
    "hằng tháng",
    "một cách lâu dài",
]
SAMPLE = (
    "Nghị quyết là sự cụ thể hóa đường lối của Đảng phù hợp với tình hình thực tiễn của "
    "địa phương, thể hiện quyết tâm chính trị cao của toàn Đảng bộ. Bản thân tôi xác định "
    "phải không ngừng học tập, rèn luyện, nâng cao bản lĩnh chính trị, phẩm chất đạo đức, "
    "lối sống; gương mẫu thực hiện và vận động gia đình, quần chúng nhân dân cùng thực hiện "
    "tốt các chủ trương của Đảng, chính sách, pháp luật của Nhà nước ở khu dân cư."
)


SAMPLE_DUTY = (
    "Về trách nhiệm của bản thân, tôi xác định tiếp tục giữ gìn phẩm chất đạo đức cách "
    "mạng, chấp hành nghiêm Điều lệ Đảng, tham gia đầy đủ các buổi sinh hoạt chi bộ, thực "
    "hiện tốt nhiệm vụ được giao và tích cực tham gia các phong trào thi đua ở khu dân cư."
)


def _essay(rng: random.Random, sentences: int = 8) -> str:
    return " ".join(
        f"{rng.choice(SUBJECTS)} {rng.choice(MODALS)} {rng.choice(ACTIONS)} "
        f"{rng.choice(OBJECTS)} {rng.choice(PLACES)} {rng.choice(TIMES)}."
        for _ in range(sentences)
    )


def demo_reports(campaign: Campaign, seed: int = 1) -> int:
    """Submit reports for most attendees; returns how many were submitted."""
    rng = random.Random(f"{seed}:reports")
    secretary = User.objects.filter(username="bithu").first()
    if secretary is None:
        return 0
    marks = list(
        Attendance.objects.filter(campaign=campaign, status__in=ATTENDED)
        .select_related("member", "member__organization")
        .order_by("pk")
    )
    rolls = [rng.random() for _ in marks]
    writers = [i for i, roll in enumerate(rolls) if roll >= 0.25]
    copiers = [i for i in writers if rolls[i] > 0.96]
    if len(copiers) < 2:
        # However small the demo, two members handed in the circulated sample, so the
        # copies page and the comparison have a pair to show.
        copiers = sorted(set(copiers) | set(writers[-2:]))
    submitted = 0
    for i in writers:
        mark, roll = marks[i], rolls[i]
        sections = _copied(copiers.index(i)) if i in copiers else [_essay(rng), _essay(rng)]
        receipt = services.report_submit(
            secretary, campaign, mark.member, sections, key=f"demo-{mark.member_id}"
        )
        submitted += 1
        if roll < 0.55:
            services.review(secretary, receipt.report, Decision.RATE, rating="Đạt")
        elif roll < 0.58:
            services.review(
                secretary,
                receipt.report,
                Decision.RETURN,
                comment="Cần liên hệ cụ thể với nhiệm vụ của chi bộ.",
                new_due=timezone.localdate() + dt.timedelta(days=7),
            )
    return submitted


def _copied(nth: int) -> list[str]:
    """The sample as the nth copier handed it in: from the second on, a word or two
    changed, as copiers do."""
    if nth == 0:
        return [SAMPLE, SAMPLE_DUTY]
    return [
        SAMPLE.replace("Bản thân tôi", "Tôi"),
        SAMPLE_DUTY.replace("ở khu dân cư", f"ở tổ dân phố số {nth}"),
    ]
