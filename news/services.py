"""Writes for news: drafting from a conference, editing, photos, publishing, honest view
counts, and turning another unit's article into a recorded conference."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from campaigns.models import Campaign
from conferences import services as conferences
from conferences.models import PART_OF_DAY_STARTS, Conference, Format, PartOfDay
from documents.names import find_named_resolutions
from documents.symbols import canonical, find_symbols
from news import matching
from news.drafting import draft_for
from news.extractor import extract_reading
from news.models import Article, Category, Feature, Photo, Reading, Site
from nghiquyet.images import image_clean
from nghiquyet.uploads import MB, UploadError, store_private
from organizations.models import Organization
from reports.services import clean_text
from vn.text import fold

MAX_PHOTO = 8 * MB
MAX_BODY = 100_000
MAX_READING = 200_000  # characters kept of a pasted article; news items are a few pages


def article_draft(actor, conference: Conference) -> Article:
    if not policy.can(actor, Action.MANAGE_NEWS, conference.organizer):
        raise ValidationError(_("Bạn không được viết tin cho đơn vị này."))
    draft = draft_for(conference)
    with transaction.atomic():
        article = Article.objects.create(
            organization=conference.organizer,
            conference=conference,
            title=draft.title,
            lead=draft.lead,
            body=draft.body,
            created_by=actor,
        )
        article.search_text = search_text_of(article)
        article.save(update_fields=["search_text"])
        audit_record(actor, "news.draft", article, {"title": [None, article.title]})
    return article


def article_create(actor, unit: Organization, *, title: str, lead: str, body: str) -> Article:
    """A draft of the unit's own, not drawn from a conference (a new document, a
    campaign's launch); the editor revises it with `article_update` before publishing."""
    if not policy.can(actor, Action.MANAGE_NEWS, unit):
        raise ValidationError(_("Bạn không được viết tin cho đơn vị này."))
    with transaction.atomic():
        article = Article.objects.create(
            organization=unit, title=title[:300], lead=lead, body=body, created_by=actor
        )
        article.search_text = search_text_of(article)
        article.save(update_fields=["search_text"])
        audit_record(actor, "news.draft", article, {"title": [None, article.title]})
    return article


def search_text_of(article: Article) -> str:
    """What search matches: the words without diacritics, and each document symbol the
    text cites also in its canonical form (`23/NQ-TU` is found as `23-NQ/TU`)."""
    text = "\n".join([article.title, article.lead, article.body, article.author])
    symbols = [match.symbol.canonical for match in find_symbols(text)]
    return fold(" ".join([text, *symbols]))


def article_update(
    actor,
    article: Article,
    *,
    title: str,
    lead: str,
    body: str,
    author: str,
    categories: list[Category] | None = None,
):
    title, lead, body = " ".join(title.split()), clean_text(lead), clean_text(body)
    problems = {}
    if not title:
        problems["title"] = _("Tin cần có tiêu đề.")
    if not body:
        problems["body"] = _("Tin cần có nội dung.")
    elif len(body) > MAX_BODY:
        problems["body"] = _("Nội dung quá dài (tối đa 100.000 ký tự).")
    if problems:
        raise ValidationError(problems)
    old = {"title": article.title, "lead": article.lead, "body": article.body}
    article.title, article.lead, article.body = title[:300], lead, body
    article.author = " ".join(author.split())[:120]
    article.search_text = search_text_of(article)
    with transaction.atomic():
        article.save()
        changed = {k: [v, getattr(article, k)] for k, v in old.items() if v != getattr(article, k)}
        if categories is not None:
            before = sorted(c.name for c in article.categories.all())
            article.categories.set(categories)
            after = sorted(c.name for c in categories)
            if before != after:
                changed["categories"] = [before, after]
        if changed:
            audit_record(actor, "news.edit", article, changed)
    return article


def site_for(unit: Organization) -> Site:
    """The unit's public site, made on first use with a readable address from its name
    ("Đảng bộ phường Lam Hạ" → `dang-bo-phuong-lam-ha`, numbered if already taken)."""
    site = Site.objects.filter(organization=unit).first()
    if site is not None:
        return site
    base = slugify(fold(unit.name))[:140] or "don-vi"
    slug, n = base, 1
    while Site.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    try:
        with transaction.atomic():
            return Site.objects.create(organization=unit, slug=slug)
    except IntegrityError:  # made meanwhile
        return Site.objects.get(organization=unit)


