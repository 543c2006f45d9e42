"""The project's WSGI application, whose check-in front door stops its own process
(SIGSTOP) right after its INSERT once, when the file named by NQ_STOP_AFTER_INSERT exists:
a test then kills the process there with SIGKILL, the row stored and the answer unsent."""

import os
import signal
from contextlib import suppress

from nghiquyet.wsgi import application  # noqa: F401  (served by gunicorn; sets Django up)

# isort: split
from conferences.front import CheckinFront

_insert = CheckinFront._insert


def _insert_then_stop(self, params):
    pk = _insert(self, params)
    with suppress(FileNotFoundError):
        os.unlink(os.environ["NQ_STOP_AFTER_INSERT"])
        os.kill(os.getpid(), signal.SIGSTOP)
    return pk


CheckinFront._insert = _insert_then_stop
