from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from accounts.api import TokenAuth, TokensLocked
from conferences.api import campaign_router
from conferences.api import router as conferences_router
from documents.api import router as documents_router
from members.api import router as members_router
from nghiquyet.middleware import content_security_policy
from nghiquyet.schemas import invalid_input
from organizations.api import router as organizations_router
from programmes.api import router as programmes_router
from reports.api import campaign_router as campaign_reports_router
from reports.api import router as reports_router

DOCS_POLICY = content_security_policy(img_src="'self' data:")


def users_only(view):
    """The schema and its docs page are for the system's users, signed in or holding a
    token: the public learns nothing of the API. A browser is sent to the login page."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            holder = request.user.is_authenticated or TokenAuth()(request) is not None
        except HttpError as refusal:  # a wrong, expired or locked-out token
            return JsonResponse({"detail": str(refusal)}, status=refusal.status_code)
        if holder:
            response = view(request, *args, **kwargs)
            # Swagger UI draws some of its icons from data: URLs; scripts stay 'self'.
            response.headers["Content-Security-Policy"] = DOCS_POLICY
            return response
        if "text/html" in request.headers.get("Accept", ""):
            return redirect_to_login(request.get_full_path())
        refused = JsonResponse({"detail": "Cần đăng nhập hoặc mã truy cập API."}, status=401)
        refused["WWW-Authenticate"] = "Bearer"
        return refused

    return guarded


api = NinjaAPI(
    title="nghiquyet API",
    version="1",
    description="Dữ liệu tổ chức đảng và đảng viên, theo đúng phạm vi quyền của người gọi.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_decorator=users_only,
)


@api.exception_handler(ValidationError)
def refused_input(request, error):
    return api.create_response(request, invalid_input(error.errors), status=422)


api.add_router("/units/", organizations_router)
api.add_router("/members/", members_router)
api.add_router("/documents/", documents_router)
api.add_router("/conferences/", conferences_router)
api.add_router("/campaigns/", campaign_router)
api.add_router("/campaigns/", campaign_reports_router)
api.add_router("/reports/", reports_router)
api.add_router("/", programmes_router)


@api.exception_handler(Http404)
def not_found(request, error):
    # One answer for what does not exist and what lies outside the caller's scope.
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(TokensLocked)
def tokens_locked(request, error: TokensLocked):
    response = api.create_response(request, {"detail": str(error)}, status=429)
    response["Retry-After"] = str(error.wait)
    return response
