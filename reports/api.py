import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from ninja import Header, Router, Schema, Status
from ninja.errors import HttpError

from accounts import policy
from accounts.policy import Action
from nghiquyet.schemas import column
from reports import copies, inbox, services, standing
from reports.anonymity import Anonymity
from reports.models import Report, SubmissionInbox, Version

router = Router(tags=["reports"])
campaign_router = Router(tags=["campaigns"])


class ReportIn(Schema):
    sections: list[str]
    member_id: column(Report, "member") | None = None  # for a secretary entering a member's report


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


class SubmissionReceiptOut(Schema):
    id: int
    campaign_id: int
    member_id: int
    # waiting: stored, not yet applied; done: a version (or a repeat of one); refused.
    state: str
    received_at: dt.datetime
    detail: str
    url: str
    # Once done: the version it made or repeated, and the copy check of the report.
    report_id: int | None
    version: int | None
    submitted_at: dt.datetime | None
    late: bool | None
    due: dt.date | None
    repeated: bool
    flagged: bool | None
    similarity: float | None


def receipt_out(row: SubmissionInbox) -> dict:
    version = row.version if row.state == SubmissionInbox.State.DONE else None
    report = version.report if version is not None else None
    return {
        "id": row.pk,
        "campaign_id": row.campaign_id,
        "member_id": row.member_id,
        "state": row.state,
        "received_at": row.received_at,
        "detail": row.outcome,
        "url": reverse("api:submission_receipt", args=[row.pk]),
        "report_id": report.pk if report else None,
        "version": version.number if version else None,
        "submitted_at": version.submitted_at if version else None,
        "late": version.late if version else None,
        "due": version.due if version else None,
        "repeated": row.repeated,
        "flagged": report.flagged if report else None,
        "similarity": report.similarity if report else None,
    }


@campaign_router.post("/{campaign_id}/reports", response={202: SubmissionReceiptOut})
def report_submit(
    request,
    campaign_id: int,
    payload: ReportIn,
    idempotency_key: column(Version, "idempotency_key") = IDEMPOTENCY_KEY,
):
    """Submit the caller's learning report (or, with member_id, a member's report typed
    in by their cell). Answered 202 with a receipt once it is stored; its `url` tells how
    it came out (the version, or why it was refused) and what the copy check found.
    Retrying with the same Idempotency-Key answers the same receipt and counts once.
    503 with Retry-After when too many submissions wait already."""
    campaign = policy.get_campaign_for(request.auth, campaign_id, Action.VIEW)
    if payload.member_id is None:
        member = standing.own_member(request.auth, campaign)
        if member is None:
            raise HttpError(404, "Bạn không thuộc đơn vị nào của đợt học tập này.")
    else:
        try:
            member = policy.get_member_for(request.auth, payload.member_id, Action.ENTER_REPORTS)
        except Http404:
            raise HttpError(404, "Không tìm thấy đảng viên trong phạm vi của bạn.") from None
    try:
        receipt = inbox.submission_receive(
            request.auth, campaign, member, payload.sections, key=idempotency_key
        )
    except inbox.SubmissionBusy as busy:
        response = JsonResponse({"detail": str(busy)}, status=503)
        response["Retry-After"] = str(busy.retry_after)
        return response
    except services.SubmitRefused as refused:
        raise HttpError(409, _problem(refused)) from None
    except ValidationError as error:
        raise HttpError(422, _problem(error)) from None
    return Status(202, receipt_out(receipt))


@router.get("/submission-receipts/{receipt_id}", response=SubmissionReceiptOut)
def submission_receipt(request, receipt_id: int):
    """How a submission came out, for its member, whoever handed it in and the officers
    of the member's units."""
    return receipt_out(policy.get_submission_for(request.auth, receipt_id))


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
