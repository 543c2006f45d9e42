from django.urls import path

from news import portal

app_name = "portal"
urlpatterns = [
    path("tin-tuc/<slug:site_slug>/", portal.site, name="site"),
    path(
        "tin-tuc/<slug:site_slug>/chuyen-muc/<slug:category_slug>/",
        portal.site,
        name="category",
    ),
    path("tin-tuc/<slug:site_slug>/rss/", portal.rss, name="rss"),
    path("tin-tuc/<slug:site_slug>/atom/", portal.atom, name="atom"),
    path("bai-viet/<int:article_pk>/<slug:slug>/", portal.article, name="article"),
    path("bai-viet/<int:article_pk>/<slug:slug>/ban-in/", portal.article_print, name="print"),
    path("tim-kiem/", portal.search, name="search"),
    path("sitemap.xml", portal.sitemap, name="sitemap"),
    path("robots.txt", portal.robots, name="robots"),
]
