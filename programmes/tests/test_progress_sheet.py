import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import services
from programmes.models import Bucket, Progress, Task

pytestmark = pytest.mark.django_db


def _tasks(world, programme):
    return [
        services.task_add(
            world.clerk,
            programme,
            content=f"Nhiệm vụ {n}",
            lead=world.ward,
            deadline=timezone.localdate() + dt.timedelta(days=10 + n),
        )
        for n in range(3)
    ]


def _filled(client, world, rows):
    data = client.get(reverse("programmes:progress-sheet", args=[world.ward.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    for row_number, values in rows.items():
        for column, value in values.items():
            sheet.cell(row=row_number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "tien-do.xlsx"
    return out, sheet


def test_the_lead_unit_updates_many_tasks_from_one_sheet(world, programme, client):
    first, second, third = _tasks(world, programme)
    client.force_login(world.secretary)
    upload, sheet = _filled(
        client, world, {4: {5: 40, 7: "Đã dự thảo"}, 5: {8: "Có", 9: "Kế hoạch 12-KH/ĐU"}}
    )
    assert [sheet.cell(row=r, column=1).value for r in (4, 5, 6)] == [first.pk, second.pk, third.pk]
    client.post(reverse("programmes:progress-sheet", args=[world.ward.pk]), {"file": upload})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.percent == 40 and second.bucket == Bucket.DONE_ON_TIME
    assert Progress.objects.count() == 2  # the untouched row reports nothing


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({5: 140}, "từ 0 đến 100"),
        ({8: "Có"}, "sản phẩm"),
        ({1: 999999, 5: 10}, "không phải nhiệm vụ"),
        ({8: "Có", 9: "Báo cáo", 10: "31/02/2026"}, "không hợp lệ"),
        (
            {8: "Có", 9: "Báo cáo", 10: (timezone.localdate() + dt.timedelta(1)).isoformat()},
            "không được sau hôm nay",
        ),
    ],
)
def test_one_bad_row_and_nothing_is_saved(world, programme, client, row, message):
    _tasks(world, programme)
    client.force_login(world.secretary)
    upload, _sheet = _filled(client, world, {4: {5: 50}, 5: row})
    answer = client.post(
        reverse("programmes:progress-sheet", args=[world.ward.pk]), {"file": upload}, follow=True
    )
    assert message in answer.content.decode()
    assert not Progress.objects.exists() and set(
        Task.objects.values_list("percent", flat=True)
    ) == {0}


def test_a_unit_that_did_not_lead_cannot_use_the_sheet(world, programme, client):
    _tasks(world, programme)
    client.force_login(world.outsider)
    assert client.get(reverse("programmes:progress-sheet", args=[world.ward.pk])).status_code == 404
    client.force_login(world.clerk)  # the assigning city: its grant covers the ward
    data = client.get(reverse("programmes:progress-sheet", args=[world.ward.pk])).content
    assert openpyxl.load_workbook(io.BytesIO(data)).active.max_row == 3  # no task to report
    fake = io.BytesIO(b"not a workbook")
    fake.name = "x.xlsx"
    client.force_login(world.secretary)
    answer = client.post(
        reverse("programmes:progress-sheet", args=[world.ward.pk]), {"file": fake}, follow=True
    )
    assert "XLSX" in answer.content.decode()


def test_the_sheet_records_the_day_a_task_was_actually_completed(world, programme, client):
    first, second, _third = _tasks(world, programme)
    Task.objects.filter(pk=first.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    done_on = timezone.localdate() - dt.timedelta(days=5)
    client.force_login(world.secretary)
    upload, _sheet = _filled(
        client,
        world,
        {
            4: {8: "Có", 9: "Kế hoạch 12-KH/ĐU", 10: done_on.strftime("%d/%m/%Y")},
            5: {8: "Có", 9: "Báo cáo"},
        },
    )
    client.post(reverse("programmes:progress-sheet", args=[world.ward.pk]), {"file": upload})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.completed_on == done_on and first.bucket == Bucket.DONE_ON_TIME
    assert second.completed_on == timezone.localdate()