def site_update(actor, unit: Organization, *, address: str, phone: str, email: str) -> Site:
    """The contact a unit's site shows in its footer."""
    if not policy.can(actor, Action.MANAGE_NEWS, unit):
        raise ValidationError(_("Bạn không được sửa trang tin của đơn vị này."))
    site = site_for(unit)
    new = {"address": " ".join(address.split()), "phone": " ".join(phone.split()), "email": email}
    changes = {k: [getattr(site, k), v] for k, v in new.items() if getattr(site, k) != v}
    if changes:
        for name, value in new.items():
            setattr(site, name, value)
        with transaction.atomic():
            site.save(update_fields=list(new))
            audit_record(actor, "news.site", site, changes)
    return site


def article_publish(
    actor, article: Article, publish: bool = True, at: dt.datetime | None = None
) -> Article:
    """Publish now, or at `at` (a scheduled item stays off the site until then), or
    withdraw."""
    old = {"state": article.state, "published_at": article.published_at}
    article.state = Article.State.PUBLISHED if publish else Article.State.WITHDRAWN
    if publish and at is not None:
        article.published_at = at
    elif publish and article.published_at is None:
        article.published_at = timezone.now()
    with transaction.atomic():
        if publish:
            site_for(article.organization)
        article.save(update_fields=["state", "published_at"])
        changes = {
            k: [str(v) if v else v, str(getattr(article, k))]
            for k, v in old.items()
            if v != getattr(article, k)
        }
        audit_record(actor, "news.publish" if publish else "news.withdraw", article, changes)
    return article


def feature_set(
    actor, site: Organization, article: Article, position: int, until: dt.datetime | None
) -> Feature:
    """Pin an item among a site's "Tin nổi bật", in `position` order, until `until`."""
    if not policy.can(actor, Action.MANAGE_NEWS, site):
        raise ValidationError(_("Bạn không được chọn tin nổi bật cho trang này."))
    if not Article.objects.of_site(site).filter(pk=article.pk).exists():
        raise ValidationError(_("Tin này không thuộc trang tin của đơn vị."))
    if until is not None and until <= timezone.now():
        raise ValidationError({"until": _("Thời hạn nổi bật phải ở sau thời điểm hiện tại.")})
    with transaction.atomic():
        feature, _created = Feature.objects.update_or_create(
            site=site, article=article, defaults={"position": position, "until": until}
        )
        audit_record(
            actor, "news.feature", article, {"feature": [None, f"{site.name} #{position}"]}
        )
    return feature


def feature_remove(actor, site: Organization, article: Article) -> None:
    if not policy.can(actor, Action.MANAGE_NEWS, site):
        raise ValidationError(_("Bạn không được chọn tin nổi bật cho trang này."))
    with transaction.atomic():
        if Feature.objects.filter(site=site, article=article).delete()[0]:
            audit_record(actor, "news.unfeature", article, {"feature": [site.name, None]})


def article_promote(actor, article: Article, to: Organization | None) -> Article:
    """Show a unit's item on the site of a unit above it as that unit's own (`to=None`
    takes it back). Decided by an editor of the unit above."""
    target = to or article.promoted_to
    if target is None:
        return article
    if not policy.can(actor, Action.MANAGE_NEWS, target):
        raise ValidationError(_("Bạn không được đưa tin lên trang của đơn vị này."))
    if to is not None and (
        to.pk == article.organization_id or not article.organization.path.startswith(to.path)
    ):
        raise ValidationError(_("Chỉ đưa được tin của đơn vị cấp dưới lên trang cấp trên."))
    old = article.promoted_to.name if article.promoted_to else None
    article.promoted_to = to
    with transaction.atomic():
        if to is not None:
            site_for(to)
        article.save(update_fields=["promoted_to"])
        audit_record(actor, "news.promote", article, {"promoted_to": [old, to and to.name]})
    return article


def photo_add(actor, article: Article, upload, caption: str) -> Photo:
    caption = " ".join((caption or "").split())
    if not caption:
        raise ValidationError({"caption": _("Ảnh cần có chú thích.")})
    if upload.size > MAX_PHOTO:
        raise UploadError(_("Ảnh quá lớn; tối đa 8 MB."))
    image = image_clean(upload)
    stored = store_private([image.data], "news", image.suffix)
    with transaction.atomic():
        photo = Photo.objects.create(
            article=article,
            stored_path=stored,
            content_type=image.content_type,
            caption=caption[:300],
            position=article.photos.count(),
        )
        audit_record(actor, "news.photo", article, {"photo": [None, caption]})
    return photo


# --- Reading other units' articles -------------------------------------------------------


