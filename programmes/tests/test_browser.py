"""The lead unit reports progress on its task from the page, then completes it."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import login
from programmes import services
from programmes.models import Bucket, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_unit_reports_progress_and_completion(world, programme, page):
    task = services.task_add(
        world.clerk,
        programme,
        content="Xây dựng kế hoạch chuyển đổi số của phường",
        lead=world.ward,
        deadline=timezone.localdate() + dt.timedelta(days=20),
        product="Kế hoạch",
    )
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, "bithu")
    page.goto(f"/programmes/tasks/{task.pk}/")
    page.fill("#id_p-percent", "60")
    page.fill("#id_p-note", "Đã xong dự thảo, đang lấy ý kiến các chi bộ")
    page.click("#progress-form button[type=submit]")
    page.wait_for_selector("text=Đã gửi báo cáo tiến độ")
    assert "60%" in page.inner_text("#progress")
    page.fill("#id_p-percent", "100")
    page.check("#id_p-completed")
    page.click("#progress-form button[type=submit]")
    assert "sản phẩm" in page.inner_text("#progress-form")  # completion needs the product
    page.fill("#id_p-product", "Kế hoạch số 12-KH/ĐU")
    page.click("#progress-form button[type=submit]")
    page.wait_for_selector("text=Đã gửi báo cáo tiến độ")
    task.refresh_from_db()
    assert task.bucket == Bucket.DONE_ON_TIME and Task.objects.get().percent == 100
    assert "Hoàn thành đúng hạn" in page.inner_text("h1")
