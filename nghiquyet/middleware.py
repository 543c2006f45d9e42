from django.conf import settings
from django.utils import translation


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
