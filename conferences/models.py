"""Conferences of a campaign, their bridge points and topics, attendance and make-up.

Every conference has at least one bridge point: an in-person conference has its hall, an
online one has the main site and one point per place that joins. Attendance is marked per
member at a bridge point; a member has at most one mark per campaign, so figures never
count anyone twice. Headcounts are counters kept by the services beside every mark.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from members.models import Member
from organizations.models import Organization
from vn.formats import format_date, format_datetime


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    HYBRID = "hybrid", _("Trực tiếp kết hợp trực tuyến")


class PartOfDay(models.TextChoices):
    """How much of a conference's start is known. A conference recorded from a news
    article often has only "Chiều ngày 27/12/2023": the page then says "Chiều 27/12/2023"
    and the hour stored (see PART_OF_DAY_STARTS) only orders it among others that day."""

    EXACT = "", _("Giờ chính xác")
    MORNING = "morning", _("Sáng")
    NOON = "noon", _("Trưa")
    AFTERNOON = "afternoon", _("Chiều")
    EVENING = "evening", _("Tối")
    UNKNOWN = "unknown", _("Chưa rõ giờ")


PART_OF_DAY_STARTS = {
    PartOfDay.MORNING: dt.time(8, 0),
    PartOfDay.NOON: dt.time(11, 30),
    PartOfDay.AFTERNOON: dt.time(14, 0),
    PartOfDay.EVENING: dt.time(19, 30),
    PartOfDay.UNKNOWN: dt.time(8, 0),
}


class ConferenceQuerySet(models.QuerySet):
    def studying_with(self, campaign: Campaign) -> "ConferenceQuerySet":
        """Conferences of `campaign` or of another campaign on any of its documents."""
        sharing = Campaign.objects.filter(documents__in=campaign.documents.all())
        return self.filter(Q(campaign=campaign) | Q(campaign__in=sharing))

    def relayable(self, campaign: Campaign, organizers: QuerySet) -> "ConferenceQuerySet":
        """What a conference of `campaign` held by one of `organizers` may relay: an online
        or hybrid conference on the same documents, held by a unit above one of them."""
        above = OuterRef("organizer__path")
        below = organizers.filter(path__startswith=above).exclude(path=above)
        return self.studying_with(campaign).exclude(format=Format.IN_PERSON).filter(Exists(below))


class Conference(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="conferences", verbose_name=_("đợt")
    )
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="conferences",
        verbose_name=_("đơn vị tổ chức"),
    )
    title = models.CharField(_("tên hội nghị"), max_length=255)
    starts_at = models.DateTimeField(_("bắt đầu"))
    part_of_day = models.CharField(
        _("độ chính xác của giờ bắt đầu"),
        max_length=10,
        choices=PartOfDay,
        default=PartOfDay.EXACT,
        blank=True,
    )
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    format = models.CharField(
        _("hình thức"), max_length=12, choices=Format.choices, default=Format.IN_PERSON
    )
    venue = models.CharField(_("địa điểm chính"), max_length=255)
    # Who chairs the conference (and its main hall); the news and the report name them.
    chair = models.CharField(
        _("người chủ trì"), max_length=200, blank=True, help_text=_("Ví dụ: Nguyễn Văn An.")
    )
    chair_title = models.CharField(
        _("chức vụ người chủ trì"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Bí thư Đảng ủy phường."),
    )
    agenda = models.TextField(_("chương trình"), blank=True)
    relayed_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relays",
        verbose_name=_("truyền hình từ hội nghị"),
        help_text=_("Hội nghị cấp trên mà điểm cầu này tiếp sóng."),
    )
    closed_at = models.DateTimeField(_("kết thúc điểm danh"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("hội nghị")
        verbose_name_plural = _("hội nghị")
        indexes = [models.Index(fields=["campaign", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def when(self) -> str:
        """The start as known: "27/12/2023 14:00", "Chiều 27/12/2023" or "27/12/2023"."""
        if self.part_of_day == PartOfDay.EXACT:
            return format_datetime(self.starts_at)
        if self.part_of_day == PartOfDay.UNKNOWN:
            return format_date(self.starts_at)
        return f"{self.get_part_of_day_display()} {format_date(self.starts_at)}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_online(self) -> bool:
        return self.format != Format.IN_PERSON


class Topic(models.Model):
    """A chuyên đề, presented by a named reporter (báo cáo viên)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("chuyên đề"), max_length=300)
    reporter = models.CharField(_("báo cáo viên"), max_length=200)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("chuyên đề")
        verbose_name_plural = _("chuyên đề")

    def __str__(self) -> str:
        return self.title


