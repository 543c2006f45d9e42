import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from programmes import services
from programmes.models import Bucket

pytestmark = pytest.mark.django_db


def test_the_daily_command_moves_reminds_and_sends_nothing_twice(world, programme, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.secretary.email = "bithu@example.vn"
    world.secretary.save()
    programme.remind_after = 1
    programme.save()
    task = services.task_add(
        world.clerk,
        programme,
        content="Ban hành kế hoạch",
        lead=world.ward,
        deadline=timezone.localdate() + dt.timedelta(days=1),
    )
    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    out = io.StringIO()
    call_command("daily_jobs", "--date", later, stdout=out)
    task.refresh_from_db()
    assert task.bucket == Bucket.OVERDUE and task.escalated
    sent = len(mail.outbox)
    assert sent >= 1 and "Đã chuyển 1 nhiệm vụ" in out.getvalue()
    call_command("daily_jobs", "--date", later, stdout=io.StringIO())
    assert len(mail.outbox) == sent
