"""News for the demo: the city's and the ward's items about the demo campaign, written and
published through the editors' own services, so that the portal has a homepage, a city
site showing the ward's item, featured news and categories after `make run`.

Every figure an item states comes from the roll-up and is worded by the clauses the
reports use (`reporting.figures`); the ward's item is the draft written from its
conference record, as an editor would start from it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User
from campaigns.models import Campaign
from conferences.rollup import campaign_rollup
from documents.citations import cite
from news import services
from news.models import Article, Category
from organizations.models import Organization
from reporting.figures import attendance_clause, cells_held_clause
from vn.formats import format_date

STUDY = "hoc-tap-quan-triet-nghi-quyet"
GRASSROOTS = "hoat-dong-co-so"
NEW_DOCUMENTS = "van-ban-moi"
# The categories every site starts with (made by a migration); made again if missing, as
# in a test database emptied between tests.
CATEGORIES = {
    STUDY: "Học tập, quán triệt nghị quyết",
    GRASSROOTS: "Hoạt động cơ sở",
    NEW_DOCUMENTS: "Văn bản mới",
}


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _publish(editor, article: Article, categories: list[str], at: dt.datetime, author: str):
    for position, slug in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name": CATEGORIES[slug], "position": position}
        )
    services.article_update(
        editor,
        article,
        title=article.title,
        lead=article.lead,
        body=article.body,
        author=author,
        categories=list(Category.objects.filter(slug__in=categories)),
    )
    return services.article_publish(editor, article, at=at)


@translation.override("vi")
@transaction.atomic
def demo_news(campaign: Campaign, ward: Organization) -> list[Article]:
    """Publish four items: the city's resolution, the campaign's launch, the ward's
    conference (featured on the city's site and promoted to it) and the city's first
    results. Returns them, oldest first."""
    city = campaign.owner
    editor = User.objects.get(username="tuyengiao")
    ward_editor = User.objects.get(username="bithu")
    resolution = campaign.documents.order_by("issued_on", "pk").first()
    conference = campaign.conferences.filter(organizer=ward).order_by("starts_at").first()
    now = timezone.localtime()
    issued = resolution.issued_on if resolution and resolution.issued_on else now.date()
    services.site_update(
        editor,
        city,
        address=f"Trụ sở {city.name}",
        phone="024 3825 0000",
        email="trangtin@thanhuy.example.vn",
    )
    items = []

    cited = cite(resolution, subject=city.name) if resolution else campaign.title
    announced = services.article_create(
        editor,
        city,
        title=f"{city.name} ban hành nghị quyết về đẩy mạnh chuyển đổi số",
        lead=(
            f"Chuyển đổi số được {city.name} xác định là nhiệm vụ chính trị trọng tâm, "
            "thường xuyên, lâu dài của cả hệ thống chính trị."
        ),
        body="\n\n".join(
            [
                f"{city.name} đã ban hành {cited}.",
                "Nghị quyết xác định chuyển đổi số là nhiệm vụ chính trị trọng tâm, thường "
                "xuyên, lâu dài; người đứng đầu cấp ủy trực tiếp lãnh đạo, chỉ đạo và chịu "
                "trách nhiệm.",
                "Nghị quyết đề ra các nhóm nhiệm vụ, giải pháp: nâng cao nhận thức, trách "
                "nhiệm của cấp ủy, cán bộ, đảng viên; hoàn thiện hạ tầng, cơ sở dữ liệu dùng "
                "chung; đào tạo, bồi dưỡng kỹ năng số cho cán bộ, đảng viên, nhất là ở chi bộ "
                "khu dân cư.",
            ]
        ),
    )
    items.append(
        _publish(editor, announced, [NEW_DOCUMENTS], _at(issued + dt.timedelta(days=1), 9, 30), "")
    )

    launched_on = max(issued + dt.timedelta(days=2), now.date() - dt.timedelta(days=3))
    deadline = campaign.conference_deadline
    launch = services.article_create(
        editor,
        city,
        title=f"Triển khai đợt {campaign.title[:1].lower()}{campaign.title[1:]}",
        lead=(
            f"{city.name} hướng dẫn các cấp ủy tổ chức học tập, quán triệt {cited} "
            "đến toàn thể cán bộ, đảng viên."
        ),
        body="\n\n".join(
            p
            for p in [
                f"{city.name} đề nghị các cấp ủy trực thuộc tổ chức hội nghị học tập, quán "
                f"triệt {cited} bằng hình thức phù hợp, bảo đảm mọi đảng viên phải học tập "
                "đều được tham dự; đảng viên vắng mặt được học bù.",
                f"Các chi bộ hoàn thành việc tổ chức hội nghị trước ngày {format_date(deadline)}."
                if deadline
                else "",
                "Sau hội nghị, mỗi đảng viên viết bài thu hoạch; các cấp ủy xây dựng chương "
                "trình hành động thực hiện nghị quyết sát với thực tiễn của địa phương, đơn vị.",
            ]
            if p
        ),
    )
    items.append(_publish(editor, launch, [STUDY], _at(launched_on, 8, 0), ""))

    if conference is not None:
        drafted = services.article_draft(ward_editor, conference)
        reported = min(conference.starts_at + dt.timedelta(minutes=90), now)
        item = _publish(
            ward_editor, drafted, [STUDY, GRASSROOTS], reported, f"Văn phòng {ward.name}"
        )
        services.feature_set(editor, city, item, 1, now + dt.timedelta(days=30))
        services.article_promote(editor, item, city)
        items.append(item)

    figures = campaign_rollup(campaign, city).total
    results = [cells_held_clause(figures.cells_held, figures.cells)]
    if figures.required:
        results.append(attendance_clause(figures.attended, figures.required))
    progress = services.article_create(
        editor,
        city,
        title=f"Kết quả bước đầu đợt {campaign.title[:1].lower()}{campaign.title[1:]}",
        lead=f"Theo số liệu tổng hợp của {city.name} đến ngày {format_date(now)}.",
        body="\n\n".join(
            [
                f"Theo số liệu tổng hợp đến ngày {format_date(now)}, toàn Đảng bộ "
                f"{results[0][:1].lower()}{'; '.join(results)[1:]}.",
                "Các cấp ủy tiếp tục tổ chức học bù cho đảng viên vắng mặt, hướng dẫn đảng "
                "viên viết bài thu hoạch và xây dựng chương trình hành động.",
            ]
        ),
    )
    items.append(_publish(editor, progress, [STUDY], now - dt.timedelta(minutes=5), ""))
    return items
