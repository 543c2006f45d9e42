"""A unit's public news page is cached for anonymous visitors only: what a signed-in
officer was shown never reaches the public."""

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse

from news import services
from nghiquyet.caching import cache_for_anonymous

STAFF = ("Đăng xuất", "bithu", "csrfmiddlewaretoken", "X-CSRFToken", "/units/", "Tổ chức")


def _published(world, conference, title="Hội nghị học tập chuyên đề"):
    article = services.article_draft(world.secretary, conference)
    article.title = title
    article.save()
    return services.article_publish(world.secretary, article)


def test_what_a_signed_in_officer_loads_never_reaches_an_anonymous_visitor(
    world, conference, client
):
    _published(world, conference)
    url = reverse("portal:site", args=[services.site_for(world.ward).slug])
    client.force_login(world.secretary)
    officer = client.get(url)
    assert officer.status_code == 200
    assert "private" in officer["Cache-Control"]

    public = Client().get(url)
    assert public.status_code == 200
    body = public.content.decode()
    assert [word for word in STAFF if word in body] == []
    assert "csrftoken" not in public.cookies and "sessionid" not in public.cookies


def test_anonymous_visitors_share_one_cached_copy_for_a_minute(world, conference, client):
    _published(world, conference)
    url = reverse("portal:site", args=[services.site_for(world.ward).slug])
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    _published(world, conference, title="Tin mới đăng sau đó")
    assert "Tin mới đăng sau đó" not in Client().get(url).content.decode()
    client.force_login(world.secretary)
    assert "Tin mới đăng sau đó" in client.get(url).content.decode()


def test_a_page_that_holds_a_csrf_token_or_sets_a_cookie_is_never_stored(rf):
    from django.contrib.auth.models import AnonymousUser

    cache.clear()
    calls = []

    def with_token(request):
        calls.append("token")
        return HttpResponse(get_token(request))

    def with_cookie(request):
        calls.append("cookie")
        response = HttpResponse("x")
        response.set_cookie("seen", "1")
        return response

    def plain(request):
        calls.append("plain")
        return HttpResponse("x")

    for view, path in ((with_token, "/a"), (with_cookie, "/b"), (plain, "/c")):
        cached = cache_for_anonymous(60)(view)
        for _ in range(2):
            request = rf.get(path)
            request.user = AnonymousUser()
            response = cached(request)
        assert ("private" in response["Cache-Control"]) == (view is not plain)
    assert calls == ["token", "token", "cookie", "cookie", "plain"]
