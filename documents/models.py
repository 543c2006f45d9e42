"""The document registry: resolutions, programmes, plans and letters, and their cascade."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class Kind(models.TextChoices):
    """What the document is, named explicitly: the symbol's type code can be ambiguous."""

    RESOLUTION = "nghi_quyet", _("Nghị quyết")
    DIRECTIVE = "chi_thi", _("Chỉ thị")
    CONCLUSION = "ket_luan", _("Kết luận")
    REGULATION = "quy_dinh", _("Quy định")
    DECISION = "quyet_dinh", _("Quyết định")
    RULES = "quy_che", _("Quy chế")
    PLAN = "ke_hoach", _("Kế hoạch")
    PROGRAMME = "chuong_trinh", _("Chương trình hành động")
    GUIDANCE = "huong_dan", _("Hướng dẫn")
    LETTER = "cong_van", _("Công văn")
    NOTICE = "thong_bao", _("Thông báo")
    REPORT = "bao_cao", _("Báo cáo")
    PROJECT = "de_an", _("Đề án")
    SUBMISSION = "to_trinh", _("Tờ trình")
    PARTY_CIRCULAR = "thong_tri", _("Thông tri")
    DECREE = "nghi_dinh", _("Nghị định")
    CIRCULAR = "thong_tu", _("Thông tư")
    LAW = "luat", _("Luật")
    OTHER = "khac", _("Văn bản khác")


class DocumentQuerySet(models.QuerySet):
    def implementing(self) -> "DocumentQuerySet":
        return self.filter(kind__in=IMPLEMENTING_KINDS)


IMPLEMENTING_KINDS = (Kind.PLAN, Kind.PROGRAMME, Kind.PROJECT)


class Document(models.Model):
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=Kind.choices)
    symbol_raw = models.CharField(_("số, ký hiệu (như đã nhập)"), max_length=120, blank=True)
    # Filled from the parsed symbol; empty when it could not be read (a warning is shown).
    symbol = models.CharField(_("số, ký hiệu"), max_length=120, blank=True, db_index=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    type_code = models.CharField(_("mã loại"), max_length=20, blank=True)
    issuer_code = models.CharField(_("ký hiệu cơ quan"), max_length=60, blank=True)
    system = models.CharField(
        max_length=10, choices=[("party", _("Đảng")), ("state", _("Nhà nước"))], blank=True
    )
    issuer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("cơ quan ban hành (trong hệ thống)"),
    )
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    issued_on = models.DateField(_("ngày ban hành"))
    year = models.PositiveSmallIntegerField(_("năm (văn bản Nhà nước)"), null=True, blank=True)
    term = models.PositiveSmallIntegerField(
        _("khóa"), null=True, blank=True, help_text=_("Nhiệm kỳ của cấp ủy ban hành, ví dụ 13.")
    )
    plenum = models.PositiveSmallIntegerField(
        _("Hội nghị Trung ương lần thứ"), null=True, blank=True
    )
    title = models.TextField(_("trích yếu"))
    # The unit whose registry holds the record: access follows its place in the tree.
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="registered_documents",
        verbose_name=_("đơn vị quản lý"),
    )
    # Title, symbols and attachment text as written (PostgreSQL indexes it through
    # unaccent), and the same folded one character for one (SQLite searches it; both
    # use it to cut out the matching passage).
    search_text = models.TextField(editable=False, default="")
    search_folded = models.TextField(editable=False, default="")
    dedupe_key = models.CharField(max_length=200, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="one_document_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["term", "plenum"]),
            # The registry's default order, and the newest-first walk that picks which
            # full-text matches get ranked.
            models.Index(fields=["-issued_on", "-id"], name="documents_newest_first"),
        ]

    def __str__(self) -> str:
        label = self.symbol or self.symbol_raw
        return f"{label} — {self.title[:80]}" if label else self.title[:100]

    @property
    def symbol_unreadable(self) -> bool:
        return bool(self.symbol_raw) and not self.symbol

    @property
    def display_symbol(self) -> str:
        return self.symbol or self.symbol_raw


class Attachment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Đang trích xuất")
        DONE = "done", _("Đã trích xuất")
        PARTIAL = "partial", _("Đã trích xuất một phần")
        FAILED = "failed", _("Không trích xuất được")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    stored_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Why the text is missing (failed) or incomplete (partial).
    error = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name


class LinkKind(models.TextChoices):
    IMPLEMENTS = "implements", _("triển khai thực hiện")
    GUIDES = "guides", _("hướng dẫn thực hiện")
    REPLACES = "replaces", _("thay thế")


class DocumentLink(models.Model):
    """`source` implements / guides / replaces `target` (the higher or older document)."""

    source = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("quan hệ"), max_length=12, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("liên kết văn bản")
        verbose_name_plural = _("liên kết văn bản")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="one_link_per_kind"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="no_self_link"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.source.display_symbol} {self.get_kind_display()} {self.target.display_symbol}"
        )


class Obligation(models.Model):
    """Unit X must issue a plan implementing document D by a date."""

    class State(models.TextChoices):
        NOT_DRAFTED = "not_drafted", _("Chưa xây dựng")
        DRAFTED = "drafted", _("Đã xây dựng, chưa gửi")
        SENT = "sent", _("Đã gửi")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="obligations")
    unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("đơn vị")
    )
    due_on = models.DateField(_("hạn ban hành"))
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=State.choices, default=State.NOT_DRAFTED
    )
    plan = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfils",
        verbose_name=_("văn bản đã ban hành"),
    )
    sent_on = models.DateField(_("ngày gửi"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu xây dựng kế hoạch")
        verbose_name_plural = _("yêu cầu xây dựng kế hoạch")
        constraints = [
            models.UniqueConstraint(fields=["document", "unit"], name="one_obligation_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.document.display_symbol}"


class RegistrationRequest(models.Model):
    """Whoever opens a campaign asks the committee's office to register a document not yet
    in the registry; the office answers by registering it."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="registration_requests",
        verbose_name=_("đơn vị"),
    )
    text = models.CharField(_("số, ký hiệu hoặc trích yếu văn bản"), max_length=300)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("đề nghị đăng ký văn bản")
        verbose_name_plural = _("đề nghị đăng ký văn bản")
        indexes = [models.Index(fields=["answered_at", "organization"])]

    def __str__(self) -> str:
        return self.text
