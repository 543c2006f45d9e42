"""From a task's page, the inspection board plans an inspection of how the task is
carried out: the plan comes filled in from the task (who inspects, the lead unit, the
subject, the document) and is saved, audited, like any other plan."""

import datetime as dt
import re

import pytest

from audit.models import AuditEntry
from programmes import services
from programmes.models import Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(world, programme):
    return services.task_add(
        world.clerk,
        programme,
        position="1",
        content="Số hóa hồ sơ đảng viên của phường",
        lead=world.ward,
        product="Báo cáo",
        deadline=dt.date.today() - dt.timedelta(days=3),
        partners=[],
    )


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="(\d+)" checked', html)


def test_the_task_page_offers_the_plan_to_those_who_plan_inspections(world, client, late):
    link = f"/programmes/inspections/?task={late.pk}"
    client.force_login(world.inspector)
    assert link in client.get(f"/programmes/tasks/{late.pk}/").content.decode()
    for nobody_above in (world.ward_clerk, world.propaganda):  # a unit does not inspect itself
        client.force_login(nobody_above)
        assert link not in client.get(f"/programmes/tasks/{late.pk}/").content.decode()


def test_the_plan_comes_filled_in_from_the_task(world, client, late):
    client.force_login(world.inspector)
    form = client.get("/programmes/inspections/", {"task": late.pk}).context["form"]
    html = str(form)
    assert _checked(html, "organization") == [str(world.city.pk)]
    assert _checked(html, "units") == [str(world.ward.pk)]
    assert form["subject"].value() == (
        "Kiểm tra việc thực hiện nhiệm vụ: Số hóa hồ sơ đảng viên của phường"
    )
    assert form["document"].value() == late.document_id


def test_the_plan_is_saved_and_audited_as_any_other(world, client, late):
    client.force_login(world.inspector)
    answer = client.post(
        "/programmes/inspections/",
        {
            "organization": world.city.pk,
            "kind": Inspection.Kind.INSPECTION,
            "units": [world.ward.pk],
            "subject": "Kiểm tra việc thực hiện nhiệm vụ: Số hóa hồ sơ đảng viên của phường",
            "document": late.document_id,
            "period_from": "2026-12-14",
            "period_to": "2026-12-18",
        },
    )
    planned = Inspection.objects.get()
    assert answer.status_code == 302 and answer.url == f"/programmes/inspections/{planned.pk}/"
    assert AuditEntry.objects.filter(action="inspection.create", actor=world.inspector).exists()


def test_a_task_out_of_sight_gives_no_plan(world, client, late):
    client.force_login(world.outsider)
    assert client.get("/programmes/inspections/", {"task": late.pk}).status_code == 404
