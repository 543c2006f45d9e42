import datetime as dt
from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from accounts import policy
from accounts.policy import Action
from conferences import inbox, services
from conferences.checkin import CheckinError
from conferences.models import Attendance, CheckinInbox, Conference
from conferences.rollup import campaign_rollup, rollup_unit
from members.models import Member
from nghiquyet.caching import figures_cached
from nghiquyet.schemas import column
from organizations.models import Organization
from reports.rollup import report_rollup

router = Router(tags=["conferences"])
campaign_router = Router(tags=["campaigns"])


class BridgePointOut(Schema):
    id: int
    name: str
    host_id: int
    is_main: bool
    present: int
    left_early: int
    absent: int
    guests: int


class ConferenceOut(Schema):
    id: int
    campaign_id: int
    organizer_id: int
    title: str
    starts_at: dt.datetime
    # "" when starts_at is exact; else how much is known ("afternoon", "unknown").
    part_of_day: str
    format: str
    venue: str
    chair: str
    chair_title: str
    closed: bool
    bridge_points: list[BridgePointOut]

    @staticmethod
    def resolve_closed(obj: Conference) -> bool:
        return obj.is_closed

    @staticmethod
    def resolve_bridge_points(obj: Conference):
        return list(obj.bridge_points.all())


class CheckinIn(Schema):
    token: str


class MarkIn(Schema):
    card_number: column(Member, "card_number")
    status: column(Attendance, "status")
    reason: column(Attendance, "reason") = ""


class MarkOut(Schema):
    id: int
    member_id: int
    bridge_point_id: int
    status: str
    reason: str
    channel: str
    marked_at: dt.datetime
    report_due: dt.date


class ReceiptOut(Schema):
    id: int
    conference_id: int
    state: str
    arrived_at: dt.datetime
    detail: str
    conflict: bool
    url: str
    mark: MarkOut | None


class FiguresOut(Schema):
    unit: dict
    members: int
    required: int
    attended: int
    present_in_person: int
    present_online: int
    left_early: int
    absent_excused: int
    absent_unexcused: int
    not_marked: int
    made_up: int
    encouraged: int
    guests: int
    rate: float | None
    cells: int
    cells_held: int


class RollupOut(Schema):
    campaign_id: int
    total: FiguresOut
    children: list[FiguresOut]
    conferences: int
    bridge_points: int
    makeups: int
    makeups_done: int
    # Learning-report figures of the same subtree: {"total": {...}, "children": [...]}.
    reports: dict


@router.get("/{conference_id}", response=ConferenceOut)
def conference_get(request, conference_id: int):
    return policy.get_conference_for(request.auth, conference_id, Action.VIEW)


@router.post("/{conference_id}/checkin", response={202: ReceiptOut})
def conference_checkin(request, conference_id: int, payload: CheckinIn):
    """A member checks in with the token read from the QR code at their bridge point.

    Answered 202 with a receipt once the check-in is stored; its `url` tells how the
    mark (or the refusal) came out. 503 with Retry-After when too many wait already."""
    try:
        receipt = inbox.checkin_receive(request.auth, conference_id, payload.token)
    except CheckinError as error:
        # Refusals say nothing about a conference the caller may not see.
        policy.get_checkin_conference_for(request.auth, conference_id)
        raise HttpError(422, str(error)) from None
    except inbox.CheckinBusy as busy:
        response = JsonResponse({"detail": str(busy)}, status=503)
        response["Retry-After"] = str(busy.retry_after)
        return response
    return Status(202, receipt_out(receipt))


@router.get("/checkin-receipts/{receipt_id}", response=ReceiptOut)
def checkin_receipt(request, receipt_id: int):
    """How a check-in came out: `state` is waiting, done (with the mark) or refused (with
    `detail`, and `conflict` when refused because of what is already recorded)."""
    receipt = CheckinInbox.objects.filter(pk=receipt_id, user=request.auth).first()
    if receipt is None:
        raise HttpError(404, "Không tìm thấy lượt điểm danh này.")
    if receipt.state == CheckinInbox.State.REFUSED:
        policy.get_checkin_conference_for(request.auth, receipt.conference_id)
    return receipt_out(receipt)


def receipt_out(receipt: CheckinInbox) -> dict:
    """A receipt as the API shows it (the check-in's front door answers with it too)."""
    done = receipt.state == CheckinInbox.State.DONE
    return {
        "id": receipt.pk,
        "conference_id": receipt.conference_id,
        "state": receipt.state,
        "arrived_at": receipt.arrived_at,
        "detail": receipt.outcome,
        "conflict": receipt.conflict,
        "url": reverse("api:checkin_receipt", args=[receipt.pk]),
        "mark": Attendance.objects.filter(pk=receipt.attendance_id).first() if done else None,
    }


@router.post("/bridge-points/{bridge_point_id}/marks", response={200: MarkOut, 201: MarkOut})
def bridge_point_mark(request, bridge_point_id: int, payload: MarkIn):
    """The host of a bridge point marks one member, by card number."""
    point = policy.get_bridge_point_for(request.auth, bridge_point_id, Action.MANAGE_CONFERENCES)
    card = payload.card_number.strip().upper()
    member = services.roster(point).filter(card_number=card).select_related("organization").first()
    if member is None:
        raise HttpError(422, str(services.NOT_ON_ROSTER))
    existed = Attendance.objects.filter(
        campaign_id=point.conference.campaign_id, member=member
    ).exists()
    try:
        mark, _changed = services.attendance_mark(
            request.auth, point, member, payload.status, reason=payload.reason
        )
    except services.MarkRefused as refused:
        raise HttpError(409 if refused.conflict else 422, refused.messages[0]) from None
    return Status(200 if existed else 201, mark)


@campaign_router.get("/{campaign_id}/rollup", response=RollupOut)
def rollup(request, campaign_id: int, unit: column(Organization, "id") | None = None):
    """Attendance figures of a campaign for a subtree (default: the campaign's unit, or
    the widest unit the caller sees) and for each unit just below it."""
    campaign = policy.get_campaign_for(request.auth, campaign_id, Action.VIEW)
    try:
        root = rollup_unit(request.auth, campaign, unit)
    except PermissionDenied:
        raise HttpError(403, "Không có quyền xem số liệu của đợt này.") from None
    key = (campaign.pk, root.pk)
    figures = figures_cached("rollup", *key, partial(campaign_rollup, campaign, root))
    reports = figures_cached("reports", *key, partial(report_rollup, campaign, root))
    return {
        "campaign_id": campaign.pk,
        "total": figures.total.as_json(),
        "children": [child.as_json() for child in figures.children],
        "conferences": figures.conferences,
        "bridge_points": figures.bridge_points,
        "makeups": figures.makeups,
        "makeups_done": figures.makeups_done,
        "reports": {
            "total": reports.total.as_json(),
            "children": [child.as_json() for child in reports.children],
        },
    }
