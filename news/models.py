"""News items a unit publishes about its conferences, their photos, honest view counts,
and articles of other units read by the extractor."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference
from organizations.models import Organization
from vn.text import fold


class ArticleQuerySet(models.QuerySet):
    def public(self) -> "ArticleQuerySet":
        """What anyone may read: published items of units that are still open, once their
        publication time has come (an editor may schedule it)."""
        return self.filter(
            state=Article.State.PUBLISHED,
            organization__valid_to__isnull=True,
            published_at__lte=timezone.now(),
        )

    def of_site(self, unit: Organization) -> "ArticleQuerySet":
        """A site's items: the unit's, its subtree's, and those promoted to it."""
        return self.filter(
            models.Q(organization__path__startswith=unit.path) | models.Q(promoted_to=unit)
        )

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
    categories = models.ManyToManyField(
        "Category", blank=True, related_name="articles", verbose_name=_("chuyên mục")
    )
    # Chosen by an editor of the unit above: the item shows on that unit's site as its own.
    promoted_to = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promoted_articles",
        verbose_name=_("đưa lên trang"),
    )
    # Title, lead, body and author folded (no diacritics, lower case), for search.
    search_text = models.TextField(blank=True, default="")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["organization", "state", "-published_at"])]
        verbose_name = _("tin bài")
        verbose_name_plural = _("tin bài")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:article", kwargs={"article_pk": self.pk, "slug": self.slug})

    @property
    def is_public(self) -> bool:
        """As in `ArticleQuerySet.public`: published, by a unit still open."""
        return self.state == self.State.PUBLISHED and self.organization.is_open

    @property
    def slug(self) -> str:
        return slugify(fold(self.title))[:80].strip("-") or "tin"

    @property
    def is_public_now(self) -> bool:
        return (
            self.is_public
            and self.published_at is not None
            and (self.published_at <= timezone.now())
        )

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


class Category(models.Model):
    name = models.CharField(_("tên chuyên mục"), max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A unit's public news site: its readable address and the contact in its footer.
    Made when the unit first publishes."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="news_site"
    )
    slug = models.SlugField(max_length=160, unique=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=60, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        verbose_name = _("trang tin")
        verbose_name_plural = _("trang tin")

    def __str__(self) -> str:
        return self.slug


class Feature(models.Model):
    """An item pinned among a site's "Tin nổi bật", in the editor's order, until a time."""

    site = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="features")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    until = models.DateTimeField(_("nổi bật đến"), null=True, blank=True)

    class Meta:
        ordering = ["position", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "article"], name="feature_once_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.article_id}"


class ArticleDay(models.Model):
    """Readers of an item on one day, written in batches from the cache (news/counting.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="article_day_once")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}"


class SiteDay(models.Model):
    """Distinct visitors of a unit's site on one day, written in batches from the cache."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="site_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.day}"


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
