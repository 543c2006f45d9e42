import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from accounts import policy
from accounts.policy import Action
from nghiquyet.schemas import Pagination
from organizations.models import Organization

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    name: str
    code: str
    level: str
    issuer_code: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    member_total: int


def _out(unit, total: int, parent_id: int | None) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        name=unit.name,
        code=unit.code,
        level=unit.level.code,
        issuer_code=unit.issuer_code,
        parent_id=parent_id,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
        member_total=total,
    )


@router.get("/{unit_id}", response=UnitOut)
def unit_get(request, unit_id: int):
    unit = policy.get_organization_for(request.auth, unit_id, Action.VIEW)
    parent = Organization.objects.get_parent(unit)
    return _out(unit, Organization.objects.member_total(unit), parent.pk if parent else None)


@router.get("/{unit_id}/children", response=list[UnitOut])
@paginate(Pagination)
def unit_children(request, unit_id: int):
    unit = policy.get_organization_for(request.auth, unit_id, Action.VIEW)
    totals = Organization.objects.member_totals_by_child(unit)
    return [_out(child, totals.get(child.path, 0), unit.pk) for child in unit.children_by_name()]
