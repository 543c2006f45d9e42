from ninja import NinjaAPI
from ninja.errors import ValidationError

from accounts.api import TokenAuth
from conferences.api import campaign_router
from conferences.api import router as conferences_router
from documents.api import router as documents_router
from members.api import router as members_router
from nghiquyet.schemas import invalid_input
from organizations.api import router as organizations_router
from programmes.api import router as programmes_router
from reports.api import campaign_router as campaign_reports_router
from reports.api import router as reports_router

api = NinjaAPI(
    title="nghiquyet API",
    version="1",
    description="Dữ liệu tổ chức đảng và đảng viên, theo đúng phạm vi quyền của người gọi.",
    auth=TokenAuth(),
    urls_namespace="api",
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
