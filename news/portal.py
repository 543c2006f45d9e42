"""The public face: the installation's homepage, a site per publishing unit, articles,
search, feeds, the sitemap and robots.txt. Shared models, its own layout and no staff
chrome; whole pages cached for anonymous visitors; visits counted in the cache before the
cached page is looked up (news/counting.py), so a cached page still counts its reader."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy

from accounts.views import home as staff_home
from documents.models import Document
from documents.search import resolve
from news import counting
from news.models import Article, Category, Feature, Site
from nghiquyet.caching import cache_for_anonymous
from organizations.models import Organization
from vn.text import fold

PAGE_SIZE = 20
FEATURED = 5
RELATED = 6
CACHED = 60  # seconds a public page is served from the cache
MAX_QUERY = 200


@dataclass
class SiteInfo:
    """What a request needs to know of a site before the cached page: kept in the cache."""

    site_pk: int
    slug: str
    path: str


def _site_info(slug: str) -> SiteInfo | None:
    key = f"portal-site:{slug}"
    info = cache.get(key)
    if info is None:
        site = (
            Site.objects.filter(slug=slug, organization__valid_to__isnull=True)
            .select_related("organization")
            .first()
        )
        if site is None or not Article.objects.public().of_site(site.organization).exists():
            return None
        info = SiteInfo(site.organization_id, site.slug, site.organization.path)
        cache.set(key, info, CACHED)
    return info


def _article_site(article_pk: int) -> int | None:
    key = f"portal-article:{article_pk}"
    unit = cache.get(key)
    if unit is None:
        unit = (
            Article.objects.public().filter(pk=article_pk).values_list("organization", flat=True)
        ).first() or 0
        cache.set(key, unit, CACHED)
    return unit or None


def _page(request, items):
    paginator = Paginator(items, PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("trang") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise Http404 from None


def _featured(sites: list[int]):
    now = timezone.now()
    rows = (
        Feature.objects.filter(site__in=sites, article__in=Article.objects.public())
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .select_related("article", "article__organization")
        .order_by("site__depth", "position", "-pk")
    )
    seen, featured = set(), []
    for row in rows[: FEATURED * 3]:
        if row.article_id not in seen:
            seen.add(row.article_id)
            featured.append(row.article)
    return featured[:FEATURED]


def _sites_below(path: str):
    return (
        Site.objects.filter(
            organization__path__startswith=path, organization__valid_to__isnull=True
        )
        .select_related("organization")
        .order_by("organization__path")
    )


def _figures(sites, path: str | None) -> dict:
    return counting.figures([s.organization_id for s in sites], path)


def _public_sites() -> tuple[list[Site], list[Site]]:
    """The sites the homepage lists, and the top ones among them (no listed site above)."""
    sites = list(
        Site.objects.filter(organization__valid_to__isnull=True)
        .select_related("organization")
        .order_by("organization__path")
    )
    # A site appears once an item of its subtree, or one promoted to it, is public.
    paths = set(Article.objects.public().values_list("organization__path", flat=True))
    promoted = set(Article.objects.public().values_list("promoted_to", flat=True))
    sites = [
        s
        for s in sites
        if s.organization_id in promoted or any(p.startswith(s.organization.path) for p in paths)
    ]
    top = [
        s
        for s in sites
        if not any(
            o is not s and s.organization.path.startswith(o.organization.path) for o in sites
        )
    ]
    return sites, top


def _home_site() -> int | None:
    """The site a visit to the homepage counts for: its first top site, whose figures the
    homepage sums, so the visit shows there and a visitor who goes on to open that site
    is still one visitor of it that day."""
    unit = cache.get("portal-home-site")
    if unit is None:
        _sites, top = _public_sites()
        unit = top[0].organization_id if top else 0
        cache.set("portal-home-site", unit, CACHED)
    return unit or None


def home(request):
    """`/`: a signed-in officer's start page; for everyone else the public homepage."""
    if request.user.is_authenticated:
        return staff_home(request)
    unit = _home_site()
    if unit is not None:
        counting.hit(request, unit)
    return portal_home(request)


@cache_for_anonymous(CACHED)
def portal_home(request):
    sites, top = _public_sites()
    items = (
        Article.objects.public()
        .select_related("organization__news_site")
        .order_by("-published_at", "-pk")
    )
    page = _page(request, items)
    return render(
        request,
        "news/portal/home.html",
        {
            "sites": top,
            "all_sites": sites,
            "featured": _featured([s.organization_id for s in sites]),
            "page": page,
            "categories": Category.objects.all(),
            "figures": _figures(sites, None),
            "footer_site": top[0] if len(top) == 1 else None,
        },
    )


def site(request, site_slug, category_slug=None):
    info = _site_info(site_slug)
    if info is None:
        raise Http404
    counting.hit(request, info.site_pk)
    return _site_page(request, site_slug=site_slug, category_slug=category_slug)


@cache_for_anonymous(CACHED)
def _site_page(request, site_slug, category_slug=None):
    site = Site.objects.select_related("organization").filter(slug=site_slug).first()
    if site is None:
        raise Http404
    unit = site.organization
    items = (
        Article.objects.public()
        .of_site(unit)
        .select_related("organization__news_site")
        .order_by("-published_at", "-pk")
    )
    category = None
    if category_slug is not None:
        category = Category.objects.filter(slug=category_slug).first()
        if category is None:
            raise Http404
        items = items.filter(categories=category)
    below = list(_sites_below(unit.path))
    return render(
        request,
        "news/portal/site.html",
        {
            "site": site,
            "unit": unit,
            "category": category,
            "featured": _featured([unit.pk]) if category is None else [],
            "page": _page(request, items),
            "categories": Category.objects.all(),
            "subsites": [s for s in below if s.organization.depth == unit.depth + 1],
            "figures": _figures(below, unit.path),
            "footer_site": site,
        },
    )


