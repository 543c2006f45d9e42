import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Vietnamese unless the user chose English with the switch in the header.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many
    Vietnamese officials use browsers set to English; the product speaks Vietnamese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.known else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Scripts, styles, images and fonts come from this site only, and never inline: a page that
# somehow carries injected markup still runs nothing of it. Bars and swatches are SVG
# attributes rather than style="…", so styles need no 'unsafe-inline' either.
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def content_security_policy(**changes: str) -> str:
    """The policy as a header value; `changes` (img_src="'self' data:") relax one response."""
    directives = CSP_DIRECTIVES | {name.replace("_", "-"): v for name, v in changes.items()}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = content_security_policy()


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy with every response that has not set its own.

    Django's debug pages (DEBUG on, status 400 and above) carry inline script and style;
    they are for the developer at the keyboard and go out without the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code >= 400:
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


NUL = "\x00"
# A \u0000 escape in JSON text: a backslash that is not itself escaped, then u0000.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class NulCharacterMiddleware:
    """NUL characters never reach a view: PostgreSQL refuses them in every text column.

    A person at a page loses nothing: NULs are dropped from the query string and the form
    fields, where they never mean anything. A program calling the API is told instead,
    with 400 and the reason, since it sent something other than what it meant.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            if _has_nul(request.GET) or _json_has_nul(request) or _headers_have_nul(request):
                message = _(
                    "Dữ liệu gửi lên có ký tự NUL (mã 0), không được phép trong văn bản: "
                    "hãy bỏ ký tự đó rồi gửi lại."
                )
                return JsonResponse({"detail": message}, status=400)
        else:
            if _has_nul(request.GET):
                request.GET = _without_nul(request.GET)
            if request.method == "POST" and _has_nul(_post(request)):
                request.POST = _without_nul(request.POST)
        return self.get_response(request)


def _post(request) -> QueryDict:
    # A body over the in-memory limit is left to the view, which tells the user
    # (nghiquyet.forms.posted); reading it here would use up the stream.
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return QueryDict()
    return request.POST


def _has_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def _without_nul(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    return cleaned


def _headers_have_nul(request) -> bool:
    return any(NUL in value for value in request.headers.values())


def _json_has_nul(request) -> bool:
    if request.content_type != "application/json":
        return False
    try:
        body = request.body
    except RequestDataTooBig:
        return False  # answered 400 by Django when the view reads it
    return b"\x00" in body or _JSON_NUL.search(body) is not None
