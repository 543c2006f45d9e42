import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Header, Router, Schema, Status
from ninja.errors import HttpError

from accounts import policy
from accounts.policy import Action
from members.models import Member
from nghiquyet.schemas import column
from reports import copies, services
from reports.anonymity import Anonymity
from reports.models import Report, Version

router = Router(tags=["reports"])
campaign_router = Router(tags=["campaigns"])


class ReportIn(Schema):
    sections: list[str]
    member_id: column(Report, "member") | None = None  # for a secretary entering a member's report


class ReceiptOut(Schema):
    report_id: int
    version: int
    submitted_at: dt.datetime
    late: bool
    due: dt.date
    repeated: bool


class SimilarOut(Schema):
    report_id: int
    jaccard: float
    containment: float


class ReportOut(Schema):
    id: int
    campaign_id: int
    # None when the caller may not learn the author (blind review, `reports.anonymity`).
    member_id: int | None
    state: str
    versions: int
    submitted_at: dt.datetime | None
    late: bool
    rating: str
    flagged: bool
    similar: list[SimilarOut]

    @staticmethod
    def resolve_member_id(obj: Report, context) -> int | None:
        hidden = Anonymity(context["request"].auth, obj.campaign).hides(obj)
        return None if hidden else obj.member_id

    @staticmethod
    def resolve_versions(obj: Report) -> int:
        return obj.versions_count

    @staticmethod
    def resolve_similar(obj: Report) -> list[dict]:
        return [
            {"report_id": other, "jaccard": pair.jaccard, "containment": pair.containment}
            for pair, other in copies.similar_to(obj)
        ]


IDEMPOTENCY_KEY = Header("", alias="Idempotency-Key")


def _problem(error: ValidationError) -> str:
    return " ".join(error.messages)


@campaign_router.post("/{campaign_id}/reports", response={200: ReceiptOut, 201: ReceiptOut})
def report_submit(
    request,
    campaign_id: int,
    payload: ReportIn,
    idempotency_key: column(Version, "idempotency_key") = IDEMPOTENCY_KEY,
):
    """Submit the caller's learning report (or, with member_id, a member's report typed
    in by their cell). Retrying with the same Idempotency-Key answers 200 with the first
    receipt and counts once."""
    campaign = policy.get_campaign_for(request.auth, campaign_id, Action.VIEW)
    if payload.member_id is None:
        member = (
            Member.objects.active()
            .filter(user=request.auth, organization__path__startswith=campaign.owner.path)
            .select_related("organization")
            .first()
        )
        if member is None:
            raise HttpError(404, "Bạn không thuộc đơn vị nào của đợt học tập này.")
    else:
        try:
            member = policy.get_member_for(request.auth, payload.member_id, Action.ENTER_REPORTS)
        except Http404:
            raise HttpError(404, "Không tìm thấy đảng viên trong phạm vi của bạn.") from None
    try:
        receipt = services.report_submit(
            request.auth, campaign, member, payload.sections, key=idempotency_key
        )
    except services.SubmitRefused as refused:
        raise HttpError(409, _problem(refused)) from None
    except ValidationError as error:
        raise HttpError(422, _problem(error)) from None
    version = receipt.version
    return Status(
        200 if receipt.repeated else 201,
        {
            "report_id": receipt.report.pk,
            "version": version.number,
            "submitted_at": version.submitted_at,
            "late": version.late,
            "due": version.due,
            "repeated": receipt.repeated,
        },
    )


@router.get("/{report_id}", response=ReportOut)
def report_get(request, report_id: int):
    """A report's state and its closest look-alikes, for its member or a reviewer."""
    try:
        return policy.get_report_for(request.auth, report_id, Action.REVIEW_REPORTS)
    except Http404:
        report = policy.get_report_for(request.auth, report_id, Action.VIEW)
        if report.member.user_id != request.auth.pk:
            raise PermissionDenied from None
        return report
