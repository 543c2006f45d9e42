"""manage.py drain_checkins: apply the QR check-ins waiting in the inbox, in batches
(`nghiquyet.drains` for the loop and its options)."""

from conferences.inbox import BATCH, checkin_drain
from nghiquyet.drains import DrainCommand


class Command(DrainCommand):
    help = "Ghi nhận các lượt điểm danh bằng mã QR đang chờ, theo từng lô."
    drain = staticmethod(checkin_drain)
    batch = BATCH
    unit = "lượt điểm danh"