def reading_create(actor, text: str, file_name: str = "") -> Reading:
    if not policy.has_any_scope(actor, Action.MANAGE_NEWS):
        raise ValidationError(_("Bạn không có quyền đọc và ghi nhận tin bài."))
    text = text or ""
    if not text.strip():
        raise ValidationError({"text": _("Hãy dán nội dung bài viết.")})
    kept = text[:MAX_READING]
    with transaction.atomic():
        reading = Reading.objects.create(
            text=kept, file_name=file_name[:255], found=extract_reading(kept), created_by=actor
        )
        audit_record(actor, "news.read", reading, {"file": [None, reading.file_name]})
    return reading


MANUAL_CAMPAIGNS = 50
MANUAL_UNITS = 300


def proposals(actor, reading: Reading) -> dict:
    """The campaigns, units and conferences the article most likely speaks of, among
    those the actor may see. Campaigns match by the documents they study; units by the
    organiser's name (:mod:`news.matching`), ranked. When no unit is certain, or no
    campaign matched, the officer chooses among all those they may see (``manual``)."""
    found = reading.found or {}
    symbols = {canonical(s) or s for s in found.get("documents") or []}
    campaigns = policy.campaigns_for(actor, Action.VIEW)
    matched = (
        list(campaigns.filter(documents__symbol__in=symbols).distinct().order_by("-pk")[:5])
        if symbols
        else []
    )
    named = []
    for text in found.get("named_resolutions") or []:
        for resolution in find_named_resolutions(text):
            named.append(Q(documents__term=resolution.term, documents__plenum=resolution.plenum))
    if named and not matched:
        query = named[0]
        for q in named[1:]:
            query |= q
        matched = list(campaigns.filter(query).distinct().order_by("-pk")[:5])
    visible = policy.organizations_for(actor, Action.VIEW).open_now()
    ranked = matching.candidates(visible, found.get("organizer"))
    certain = matching.is_certain(ranked)
    units = [candidate.unit for candidate in ranked]
    conferences_found = []
    date = found.get("event_date")
    if date and units:
        day = dt.date.fromisoformat(date)
        conferences_found = list(
            Conference.objects.filter(organizer__in=units, starts_at__date=day).select_related(
                "organizer"
            )[:5]
        )
    manual_campaigns = (
        [] if matched else list(campaigns.distinct().order_by("-pk")[:MANUAL_CAMPAIGNS])
    )
    manual_units = (
        []
        if certain
        else [
            unit
            for unit in visible.order_by("path")[:MANUAL_UNITS]
            if unit.pk not in {u.pk for u in units}
        ]
    )
    return {
        "campaigns": matched,
        "units": units,
        "candidates": ranked,
        "certain": certain,
        "manual_campaigns": manual_campaigns,
        "manual_units": manual_units,
        "conferences": conferences_found,
    }


def reading_record(actor, reading: Reading, campaign: Campaign, unit: Organization) -> Conference:
    """Record the conference the article reports, as held by `unit` for `campaign`."""
    if reading.conference_id:
        raise ValidationError(_("Tin bài này đã được ghi nhận thành hội nghị."))
    found = reading.found or {}
    if not policy.can(actor, Action.MANAGE_CONFERENCES, unit) and not policy.can(
        actor, Action.MANAGE_NEWS, unit
    ):
        raise ValidationError(_("Bạn không được ghi nhận hội nghị cho đơn vị này."))
    if not found.get("event_date"):
        raise ValidationError(_("Không xác định được ngày hội nghị trong bài viết."))
    day = dt.date.fromisoformat(found["event_date"])
    # The article gives the day and at most its part ("chiều") or its hour: that is what
    # is recorded, never an hour nobody gave.
    part = found.get("event_part_of_day") or PartOfDay.UNKNOWN
    part = part if part in PART_OF_DAY_STARTS else PartOfDay.UNKNOWN
    hour = _hour(found.get("event_time"))
    if hour is not None:
        part = PartOfDay.EXACT
    starts = timezone.make_aware(dt.datetime.combine(day, hour or PART_OF_DAY_STARTS[part]))
    topics = [(t, "") for t in found.get("topics") or []]
    with transaction.atomic():
        conference = conferences.conference_create(
            actor,
            campaign,
            organizer=unit,
            title=(reading.text.strip().split("\n", 1)[0] or _("Hội nghị theo tin bài"))[:255],
            starts_at=starts,
            part_of_day=part,
            format=found.get("format") or Format.IN_PERSON,
            venue=_("Theo tin bài đã đăng"),
            topics=topics,
        )
        reading.conference = conference
        reading.save(update_fields=["conference"])
        audit_record(actor, "news.record", conference, {"reading": [None, reading.pk]})
    return conference


def _hour(written) -> dt.time | None:
    try:
        return dt.time.fromisoformat(written) if isinstance(written, str) else None
    except ValueError:
        return None
