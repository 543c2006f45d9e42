import datetime as dt

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from members.models import Member
from nghiquyet.schemas import Pagination, column
from organizations.models import Organization

router = Router(tags=["members"])


class MemberOut(Schema):
    id: int
    full_name: str
    gender: str
    date_of_birth: dt.date
    card_number: str
    status: str
    admitted_on: dt.date
    official_on: dt.date | None
    unit_id: int
    unit_name: str

    @staticmethod
    def resolve_unit_id(obj: Member) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_unit_name(obj: Member) -> str:
        return obj.organization.name


class MemberFilter(Schema):
    unit: column(Organization, "id") | None = None
    q: str | None = None


@router.get("/", response=list[MemberOut])
@paginate(Pagination)
def member_list(request, filters: Query[MemberFilter]):
    members = policy.members_for(request.auth, Action.VIEW).active()
    unit = None
    if filters.unit is not None:
        unit = policy.get_organization_for(request.auth, filters.unit, Action.VIEW)
        members = members.within(unit)
    if filters.q:
        members = members.search(filters.q[:100])
    # A bulk read of personal data, recorded like an export (one entry per page asked).
    audit_record(
        request.auth,
        "member.list",
        unit,
        {"via": [None, "api"], "q": [None, filters.q or ""]},
        label=unit.name if unit else "",
    )
    return members.select_related("organization").in_vietnamese_order()


@router.get("/{member_id}", response=MemberOut)
def member_get(request, member_id: int):
    return policy.get_member_for(request.auth, member_id, Action.VIEW)
