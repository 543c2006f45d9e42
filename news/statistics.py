"""Reading figures for editors: views per day, top items this week, visitors per site,
from the batched daily rows (news/counting.py writes them), and their XLSX export."""

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from news import counting
from news.models import Article, ArticleDay, Site
from nghiquyet.spreadsheets import cell_safe
from organizations.models import Organization
from vn.formats import format_date

DAYS = 30
TOP = 10
CHART_HEIGHT = 120


@dataclass
class Figures:
    days: list[tuple[dt.date, int]] = field(default_factory=list)
    top: list[tuple[Article, int]] = field(default_factory=list)
    sites: list[tuple[Site, dict]] = field(default_factory=list)

    @property
    def bars(self) -> list[dict]:
        """The views-per-day chart as bar geometry for an inline SVG (no script)."""
        peak = max((n for _day, n in self.days), default=0) or 1
        width = 18
        return [
            {
                "x": i * width,
                "y": CHART_HEIGHT - round(n * CHART_HEIGHT / peak),
                "height": round(n * CHART_HEIGHT / peak),
                "width": width - 3,
                "label": f"{format_date(day)}: {n}",
            }
            for i, (day, n) in enumerate(self.days)
        ]

    @property
    def chart_width(self) -> int:
        return len(self.days) * 18


def for_sites(units: QuerySet[Organization]) -> Figures:
    today = timezone.localdate()
    sites = list(
        Site.objects.filter(organization__in=units)
        .select_related("organization")
        .order_by("organization__path")
    )
    articles = Article.objects.filter(organization__in=units)
    rows = ArticleDay.objects.filter(article__in=articles)
    per_day = dict(
        rows.filter(day__gt=today - dt.timedelta(days=DAYS))
        .values_list("day")
        .annotate(n=Sum("views"))
        .values_list("day", "n")
    )
    pending_today = sum(
        counting.pending_views(pk) for pk in articles.values_list("pk", flat=True)[:2000]
    )
    per_day[today] = per_day.get(today, 0) + pending_today
    days = [
        (today - dt.timedelta(days=n), per_day.get(today - dt.timedelta(days=n), 0))
        for n in range(DAYS - 1, -1, -1)
    ]
    week = today - dt.timedelta(days=6)
    top_rows = (
        rows.filter(day__gte=week)
        .values("article")
        .annotate(n=Sum("views"))
        .order_by("-n", "article")[:TOP]
    )
    by_pk = Article.objects.select_related("organization").in_bulk([r["article"] for r in top_rows])
    top = [(by_pk[r["article"]], r["n"]) for r in top_rows if r["article"] in by_pk]
    return Figures(
        days=days,
        top=top,
        sites=[
            (s, counting.figures([s.organization_id], None, only=s.organization_id)) for s in sites
        ],
    )


def _views_chart(sheet, days: int) -> BarChart:
    """The page's views-per-day bars, drawn by the spreadsheet from the sheet's cells."""
    chart = BarChart()
    chart.title = sheet.title
    chart.legend = None
    chart.width, chart.height = 24, 9
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=days + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=days + 1))
    return chart


def workbook(figures: Figures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Lượt xem theo ngày"
    sheet.append(["Ngày", "Lượt xem"])
    for day, n in figures.days:
        sheet.append([format_date(day), n])
    sheet.add_chart(_views_chart(sheet, len(figures.days)), "D2")
    top = book.create_sheet("Tin xem nhiều trong tuần")
    top.append(["Tin", "Đơn vị", "Ngày đăng", "Lượt xem trong tuần"])
    for article, n in figures.top:
        top.append(
            [
                cell_safe(article.title),
                cell_safe(article.organization.name),
                format_date(article.published_at),
                n,
            ]
        )
    sites = book.create_sheet("Truy cập theo trang")
    sites.append(["Trang tin", "Đang online", "Hôm nay", "Trong tuần", "Trong tháng", "Tất cả"])
    for site, f in figures.sites:
        sites.append(
            [
                cell_safe(site.organization.name),
                f["online"],
                f["today"],
                f["week"],
                f["month"],
                f["all"],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
