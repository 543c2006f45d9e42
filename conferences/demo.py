"""Demo data for the study cycle: a resolution, a city campaign on it, and one ward's
online conference with bridge points, most of its members already marked, so that every
page has something to show after `make run`."""

import datetime as dt
import hashlib
import io
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from campaigns.services import campaign_create
from conferences import services
from conferences.models import Format, Status
from documents.extraction import DOCX
from documents.models import Attachment, Document, Kind
from documents.services import document_register
from documents.tasks import FOLDER, attachment_extract
from members.models import Member
from nghiquyet.uploads import store_private
from organizations.models import Organization

REASONS = ["Ốm đau", "Đi công tác", "Việc gia đình", "Đi học tập trung"]
# The demo resolution's text, attached as a DOCX so members can read it on their page.
RESOLUTION_TEXT = [
    "NGHỊ QUYẾT",
    "về đẩy mạnh chuyển đổi số trong hệ thống chính trị (văn bản mẫu của dữ liệu demo)",
    "I. TÌNH HÌNH",
    "Những năm qua, công tác chuyển đổi số trong các cơ quan đảng, chính quyền, Mặt trận "
    "Tổ quốc và các đoàn thể của thành phố đạt nhiều kết quả; hạ tầng số từng bước được "
    "đầu tư; nhiều thủ tục hành chính được thực hiện trực tuyến. Tuy nhiên, nhận thức của "
    "một bộ phận cán bộ, đảng viên chưa đầy đủ; dữ liệu còn phân tán, chưa kết nối.",
    "II. QUAN ĐIỂM, MỤC TIÊU",
    "1. Chuyển đổi số là nhiệm vụ chính trị trọng tâm, thường xuyên, lâu dài; người đứng "
    "đầu cấp ủy trực tiếp lãnh đạo, chỉ đạo và chịu trách nhiệm.",
    "2. Đến năm 2030, 100% tổ chức cơ sở đảng quản lý đảng viên, tài liệu sinh hoạt chi bộ "
    "trên môi trường số; 90% hồ sơ công việc được xử lý trên môi trường mạng.",
    "III. NHIỆM VỤ, GIẢI PHÁP",
    "1. Nâng cao nhận thức, trách nhiệm của cấp ủy, cán bộ, đảng viên; mỗi đảng viên gương "
    "mẫu sử dụng các nền tảng số trong học tập, sinh hoạt và công tác.",
    "2. Hoàn thiện hạ tầng, cơ sở dữ liệu dùng chung; bảo đảm an toàn, an ninh thông tin.",
    "3. Đào tạo, bồi dưỡng kỹ năng số cho cán bộ, đảng viên, nhất là ở chi bộ khu dân cư.",
    "IV. TỔ CHỨC THỰC HIỆN",
    "Các cấp ủy tổ chức học tập, quán triệt, xây dựng chương trình hành động thực hiện "
    "nghị quyết; định kỳ sơ kết, tổng kết, báo cáo Ban Thường vụ Thành ủy.",
]
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


def _secretary(user) -> str:
    """The ward secretary's own name: the conference they chair is the one the ward's
    reports upward, signed by them, describe."""
    member = Member.objects.filter(user=user).first() if user else None
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
    if not resolution.attachments.exists():
        _attach_text(resolution, office)
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
        chair=_secretary(host) or _first_member(ward),
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


def _attach_text(document: Document, uploader) -> Attachment:
    """A DOCX of the resolution, its text extracted as an upload's would be."""
    import docx

    paper = docx.Document()
    for paragraph in RESOLUTION_TEXT:
        paper.add_paragraph(paragraph)
    out = io.BytesIO()
    paper.save(out)
    data = out.getvalue()
    attachment = Attachment.objects.create(
        document=document,
        original_name="23-NQ-TU.docx",
        content_type=DOCX,
        size=len(data),
        stored_path=store_private([data], FOLDER, "docx"),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploader,
    )
    attachment_extract.call(attachment.pk)
    return attachment
