"""manage.py drain_submissions: apply the learning reports waiting in the inbox, in
batches (`nghiquyet.drains` for the loop and its options)."""

from nghiquyet.drains import DrainCommand
from reports.inbox import BATCH, submission_drain


class Command(DrainCommand):
    help = "Ghi nhận các bài thu hoạch đang chờ, theo từng lô."
    drain = staticmethod(submission_drain)
    batch = BATCH
    unit = "bài thu hoạch"
