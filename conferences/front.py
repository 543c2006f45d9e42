"""The check-in's front door (nghiquyet/front.py): a QR check-in stored and acknowledged
before Django.

`POST /api/v1/conferences/<id>/checkin` is answered as `conferences.api.conference_checkin`
answers it when that answer is a new receipt: the caller's token from the cache, the QR
verified and its age judged on arrival (`checkin.token_read`), admission control read as
`inbox.checkin_receive` reads it, and the row written by the inbox's own INSERT. Django
answers, besides what every front door hands on, a bad QR (it asks the access policy
before it words a refusal), a busy or a quiet queue and a retry (the key has a row).
"""

import datetime as dt
import re
import time

from django.conf import settings

from conferences import inbox
from conferences.api import receipt_out
from conferences.checkin import CheckinError, token_read
from conferences.models import CheckinInbox
from nghiquyet.front import Declined, Front, json_body


class CheckinFront(Front):
    path = re.compile(r"/api/v1/conferences/([1-9][0-9]{0,17})/checkin")
    url_name = "conference_checkin"
    max_body = 2048  # a token is 300 characters at most

    def receive(self, environ, conference_id: int, body: bytes) -> tuple[str, dict]:
        data = json_body(environ, body)
        if not isinstance(data.get("token"), str):
            raise Declined
        second = inbox.BACKLOG.arrivals_key.format(second=int(time.time()))
        caller, found = self.caller(
            environ, self.digest(environ), self.queue_keys(inbox.BACKLOG, second)
        )
        try:
            ticket = token_read(data["token"], conference_id)
        except CheckinError:
            raise Declined from None
        self.queue_open(inbox.BACKLOG, found, second, settings.CHECKIN_MAX_WAIT_SECONDS)
        now = dt.datetime.now(dt.UTC)
        key = CheckinInbox.key_for(caller.user_id, conference_id)
        pk = self._insert(inbox.INSERT, inbox.insert_params(caller.user_id, ticket, key, now))
        if pk is None:
            raise Declined
        self.stored(inbox.BACKLOG, second, caller, now)
        return "202 Accepted", receipt_out(
            CheckinInbox(pk=pk, conference_id=conference_id, arrived_at=now)
        )
