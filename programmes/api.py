import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from accounts import policy
from accounts.policy import Action
from nghiquyet.schemas import column
from programmes import services
from programmes.models import Progress

router = Router(tags=["programmes"])


class TaskOut(Schema):
    id: int
    document_id: int
    programme_id: int | None
    position: str
    content: str
    lead_id: int
    product: str
    deadline: dt.date | None
    recurrence: str
    percent: int
    completed_on: dt.date | None
    bucket: str


class ProgressIn(Schema):
    percent: column(Progress, "percent")
    milestone: column(Progress, "milestone") = ""
    note: column(Progress, "note") = ""
    completed: bool = False
    product: column(Progress, "product") = ""
    reported_on: dt.date | None = None
    completed_on: dt.date | None = None


@router.get("/programmes/{programme_id}/tasks", response=list[TaskOut])
def programme_tasks(request, programme_id: int, bucket: str | None = None):
    """The tasks of a programme the caller may see, with their derived status."""
    programme = policy.get_programme_for(request.auth, programme_id, Action.VIEW)
    tasks = programme.tasks.order_by("pk")
    if bucket:
        tasks = tasks.filter(bucket=bucket)
    return tasks[:5000]


@router.get("/tasks/{task_id}", response=TaskOut)
def task_get(request, task_id: int):
    return policy.get_task_for(request.auth, task_id, Action.VIEW)


@router.post("/tasks/{task_id}/progress", response={201: TaskOut})
def task_progress(request, task_id: int, payload: ProgressIn):
    """The lead unit reports progress (or completion, with the product)."""
    task = policy.get_task_for(request.auth, task_id, Action.VIEW)
    if not services.may_report(request.auth, task):
        raise HttpError(403, "Chỉ cơ quan chủ trì báo cáo tiến độ nhiệm vụ này.")
    try:
        services.progress_report(request.auth, task, **payload.dict())
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None
    task.refresh_from_db()
    return Status(201, task)