class BridgePointQuerySet(models.QuerySet):
    def headcount(self) -> int:
        """People at these points: members present or leaving early, and guests."""
        row = self.aggregate(n=Sum(F("present") + F("left_early") + F("guests")))
        return row["n"] or 0


class BridgePoint(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="bridge_points"
    )
    name = models.CharField(_("tên điểm cầu"), max_length=255)
    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="hosted_bridge_points",
        verbose_name=_("đơn vị chủ trì điểm cầu"),
    )
    # The members of these units' subtrees make up the expected roster.
    units = models.ManyToManyField(
        Organization, related_name="bridge_points", verbose_name=_("đơn vị dự tại điểm cầu")
    )
    chair = models.CharField(_("người chủ trì"), max_length=200, blank=True)
    chair_title = models.CharField(_("chức vụ người chủ trì"), max_length=200, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    is_main = models.BooleanField(_("điểm cầu chính"), default=False)
    # Headcounts, kept by the attendance services in the same transaction as each mark.
    present = models.PositiveIntegerField(default=0)
    left_early = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    guests = models.PositiveIntegerField(_("khách mời (không phải đảng viên)"), default=0)

    objects = BridgePointQuerySet.as_manager()

    class Meta:
        ordering = ["-is_main", "name", "pk"]
        verbose_name = _("điểm cầu")
        verbose_name_plural = _("điểm cầu")

    def __str__(self) -> str:
        return self.name

    @property
    def online(self) -> bool:
        """Whether those marked here follow the conference over the video link: everyone
        but those in the main hall (an in-person conference has nothing else)."""
        return not self.is_main

    @property
    def headcount(self) -> int:
        return self.present + self.left_early + self.guests


class Status(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    LEFT_EARLY = "left_early", _("Về sớm")
    ABSENT_EXCUSED = "absent_excused", _("Vắng có lý do")
    ABSENT_UNEXCUSED = "absent_unexcused", _("Vắng không lý do")


ATTENDED = (Status.PRESENT, Status.LEFT_EARLY)
ABSENT = (Status.ABSENT_EXCUSED, Status.ABSENT_UNEXCUSED)


class Channel(models.TextChoices):
    ROSTER = "roster", _("Điểm danh theo danh sách")
    QR = "qr", _("Quét mã QR")
    XLSX = "xlsx", _("Tải tệp điểm danh")
    CLOSE = "close", _("Chưa điểm danh khi kết thúc")


class Attendance(models.Model):
    """One member's attendance in a campaign: where, how, and when their report is due."""

    # Lookups by campaign, bridge point and unit go through the composite indexes below;
    # single-column indexes on them would only slow every insert of a check-in burst.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="attendances")
    bridge_point = models.ForeignKey(
        BridgePoint, on_delete=models.PROTECT, related_name="attendances", db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    # The member's cell when marked: figures stay where they were earned after a transfer.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    required = models.BooleanField(default=True)
    online = models.BooleanField(default=False)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("lý do vắng"), max_length=255, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # A digest of the QR token used, so that the same token cannot be replayed.
    token_digest = models.CharField(max_length=64, blank=True)
    makeup = models.ForeignKey(
        "Makeup", on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    made_up = models.BooleanField(_("đã học bù"), default=False)
    report_due = models.DateField(_("hạn nộp bài thu hoạch"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"], name="attendance_once_per_campaign"
            )
        ]
        indexes = [
            models.Index(fields=["bridge_point", "status"]),
            models.Index(fields=["campaign", "organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.status}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


class Makeup(models.Model):
    """A make-up briefing (học bù) a unit holds for its absentees."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="makeups")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    held_on = models.DateField(_("ngày học bù"))
    venue = models.CharField(_("địa điểm"), max_length=255)
    reporter = models.CharField(_("người truyền đạt"), max_length=200, blank=True)
    done = models.BooleanField(_("đã tổ chức"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("buổi học bù")
        verbose_name_plural = _("buổi học bù")

    def __str__(self) -> str:
        return f"{self.organization} {self.held_on:%d/%m/%Y}"


TALLY_FIELDS = (
    "present",
    "present_online",
    "left_early",
    "absent_excused",
    "absent_unexcused",
    "made_up",
    "encouraged",
    "guests",
)


class TallyQuerySet(models.QuerySet):
    def held_cells(self, campaign: Campaign, path: str) -> QuerySet:
        """Units in the subtree at `path` whose members have been marked at a conference."""
        marked = F("present") + F("left_early") + F("absent_excused") + F("absent_unexcused")
        return self.alias(marked=marked).filter(
            campaign=campaign, organization__path__startswith=path, marked__gt=0
        )


class Tally(models.Model):
    """A campaign's attendance figures for one unit's own members (and its guests).

    Kept by the attendance services in the same transaction as each mark; `tally_rebuild`
    recounts them from the marks and must find nothing to change.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique (campaign, organization) index serves it
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    present = models.PositiveIntegerField(default=0)
    present_online = models.PositiveIntegerField(default=0)
    left_early = models.PositiveIntegerField(default=0)
    absent_excused = models.PositiveIntegerField(default=0)
    absent_unexcused = models.PositiveIntegerField(default=0)
    made_up = models.PositiveIntegerField(default=0)
    # Members not required (exempt) who came anyway.
    encouraged = models.PositiveIntegerField(default=0)
    guests = models.PositiveIntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organization_id}"


class SubtreeTally(models.Model):
    """A campaign's attendance figures for a unit's whole subtree (its `Tally` and those of
    every unit below it), and how many open cells of the subtree have marks. Moved with
    each tally in the same transaction (`organizations.subtree.subtree_add`), so a
    dashboard reads the unit's row and its children's; `tally_rebuild` recounts them."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique (campaign, path) index serves it
    path = models.CharField(max_length=255)
    present = models.IntegerField(default=0)
    present_online = models.IntegerField(default=0)
    left_early = models.IntegerField(default=0)
    absent_excused = models.IntegerField(default=0)
    absent_unexcused = models.IntegerField(default=0)
    made_up = models.IntegerField(default=0)
    encouraged = models.IntegerField(default=0)
    guests = models.IntegerField(default=0)
    cells_held = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "path"], name="subtree_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.path}"


class CheckinInbox(models.Model):
    """A QR check-in as it arrived: the token was verified (signature and age) on arrival
    and the row written in one statement; a drain (conferences/inbox.py) then applies it
    as a mark, or refuses it, in a batch with others. `key` makes a retry or a double tap
    count once: one row per member and conference."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Đang chờ ghi nhận")
        DONE = "done", _("Đã ghi nhận")
        REFUSED = "refused", _("Không ghi nhận")

    # No constraint on the conference and the point: a foreign key check would make every
    # insert of a burst share a lock on the same conference row; the drain refuses a row
    # whose conference is gone. No index but the key's: each one slows the burst's inserts.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conference = models.ForeignKey(
        Conference,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    bridge_point = models.ForeignKey(
        BridgePoint,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    token_digest = models.CharField(max_length=64)
    token_issued_at = models.DateTimeField()
    arrived_at = models.DateTimeField()
    key = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    outcome = models.CharField(max_length=500, blank=True)
    # A refusal because of what is already recorded (the API answers it 409, not 422).
    conflict = models.BooleanField(default=False)
    attendance = models.ForeignKey(
        Attendance,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt quét mã điểm danh")
        verbose_name_plural = _("lượt quét mã điểm danh")
        indexes = [
            # The drain's queue: only waiting rows, oldest first.
            models.Index(
                fields=["id"],
                name="checkin_inbox_waiting",
                condition=Q(state="waiting"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.state}"

    @staticmethod
    def key_for(user_id: int, conference_id: int) -> str:
        return f"{conference_id}:{user_id}"
