"""The unit tree: Party organisations from the Central Committee down to cells."""

import datetime as dt

from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from vn.text import fold, natural_key


class Level(models.Model):
    """A tier of the hierarchy. Rows, not an enum: depth and naming vary by province."""

    name = models.CharField(_("tên cấp"), max_length=100, unique=True)
    code = models.CharField(_("mã cấp"), max_length=20, unique=True, help_text="TW, TU, ĐU, CB…")
    rank = models.PositiveSmallIntegerField(_("thứ bậc"), help_text=_("0 là cấp cao nhất"))
    holds_members = models.BooleanField(_("có đảng viên sinh hoạt trực tiếp"), default=False)

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("cấp tổ chức")
        verbose_name_plural = _("các cấp tổ chức")

    def __str__(self) -> str:
        return self.name


class OrganizationQuerySet(MP_NodeQuerySet):
    def within(self, path: str) -> "OrganizationQuerySet":
        """The subtree rooted at `path`, the root included: one index range scan."""
        return self.filter(path__startswith=path)

    def open_on(self, day: dt.date) -> "OrganizationQuerySet":
        """Units that existed on `day`; closed units stay in the table for older records."""
        return self.filter(Q(valid_from__lte=day) | Q(valid_from__isnull=True)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )

    def open_now(self) -> "OrganizationQuerySet":
        return self.filter(valid_to__isnull=True)

    def member_total(self, org: "Organization") -> int:
        """Members in `org`'s whole subtree, summed from the per-unit counters."""
        total = self.within(org.path).aggregate(total=Sum("member_count"))["total"]
        return total or 0

    def member_totals_by_child(self, parent: "Organization") -> dict[str, int]:
        """Subtree member totals of each child of `parent`, keyed by the child's path:
        one grouped query over unit rows, never over member rows."""
        rows = sums_by_child(self, parent, "path", total=Sum("member_count"))
        return {path: row["total"] or 0 for path, row in rows.items()}


def under_any(paths, field: str = "path") -> Q:
    """Rows whose unit (reached by `field`) lies in the subtree of any of `paths`; no
    paths, no rows."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def sums_by_child(queryset, parent: "Organization", path_field: str, **sums) -> dict[str, dict]:
    """`sums` over the rows of `queryset` below `parent`, grouped by the child of `parent`
    they fall under and keyed by that child's path. `path_field` leads from a row to a
    unit path; the first (depth + 1) path steps of a descendant name its child."""
    length = (parent.depth + 1) * Organization.steplen
    rows = (
        queryset.filter(**{f"{path_field}__startswith": parent.path})
        .exclude(**{path_field: parent.path})
        .annotate(child_path=Substr(path_field, 1, length))
        .values("child_path")
        .annotate(**sums)
        .order_by()
    )
    return {row.pop("child_path"): row for row in rows}


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """A Party organisation. Never deleted: closing sets `valid_to` and keeps history."""

    name = models.CharField(_("tên"), max_length=255)
    code = models.CharField(
        _("mã đơn vị"),
        max_length=40,
        unique=True,
        help_text=_("Mã dùng khi nhập danh sách đảng viên, ví dụ HN-PBD-CB03."),
    )
    level = models.ForeignKey(Level, on_delete=models.PROTECT, verbose_name=_("cấp"))
    issuer_code = models.CharField(
        _("ký hiệu cơ quan ban hành"), max_length=30, blank=True, help_text="TU, ĐU, CB, BTGTU…"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("giải thể / sáp nhập từ"), null=True, blank=True)
    closing_note = models.CharField(_("lý do đóng"), max_length=255, blank=True)
    # Active members whose current unit is this one; the tree sums it over path ranges.
    member_count = models.PositiveIntegerField(_("số đảng viên trực tiếp"), default=0)
    # Of those, the exempt ones (miễn sinh hoạt), whom campaigns usually do not require.
    exempt_count = models.PositiveIntegerField(_("số đảng viên miễn sinh hoạt"), default=0)
    # `name` without diacritics, "đ" as "d", lower case: the chooser finds "Lâm Hạ" typed
    # "lam ha". Every write of `name` sets it through `folded_name`.
    name_folded = models.CharField(max_length=255, editable=False, default="", db_index=True)
    # The same over the unit's whole subtree, and its open cells, moved with the counts
    # above (`member_count_add`), so a dashboard reads them off the unit and its children.
    subtree_members = models.IntegerField(_("số đảng viên cả đảng bộ"), default=0)
    subtree_exempt = models.IntegerField(_("số đảng viên miễn sinh hoạt cả đảng bộ"), default=0)
    subtree_cells = models.IntegerField(_("số chi bộ đang hoạt động cả đảng bộ"), default=0)

    # No `node_order_by`: a sorted insert shifts the paths of the siblings after it, and
    # treebeard finds them by comparing names in the database's collation, which the stored
    # path order stops matching after a rename, a move or a tree built elsewhere (then the
    # shift collides). A new unit takes the next free step; pages sort siblings by name.
    objects = OrganizationManager()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        indexes = [models.Index(fields=["valid_to"])]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def folded_name(name: str) -> str:
        return fold(name)[:255]

    @property
    def is_open(self) -> bool:
        return self.valid_to is None

    def was_open_on(self, day: dt.date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_to is None or day < self.valid_to)

    def name_on(self, day: dt.date) -> str:
        """The name the unit bore on `day`, so that old records keep their wording."""
        later = self.renames.filter(renamed_on__gt=day).order_by("renamed_on").first()
        return later.old_name if later else self.name

    @classmethod
    def paths_above(cls, path: str) -> list[str]:
        """The paths of the unit at `path` and of every unit above it, root first."""
        return [path[:end] for end in range(cls.steplen, len(path) + 1, cls.steplen)]

    def children_by_name(self) -> list["Organization"]:
        """The units directly below, in name order (see `vn.text.natural_key`)."""
        children = Organization.objects.get_children(self).select_related("level")
        return sorted(children, key=lambda unit: natural_key(unit.name))

    def ancestors_and_self(self) -> list["Organization"]:
        paths = self.paths_above(self.path)
        return list(Organization.objects.filter(path__in=paths).order_by("depth"))


class OrganizationRename(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="renames")
    old_name = models.CharField(_("tên cũ"), max_length=255)
    new_name = models.CharField(_("tên mới"), max_length=255)
    renamed_on = models.DateField(_("ngày đổi tên"))

    class Meta:
        ordering = ["renamed_on", "pk"]
        verbose_name = _("lần đổi tên")
        verbose_name_plural = _("lịch sử đổi tên")

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"
