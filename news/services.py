"""Writes for news: drafting from a conference, editing, photos, publishing, honest view
counts, and turning another unit's article into a recorded conference."""

import datetime as dt
import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from campaigns.models import Campaign
from conferences import services as conferences
from conferences.models import PART_OF_DAY_STARTS, Conference, Format, PartOfDay
from documents.names import find_named_resolutions
from documents.symbols import canonical
from news import matching
from news.drafting import draft_for
from news.extractor import extract_reading
from news.models import Article, Photo, Reading, View
from nghiquyet.images import image_clean
from nghiquyet.uploads import MB, UploadError, store_private
from organizations.models import Organization
from reports.services import clean_text

MAX_PHOTO = 8 * MB
MAX_BODY = 100_000
MAX_READING = 200_000  # characters kept of a pasted article; news items are a few pages
# New readers one address may add to an article in an hour: a household or an office
# behind one address, not a script renaming its browser.
READERS_PER_ADDRESS_HOUR = 5
# Automated clients announce themselves; a view by one of them is not a reader's.
_BOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|headless|python-|curl|wget|httpclient"
    r"|facebookexternalhit|zalo",
    re.IGNORECASE,
)


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
        audit_record(actor, "news.draft", article, {"title": [None, article.title]})
    return article


def article_update(actor, article: Article, *, title: str, lead: str, body: str, author: str):
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
    with transaction.atomic():
        article.save()
        changed = {k: [v, getattr(article, k)] for k, v in old.items() if v != getattr(article, k)}
        if changed:
            audit_record(actor, "news.edit", article, changed)
    return article


def article_publish(actor, article: Article, publish: bool = True) -> Article:
    old = article.state
    article.state = Article.State.PUBLISHED if publish else Article.State.WITHDRAWN
    if publish and article.published_at is None:
        article.published_at = timezone.now()
    with transaction.atomic():
        article.save(update_fields=["state", "published_at"])
        audit_record(
            actor,
            "news.publish" if publish else "news.withdraw",
            article,
            {"state": [old, article.state]},
        )
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


def _digest(*parts: str) -> str:
    """A keyed digest under a key derived from the secret and today's date: what is stored
    cannot be turned back into an address, nor matched with another day's digests."""
    day = timezone.localdate().isoformat()
    value = "|".join(parts)
    return salted_hmac(f"news.reader.{day}", value, algorithm="sha256").hexdigest()


def _new_reader_allowed(article: Article, address: str) -> bool:
    """Spend one of the address's new readers of this article for the current hour."""
    hour = timezone.now().strftime("%Y%m%d%H")
    key = "news-readers:" + _digest(str(article.pk), address, hour)
    cache.add(key, 0, timeout=3600)
    try:
        spent = cache.incr(key)
    except ValueError:  # evicted in between: start again
        cache.set(key, 1, timeout=3600)
        spent = 1
    return spent <= READERS_PER_ADDRESS_HOUR


def is_bot(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return not agent or bool(_BOTS.search(agent)) or "prefetch" in purpose.lower()


def view_count(article: Article, request) -> bool:
    """Count a reader's first view of the day; reloads, bots and prefetches count nothing,
    nor do new readers beyond READERS_PER_ADDRESS_HOUR from one address (a script that
    changes its browser name each time). Stores a digest, never the address."""
    if is_bot(request):
        return False
    address = request.META.get("REMOTE_ADDR", "")
    reader = _digest(address, request.META.get("HTTP_USER_AGENT", ""))
    day = timezone.localdate()
    if View.objects.filter(article=article, reader=reader, day=day).exists():
        return False
    if not _new_reader_allowed(article, address):
        return False
    try:
        with transaction.atomic():
            View.objects.create(article=article, reader=reader, day=day)
    except IntegrityError:
        return False
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)
    return True


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
