"""The project's WSGI application, whose front doors stop their own process (SIGSTOP)
right after an INSERT once, when the file named by NQ_STOP_AFTER_INSERT exists: a test
then kills the process there with SIGKILL, the row stored and the answer unsent."""

import os
import signal
from contextlib import suppress

from nghiquyet.wsgi import application  # noqa: F401  (served by gunicorn; sets Django up)

# isort: split
from nghiquyet.front import Front

_insert = Front._insert


def _insert_then_stop(self, sql, params):
    pk = _insert(self, sql, params)
    with suppress(FileNotFoundError):
        os.unlink(os.environ["NQ_STOP_AFTER_INSERT"])
        os.kill(os.getpid(), signal.SIGSTOP)
    return pk


Front._insert = _insert_then_stop
