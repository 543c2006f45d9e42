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
