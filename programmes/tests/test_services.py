import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programmes import services
from programmes.models import Bucket, TaskTally
from programmes.rollup import target_lines, task_rollup
from programmes.tests.builders import document_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _task(world, programme, lead, days, **extra):
    return services.task_add(
        world.clerk,
        programme,
        content=extra.pop("content", f"Nhiệm vụ của {lead.name}"),
        lead=lead,
        deadline=TODAY() + dt.timedelta(days=days) if days is not None else None,
        **extra,
    )


def tally(document, unit):
    row = TaskTally.objects.filter(document=document, organization=unit).first()
    return {b: getattr(row, b) for b in Bucket.values if getattr(row, b)} if row else {}


def test_programme_only_for_programmes_and_plans_once(world, programme):
    with pytest.raises(ValidationError, match="đã có nội dung"):
        services.programme_create(world.clerk, programme.document)
    with pytest.raises(ValidationError, match="không được"):
        services.programme_create(world.outsider, document_for(world, "31-CTr/TU"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"low": Decimal("7.8"), "high": Decimal("7.3")}, "high", "từ thấp đến cao"),
        ({"low": Decimal("120"), "unit_of_measure": "%"}, "low", "từ 0 đến 100"),
        ({"year": 2020}, "year", "trước năm ban hành"),
        ({"unit_of_measure": " "}, "unit_of_measure", "đơn vị tính"),
    ],
)
def test_bad_targets_are_refused(world, programme, fields, field, message):
    values = {
        "name": "Tăng trưởng GRDP",
        "unit_of_measure": "%",
        "low": Decimal("7.3"),
        "year": 2030,
    }
    with pytest.raises(ValidationError) as raised:
        services.target_add(world.clerk, programme, **(values | fields))
    assert message in " ".join(raised.value.message_dict[field])
    assert not programme.targets.exists()


def test_task_deadline_before_the_programme_is_refused(world, programme):
    with pytest.raises(ValidationError, match="trước ngày ban hành"):
        services.task_add(
            world.clerk, programme, content="X", lead=world.ward, deadline=dt.date(2025, 1, 1)
        )


def test_progress_by_the_lead_unit_moves_the_counters(world, programme):
    task = _task(world, programme, world.ward, 10)
    assert tally(programme.document, world.ward) == {Bucket.OPEN_IN_TIME: 1}
    with pytest.raises(ValidationError, match="cơ quan chủ trì"):
        services.progress_report(world.outsider, task, percent=50)
    with pytest.raises(ValidationError):
        services.progress_report(world.secretary, task, percent=120)
    with pytest.raises(ValidationError, match="sản phẩm"):
        services.progress_report(world.secretary, task, percent=100, completed=True)
    services.progress_report(world.secretary, task, percent=40, note="Đã xây dựng dự thảo")
    services.progress_report(
        world.secretary, task, percent=100, completed=True, product="Kế hoạch số 09-KH/ĐU"
    )
    task.refresh_from_db()
    assert task.bucket == Bucket.DONE_ON_TIME and task.percent == 100
    assert tally(programme.document, world.ward) == {Bucket.DONE_ON_TIME: 1}
    assert services.task_tally_rebuild() == 0


def test_deadlines_pass_and_the_daily_job_is_idempotent(world, programme):
    task = _task(world, programme, world.commune, 3)
    recurring = _task(world, programme, world.ward, None, recurrence="quarterly")
    later = TODAY() + dt.timedelta(days=120)
    assert services.buckets_refresh(later) >= 2
    task.refresh_from_db()
    recurring.refresh_from_db()
    assert task.bucket == Bucket.OVERDUE
    assert recurring.deadline >= later and recurring.bucket == Bucket.OPEN_IN_TIME
    assert services.buckets_refresh(later) == 0
    assert services.task_tally_rebuild(later) == 0
    assert task_rollup(world.city, programme.document_id).total.overdue == 1


def test_decisions_adjust_drop_and_are_recorded(world, programme):
    task = _task(world, programme, world.ward, 5)
    with pytest.raises(ValidationError, match="căn cứ"):
        services.decision_record(
            world.clerk, task, kind="dropped", reference="", decided_on=TODAY()
        )
    with pytest.raises(ValidationError):
        services.decision_record(
            world.secretary, task, kind="dropped", reference="x", decided_on=TODAY()
        )
    services.decision_record(
        world.clerk, task, kind="dropped", reference="Thông báo 12-TB/TU", decided_on=TODAY()
    )
    task.refresh_from_db()
    assert task.bucket == Bucket.DROPPED
    with pytest.raises(ValidationError, match="dừng"):
        services.progress_report(world.secretary, task, percent=10)
    assert tally(programme.document, world.ward) == {Bucket.DROPPED: 1}


