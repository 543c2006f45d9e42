"""The submission's front door (nghiquyet/front.py): a learning report stored and
acknowledged before Django.

`POST /api/v1/campaigns/<id>/reports` is answered as `reports.api.report_submit` answers
it when that answer is a new receipt: the caller's token from the cache, whether they may
hand in their own report now from the cache of judgements (reports/standing.py, made on a
miss by `report_submit`'s own functions), the sections cleaned by the function Django uses,
admission control read as `inbox.submission_receive` reads it, and the row written by the
inbox's own INSERT. Django answers, besides what every front door hands on: a report
typed in for another member (`member_id`), a key missing or too long, a caller the
judgement refuses (Django words it after asking the access policy), sections Django would
refuse, a quiet queue, and a retry (the key has a row already). A full queue is answered
503 here, as Django answers it, unless the key has a row.
"""

import datetime as dt
import re
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts import token_use
from nghiquyet.front import Answer, Declined, Front, QueueFull, json_body
from reports import inbox, services, standing
from reports.api import receipt_out
from reports.models import SubmissionInbox

KEY_HAS_ROW = f"""SELECT 1 FROM {SubmissionInbox._meta.db_table}
    WHERE campaign_id = %s AND member_id = %s AND "key" = %s"""


class SubmissionFront(Front):
    path = re.compile(r"/api/v1/campaigns/([1-9][0-9]{0,17})/reports")
    url_name = "report_submit"
    # Two sections of 50,000 characters, each escaped as \uXXXX, fit; Django reads more.
    max_body = min(1024 * 1024, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 1024 * 1024)

    def receive(self, environ, campaign_id: int, body: bytes) -> tuple:
        data = json_body(environ, body)
        raw = data.get("sections")
        if set(data) - {"sections", "member_id"} or data.get("member_id") is not None:
            raise Declined
        if not isinstance(raw, list) or not all(isinstance(text, str) for text in raw):
            raise Declined
        key = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        if len(key) > services.MAX_KEY or not key.strip():
            raise Declined
        digest = self.digest(environ)
        second = inbox.BACKLOG.arrivals_key.format(second=int(time.time()))
        caller, found = self.caller(
            environ,
            digest,
            [*standing.keys(campaign_id, digest), *self.queue_keys(inbox.BACKLOG, second)],
        )
        current, judged = standing.known(found, campaign_id, digest)
        if not current:
            judged = self.django_reads(standing.judge, found, caller.user_id, campaign_id, digest)
        if judged is None or not judged.open_on(timezone.localdate()):
            raise Declined
        try:
            sections = services.sections_cleaned(judged.sections, raw)
        except ValidationError:
            raise Declined from None
        key = key.strip()
        try:
            self.queue_open(inbox.BACKLOG, found, second, settings.SUBMISSION_MAX_WAIT_SECONDS)
        except QueueFull as full:
            return self._busy(caller, campaign_id, judged.member_id, key, full.retry_after)
        row = SubmissionInbox(
            campaign_id=campaign_id,
            member_id=judged.member_id,
            actor_id=caller.user_id,
            sections=sections,
            key=key,
            received_at=dt.datetime.now(dt.UTC),
        )
        row.pk = self._insert(inbox.INSERT, inbox.insert_params(row))
        if row.pk is None:
            raise Declined
        self.stored(inbox.BACKLOG, second, caller, row.received_at)
        return "202 Accepted", receipt_out(row)

    def _busy(self, caller, campaign_id: int, member_id: int, key: str, retry_after: int):
        """`report_submit`'s 503 when the queue is full, unless the key has a row (Django
        answers a retry with its receipt). In the site's language: the door takes no
        cookie, so no language was chosen. The token's use is noted, as for any call."""
        if self._execute(KEY_HAS_ROW, [campaign_id, member_id, key]) is not None:
            raise Declined
        token_use.token_used(caller.token_id, caller.ip)
        with translation.override(settings.LANGUAGE_CODE):
            busy = inbox.SubmissionBusy(retry_after)
            return Answer(
                "503 Service Unavailable",
                {"detail": str(busy)},
                "application/json",
                (("Retry-After", str(busy.retry_after)),),
                by_cookie=False,
            )
