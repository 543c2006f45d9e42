"""Demo data for the study cycle: a resolution, a city campaign on it, and one ward's
online conference with bridge points, most of its members already marked, so that every
page has something to show after `make run`."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from campaigns.services import campaign_create
from conferences import services
from conferences.models import Format, Status
from documents.models import Document, Kind
from documents.services import document_register
from members.models import Member
from organizations.models import Organization

REASONS = ["Ốm đau", "Đi công tác", "Việc gia đình", "Đi học tập trung"]
TOPICS = [
    (
        "Những nội dung cơ bản, điểm mới của Nghị quyết",
        "Đồng chí Nguyễn Thị Thanh Hương, Phó Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
    ),
    ("Chương trình hành động thực hiện Nghị quyết", "Đồng chí Bí thư Đảng ủy phường"),
]


def _first_member(unit: Organization) -> str:
    """A name to stand for the unit's secretary in the demo."""
    member = Member.objects.filter(organization__path__startswith=unit.path).order_by("pk").first()
    return member.full_name if member else ""


@transaction.atomic
def demo_campaign(root: Organization, ward: Organization, seed: int = 1) -> Campaign:
    rng = random.Random(f"{seed}:attendance")
    now = timezone.now()
    office = User.objects.filter(username="vanphong").first()
    officer = User.objects.filter(username="tuyengiao").first()
    host = User.objects.filter(username="bithu").first()
    resolution = Document.objects.filter(owner=root, symbol_raw="23-NQ/TU").first()
    if resolution is None:
        resolution = document_register(
            office,
            owner=root,
            symbol_raw="23-NQ/TU",
            kind=Kind.RESOLUTION,
            issuer_name=root.name,
            issued_on=timezone.localdate() - dt.timedelta(days=40),
            term=20,
            title="Về đẩy mạnh chuyển đổi số trong hệ thống chính trị",
        )
    campaign = campaign_create(
        officer,
        owner=root,
        documents=[resolution],
        title="Học tập, quán triệt Nghị quyết 23-NQ/TU",
        conference_deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    conference = services.conference_create(
        host,
        campaign,
        organizer=ward,
        title=f"Hội nghị học tập Nghị quyết 23-NQ/TU — {ward.name}",
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(hours=1),
        format=Format.ONLINE,
        venue=f"Hội trường {ward.name}",
        chair=_first_member(ward),
        chair_title="Bí thư Đảng ủy phường",
        agenda="Khai mạc\nQuán triệt các chuyên đề\nThảo luận\nBế mạc",
        topics=TOPICS,
    )
    cells = list(Organization.objects.get_children(ward).open_now().order_by("path"))
    for cell in cells[1:4]:
        services.bridge_point_add(
            host,
            conference,
            name=f"Điểm cầu {cell.name}",
            host=cell,
            units=[cell],
            chair=_first_member(cell),
            chair_title="Bí thư Chi bộ",
            address=f"Nhà văn hóa {cell.name}",
        )
    for point in conference.bridge_points.all():
        members = list(services.roster(point).select_related("organization").order_by("pk"))
        for member in members:
            roll = rng.random()
            if roll < 0.08:
                continue  # left for the host to tick in the demo
            if roll < 0.86:
                services.attendance_mark(host, point, member, Status.PRESENT)
            elif roll < 0.90:
                services.attendance_mark(host, point, member, Status.LEFT_EARLY)
            elif roll < 0.97:
                reason = rng.choice(REASONS)
                services.attendance_mark(host, point, member, Status.ABSENT_EXCUSED, reason=reason)
            else:
                services.attendance_mark(host, point, member, Status.ABSENT_UNEXCUSED)
        services.guests_set(host, point, rng.randint(0, 6))
    return campaign