def test_contributions_roll_up_weighted_and_refuse_cycles(world, programme):
    higher = _task(world, programme, world.city, 60)
    ward_programme = services.programme_create(
        world.admin,
        document_for(world, "09-CTr/ĐU", owner=world.ward, issued_on=dt.date(2025, 4, 1)),
    )
    a = _task(world, ward_programme, world.ward, 30, content="A")
    b = _task(world, ward_programme, world.cell, 30, content="B")
    services.contribution_link(world.secretary, lower=a, higher=higher, weight=Decimal(3))
    services.contribution_link(world.secretary, lower=b, higher=higher, weight=Decimal(1))
    with pytest.raises(ValidationError, match="vòng lặp"):
        services.contribution_link(world.clerk, lower=higher, higher=a)
    with pytest.raises(ValidationError, match="đã có"):
        services.contribution_link(world.secretary, lower=a, higher=higher)
    services.progress_report(world.secretary, a, percent=40)
    services.progress_report(world.admin, b, percent=100, completed=True, product="Báo cáo")
    rolled = services.rolled_progress([higher])
    assert rolled[higher.pk] == pytest.approx((40 * 3 + 100 * 1) / 4)


def test_targets_roll_up_only_in_one_unit_and_show_progress_against_the_calendar(world, programme):
    city = services.target_add(
        world.clerk,
        programme,
        name="Tỷ lệ chi bộ đạt trong sạch",
        unit_of_measure="%",
        baseline=Decimal(60),
        low=Decimal(80),
        year=2027,
        aggregate="mean",
    )
    ward_programme = services.programme_create(
        world.admin,
        document_for(world, "09-CTr/ĐU", owner=world.ward, issued_on=dt.date(2025, 4, 1)),
    )
    ward = services.target_add(
        world.secretary,
        ward_programme,
        name="Tỷ lệ chi bộ",
        unit_of_measure="%",
        baseline=Decimal(60),
        low=Decimal(80),
        year=2027,
    )
    count = services.target_add(
        world.secretary,
        ward_programme,
        name="Số chi bộ",
        unit_of_measure="chi bộ",
        low=Decimal(10),
        year=2027,
    )
    with pytest.raises(ValidationError, match="khác đơn vị tính"):
        services.contribution_link(world.secretary, lower=count, higher=city)
    services.contribution_link(world.secretary, lower=ward, higher=city)
    services.actual_set(world.secretary, ward, "2025", Decimal(70))
    with pytest.raises(ValidationError, match="0 đến 100"):
        services.actual_set(world.secretary, ward, "2025", Decimal(170))
    line = target_lines([city], today=dt.date(2026, 1, 1))[0]
    assert line.actual == Decimal(70) and line.progress == pytest.approx(0.5)
    assert 0.25 < line.expected < 0.35 and not line.behind


def test_inspection_followups_enter_the_same_tracking(world, programme):
    inspection = services.inspection_create(
        world.inspector,
        organization=world.city,
        units=[world.ward],
        subject="Kiểm tra việc thực hiện Chương trình 30-CTr/TU",
        document=programme.document,
        period_from=TODAY(),
        period_to=TODAY() + dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError, match="đơn vị được kiểm tra"):
        services.followup_add(world.inspector, inspection, content="Khắc phục", lead=world.commune)
    task = services.followup_add(
        world.inspector,
        inspection,
        content="Khắc phục hạn chế",
        lead=world.ward,
        deadline=TODAY() + dt.timedelta(days=15),
    )
    assert tally(programme.document, world.ward) == {Bucket.OPEN_IN_TIME: 1}
    services.inspection_record(
        world.inspector,
        inspection,
        visited_on=TODAY(),
        findings="Chậm ban hành kế hoạch",
        conclusions="Yêu cầu khắc phục trong 15 ngày",
    )
    with pytest.raises(ValidationError):
        services.inspection_create(
            world.inspector,
            organization=world.city,
            units=[world.other_cell],
            subject="x",
            period_from=TODAY(),
            period_to=TODAY(),
        )
    assert task.inspection == inspection
