"""News items a unit publishes about its conferences, their photos, honest view counts,
and articles of other units read by the extractor."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference
from organizations.models import Organization


class ArticleQuerySet(models.QuerySet):
    def public(self) -> "ArticleQuerySet":
        """What anyone may read: published items of units that are still open."""
        return self.filter(state=Article.State.PUBLISHED, organization__valid_to__isnull=True)

    def sites(self) -> models.QuerySet[Organization]:
        """The units these items belong to. `Article.objects.public().sites()` are the
        units with a public news page; no other unit answers, so ids cannot be walked."""
        return Organization.objects.filter(pk__in=self.values("organization_id"))


class Article(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã đăng")
        WITHDRAWN = "withdrawn", _("Đã gỡ")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="articles", verbose_name=_("đơn vị")
    )
    conference = models.ForeignKey(
        Conference, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    lead = models.TextField(_("sa pô"), blank=True)
    body = models.TextField(_("nội dung"))
    author = models.CharField(_("tác giả"), max_length=120, blank=True)
    state = models.CharField(max_length=12, choices=State, default=State.DRAFT)
    views = models.PositiveIntegerField(_("lượt xem"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("ngày đăng"), null=True, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["organization", "state", "-published_at"])]
        verbose_name = _("tin bài")
        verbose_name_plural = _("tin bài")

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """As in `ArticleQuerySet.public`: published, by a unit still open."""
        return self.state == self.State.PUBLISHED and self.organization.is_open

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n") if p.strip()]


class Photo(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photos")
    stored_path = models.CharField(max_length=500)
    content_type = models.CharField(max_length=40)
    caption = models.CharField(_("chú thích"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["article", "position", "pk"]

    def __str__(self) -> str:
        return self.caption


class View(models.Model):
    """One reader's view of an article on one day: a reload or a second tab the same
    day finds the row and counts nothing."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    reader = models.CharField(max_length=64)  # keyed digest of address, browser and day
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "reader", "day"], name="view_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}"


class Reading(models.Model):
    """An article of another unit, pasted or uploaded, with what the extractor found and
    what the officer did with it."""

    text = models.TextField()
    file_name = models.CharField(max_length=255, blank=True)
    found = models.JSONField(default=dict)
    conference = models.ForeignKey(
        Conference, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name or f"#{self.pk}"