def article(request, article_pk, slug=None, printing=False):
    unit = _article_site(article_pk)
    if unit is None:
        raise Http404
    if not printing:
        counting.hit(request, unit, article_pk)
    return _article_page(request, article_pk=article_pk, slug=slug, printing=printing)


def article_print(request, article_pk, slug=None):
    return article(request, article_pk, slug, printing=True)


def related_to(item: Article) -> list[Article]:
    """Items on the same documents or campaign first, then of the same unit."""
    public = Article.objects.public().exclude(pk=item.pk).select_related("organization")
    found: list[Article] = []
    if item.conference_id:
        campaign = item.conference.campaign
        same = public.filter(
            Q(conference__campaign=campaign)
            | Q(conference__campaign__documents__in=campaign.documents.all())
        ).distinct()
        found = list(same.order_by("-published_at")[:RELATED])
    if len(found) < RELATED:
        more = public.filter(organization=item.organization_id).exclude(
            pk__in=[a.pk for a in found]
        )
        found += list(more.order_by("-published_at")[: RELATED - len(found)])
    return found


@cache_for_anonymous(CACHED)
def _article_page(request, article_pk, slug=None, printing=False):
    item = (
        Article.objects.public()
        .select_related("organization", "conference__campaign", "promoted_to")
        .filter(pk=article_pk)
        .first()
    )
    if item is None:
        raise Http404
    if slug != item.slug:
        name = "portal:print" if printing else "portal:article"
        return redirect(name, article_pk=item.pk, slug=item.slug, permanent=True)
    site = Site.objects.filter(organization=item.organization_id).first()
    photos = list(item.photos.all())
    url = request.build_absolute_uri(item.get_absolute_url())
    return render(
        request,
        "news/portal/print.html" if printing else "news/portal/article.html",
        {
            "article": item,
            "views": item.views + counting.pending_views(item.pk),
            "photos": photos,
            "site": site,
            "unit": item.organization,
            "footer_site": site,
            "related": [] if printing else related_to(item),
            "categories": item.categories.all(),
            "share_url": url,
            "og_image": (
                request.build_absolute_uri(reverse("news:photo", args=[photos[0].pk]))
                if photos
                else ""
            ),
        },
    )


# --- Search ---------------------------------------------------------------------------


def search_articles(query: str, within: Organization | None = None):
    """Published items matching `query`: a document symbol or named resolution (items of
    campaigns on those documents, and items citing them), else every word, with or
    without diacritics."""
    items = Article.objects.public()
    if within is not None:
        items = items.of_site(within)
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        return items.none()
    documents = resolve(Document.objects.all(), query)
    if documents:
        cited = Q()
        for document in documents:
            if document.symbol:
                cited |= Q(search_text__contains=fold(document.symbol))
        return items.filter(Q(conference__campaign__documents__in=documents) | cited).distinct()
    for word in fold(query).split()[:12]:
        items = items.filter(search_text__contains=word)
    return items


@cache_for_anonymous(CACHED)
def search(request):
    query = " ".join((request.GET.get("q") or "").split())[:MAX_QUERY]
    within = None
    if request.GET.get("trang-tin"):
        site = (
            Site.objects.select_related("organization")
            .filter(slug=request.GET["trang-tin"][:160])
            .first()
        )
        within = site.organization if site else None
    items = (
        search_articles(query, within)
        .select_related("organization__news_site")
        .order_by("-published_at", "-pk")
    )
    return render(
        request,
        "news/portal/search.html",
        {"query": query, "page": _page(request, items) if query else None, "within": within},
    )


# --- Feeds, sitemap, robots ---------------------------------------------------------------


class SiteFeed(Feed):
    description = gettext_lazy("Tin mới của trang tin")

    def get_object(self, request, site_slug):
        site = Site.objects.select_related("organization").filter(slug=site_slug).first()
        if site is None or _site_info(site_slug) is None:
            raise Http404
        return site

    def title(self, site):
        return site.organization.name

    def link(self, site):
        return reverse("portal:site", args=[site.slug])

    def items(self, site):
        return (
            Article.objects.public()
            .of_site(site.organization)
            .select_related("organization")
            .order_by("-published_at", "-pk")[:PAGE_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead or " ".join(item.body.split()[:60])

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.author or item.organization.name


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed
    subtitle = SiteFeed.description


rss = cache_for_anonymous(CACHED)(SiteFeed())
atom = cache_for_anonymous(CACHED)(SiteAtomFeed())


@cache_for_anonymous(CACHED * 10)
def sitemap(request):
    sites = [
        s
        for s in Site.objects.filter(organization__valid_to__isnull=True).order_by("slug")
        if _site_info(s.slug) is not None
    ]
    items = Article.objects.public().only("pk", "title", "updated_at").order_by("-pk")[:50_000]
    return render(
        request,
        "news/portal/sitemap.xml",
        {"sites": sites, "items": items, "base": request.build_absolute_uri("/")[:-1]},
        content_type="application/xml",
    )


def robots(request):
    lines = [
        "User-agent: *",
        "Allow: /$",
        "Allow: /tin-tuc/",
        "Allow: /bai-viet/",
        "Allow: /tim-kiem/",
        "Allow: /static/",
        "Allow: /news/photos/",
        "Disallow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
