"""A completed task keeps the day it was actually completed, which its bucket judges."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from programmes import services
from programmes.models import Bucket, Task, TaskTally

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _overdue_task(world, programme):
    """A ward task whose deadline passed five days ago."""
    return services.task_add(
        world.clerk,
        programme,
        content="Xây dựng kế hoạch thực hiện",
        lead=world.ward,
        deadline=TODAY() - dt.timedelta(days=5),
    )


def _done(world, task, **fields):
    return services.progress_report(
        world.secretary, task, percent=100, completed=True, product="Kế hoạch 09-KH/ĐU", **fields
    )


def test_done_before_the_deadline_but_typed_after_it_is_done_on_time(world, programme):
    task = _overdue_task(world, programme)
    assert task.bucket == Bucket.OVERDUE
    _done(world, task, completed_on=TODAY() - dt.timedelta(days=8))
    task.refresh_from_db()
    assert task.completed_on == TODAY() - dt.timedelta(days=8)
    assert task.bucket == Bucket.DONE_ON_TIME
    tally = TaskTally.objects.get(document=programme.document, organization=world.ward)
    assert (tally.done_on_time, tally.overdue) == (1, 0)
    assert services.task_tally_rebuild() == 0
    entry = AuditEntry.objects.filter(action="task.progress").latest("pk")
    assert entry.changes["completed_on"] == [None, task.completed_on.isoformat()]


def test_without_a_date_the_day_of_the_report_is_taken(world, programme):
    task = _overdue_task(world, programme)
    _done(world, task)
    task.refresh_from_db()
    assert task.completed_on == TODAY() and task.bucket == Bucket.DONE_LATE


def test_a_completion_date_after_today_is_refused_and_nothing_changes(world, programme):
    task = _overdue_task(world, programme)
    with pytest.raises(ValidationError) as raised:
        _done(world, task, completed_on=TODAY() + dt.timedelta(days=1))
    assert "không được sau hôm nay" in raised.value.message_dict["completed_on"][0]
    task.refresh_from_db()
    assert task.completed_on is None and task.bucket == Bucket.OVERDUE


def test_the_lead_unit_fills_the_date_in_its_page(world, client, programme):
    task = _overdue_task(world, programme)
    client.force_login(world.secretary)
    url = reverse("programmes:task", kwargs={"task_pk": task.pk})
    page = client.get(url).content.decode()
    assert 'name="p-completed_on"' in page and 'type="date"' in page
    assert f'max="{TODAY().isoformat()}"' in page and f'value="{TODAY().isoformat()}"' in page

    day = TODAY() - dt.timedelta(days=6)
    bad = client.post(
        url,
        {
            "form": "progress",
            "p-percent": 100,
            "p-completed": "on",
            "p-product": "Kế hoạch",
            "p-completed_on": (TODAY() + dt.timedelta(days=3)).strftime("%d/%m/%Y"),
        },
    )
    assert "Ngày hoàn thành không được sau hôm nay." in bad.content.decode()
    response = client.post(
        url,
        {
            "form": "progress",
            "p-percent": 100,
            "p-completed": "on",
            "p-product": "Kế hoạch",
            "p-completed_on": day.isoformat(),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(pk=task.pk)
    assert task.completed_on == day and task.bucket == Bucket.DONE_ON_TIME
    assert day.strftime("%d/%m/%Y") in client.get(url).content.decode()


def test_nobody_outside_the_lead_unit_records_a_completion(world, client, programme):
    task = _overdue_task(world, programme)
    client.force_login(world.outsider)
    url = reverse("programmes:task", kwargs={"task_pk": task.pk})
    response = client.post(
        url,
        {
            "form": "progress",
            "p-percent": 100,
            "p-completed": "on",
            "p-product": "X",
            "p-completed_on": TODAY().isoformat(),
        },
    )
    assert response.status_code in (403, 404)
    task.refresh_from_db()
    assert task.completed_on is None


def test_the_api_takes_the_completion_date_and_refuses_one_after_today(world, client, programme):
    from accounts.models import ApiToken

    task = _overdue_task(world, programme)
    _token, raw = ApiToken.issue(world.secretary, "t")
    url = f"/api/v1/tasks/{task.pk}/progress"
    body = {"percent": 100, "completed": True, "product": "Kế hoạch"}
    late = (TODAY() + dt.timedelta(days=2)).isoformat()
    refused = client.post(
        url, body | {"completed_on": late}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )  # fmt: skip
    assert refused.status_code == 422 and "không được sau hôm nay" in refused.json()["detail"]
    day = TODAY() - dt.timedelta(days=9)
    done = client.post(
        url, body | {"completed_on": day.isoformat()}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )  # fmt: skip
    assert done.status_code == 201 and done.json()["bucket"] == Bucket.DONE_ON_TIME
    assert Task.objects.get(pk=task.pk).completed_on == day
