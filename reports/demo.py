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

OPENINGS = [
    "Qua nghiên cứu, học tập nghị quyết, bản thân tôi nhận thức sâu sắc",
    "Sau khi được quán triệt các chuyên đề tại hội nghị, tôi nhận thấy",
    "Nghị quyết đã chỉ rõ những thuận lợi, khó khăn và nhiệm vụ trọng tâm;",
]
IDEAS = [
    "chuyển đổi số phải bắt đầu từ nhận thức của mỗi cán bộ, đảng viên",
    "cần gắn việc thực hiện nghị quyết với nhiệm vụ chính trị của chi bộ",
    "phải nêu cao tinh thần gương mẫu, nói đi đôi với làm",
    "công tác dân vận cần sát dân, hiểu dân, lắng nghe ý kiến nhân dân",
    "xây dựng chi bộ trong sạch, vững mạnh là nhiệm vụ thường xuyên",
    "đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân",
    "tích cực học tập nâng cao trình độ, ứng dụng công nghệ vào công việc",
    "tham gia đầy đủ sinh hoạt chi bộ, đóng góp ý kiến xây dựng",
    "vận động gia đình và khu dân cư chấp hành tốt chủ trương của Đảng",
    "bảo vệ môi trường, giữ gìn cảnh quan khu phố xanh, sạch, đẹp",
]
SAMPLE = (
    "Nghị quyết là sự cụ thể hóa đường lối của Đảng phù hợp với tình hình thực tiễn của "
    "địa phương, thể hiện quyết tâm chính trị cao của toàn Đảng bộ. Bản thân tôi xác định "
    "phải không ngừng học tập, rèn luyện, nâng cao bản lĩnh chính trị, phẩm chất đạo đức, "
    "lối sống; gương mẫu thực hiện và vận động gia đình, quần chúng nhân dân cùng thực hiện "
    "tốt các chủ trương của Đảng, chính sách, pháp luật của Nhà nước ở khu dân cư."
)


def _essay(rng: random.Random) -> str:
    ideas = rng.sample(IDEAS, k=6)
    return f"{rng.choice(OPENINGS)} rằng {ideas[0]}. " + " ".join(
        f"Thứ {i}, {idea}." for i, idea in enumerate(ideas[1:], start=2)
    )


def demo_reports(campaign: Campaign, seed: int = 1) -> int:
    """Submit reports for most attendees; returns how many were submitted."""
    rng = random.Random(f"{seed}:reports")
    secretary = User.objects.filter(username="bithu").first()
    if secretary is None:
        return 0
    marks = (
        Attendance.objects.filter(campaign=campaign, status__in=ATTENDED)
        .select_related("member", "member__organization")
        .order_by("pk")
    )
    submitted = 0
    for mark in marks:
        roll = rng.random()
        if roll < 0.25:
            continue  # not written yet: the dashboard shows them as missing
        copied = roll > 0.96
        sections = [SAMPLE if copied else _essay(rng), _essay(rng)]
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
