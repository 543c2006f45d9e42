import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy
from accounts.policy import Action
from conferences.models import PartOfDay
from news import services, statistics
from news.extract.figures import QUALIFIERS
from news.extractor import LOW_CONFIDENCE
from news.forms import (
    ArticleForm,
    FeatureForm,
    PhotoForm,
    PromoteForm,
    ReadingForm,
    SiteForm,
)
from news.models import Article, Photo, Site
from nghiquyet.forms import add_service_errors, confirmed_in_page, posted
from nghiquyet.uploads import MB, UploadError, private_file
from organizations.models import Organization
from vn.formats import format_date, format_datetime, format_int

MAX_TEXT_FILE = 2 * MB
MAX_FILES = 50


def article_list(request):
    if not request.user.is_authenticated:  # a reader who typed /news/ wants the news
        return redirect("home")
    articles = (
        policy.articles_for(request.user, Action.MANAGE_NEWS)
        .select_related("organization")
        .order_by("-updated_at")[:200]
    )
    may_read = policy.has_any_scope(request.user, Action.MANAGE_NEWS)
    return render(request, "news/list.html", {"articles": articles, "may_read": may_read})


@login_required
@require_POST
def article_draft(request, conference_pk):
    conference = policy.get_conference_for(request.user, conference_pk, Action.VIEW)
    try:
        article = services.article_draft(request.user, conference)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from None
    messages.success(request, _("Đã viết bản nháp từ hồ sơ hội nghị; hãy biên tập rồi đăng."))
    return redirect("news:edit", article_pk=article.pk)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request, article_pk):
    article = policy.get_article_for(request.user, article_pk, Action.MANAGE_NEWS)
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.article_update(request.user, article, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu tin."))
            return redirect("news:edit", article_pk=article.pk)
    return render(
        request,
        "news/edit.html",
        {
            "article": article,
            "form": form,
            "photo_form": PhotoForm(),
            "photos": article.photos.all(),
            **_portal_forms(request.user, article),
        },
    )


def _line_managed(user, article: Article):
    """The article's unit and the units above it whose news this user manages."""
    line = Organization.objects.filter(path__in=Organization.paths_above(article.organization.path))
    return line.filter(pk__in=policy.organizations_for(user, Action.MANAGE_NEWS).values("pk"))


def _portal_forms(user, article: Article, feature_form=None, promote_form=None) -> dict:
    managed = _line_managed(user, article).order_by("path")
    above = managed.exclude(pk=article.organization_id)
    return {
        "feature_form": feature_form or FeatureForm(sites=managed),
        "promote_form": promote_form or (PromoteForm(units=above) if above.exists() else None),
        "features": article.features.select_related("site"),
    }


@login_required
@require_POST
def feature(request, article_pk):
    article = policy.get_article_for(request.user, article_pk, Action.MANAGE_NEWS)
    sites = _line_managed(request.user, article)
    if request.POST.get("action") == "remove":
        site = policy.get_organization_for(
            request.user, request.POST.get("site"), Action.MANAGE_NEWS
        )
        services.feature_remove(request.user, site, article)
        messages.success(request, _("Đã bỏ khỏi tin nổi bật."))
        return redirect("news:edit", article_pk=article.pk)
    form = FeatureForm(request.POST, sites=sites)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feature_set(
                request.user, data["site"], article, data["position"], data["until"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã chọn làm tin nổi bật."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("news:edit", article_pk=article.pk)


@login_required
@require_POST
def promote(request, article_pk):
    article = policy.get_article_for(request.user, article_pk, Action.MANAGE_NEWS)
    if request.POST.get("action") == "withdraw":
        to = None
    else:
        form = PromoteForm(
            request.POST,
            units=_line_managed(request.user, article).exclude(pk=article.organization_id),
        )
        if not form.is_valid():
            messages.error(request, _("Hãy chọn một đơn vị cấp trên mà bạn quản lý tin."))
            return redirect("news:edit", article_pk=article.pk)
        to = form.cleaned_data["to"]
    try:
        services.article_promote(request.user, article, to)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã đưa tin lên trang cấp trên.") if to else _("Đã thôi đưa tin lên trang cấp trên."),
        )
    return redirect("news:edit", article_pk=article.pk)


@login_required
@require_POST
def photo_add(request, article_pk):
    article = policy.get_article_for(request.user, article_pk, Action.MANAGE_NEWS)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                request.user, article, form.cleaned_data["image"], form.cleaned_data["caption"]
            )
        except UploadError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã thêm ảnh."))
    else:
        messages.error(request, _("Hãy chọn ảnh và ghi chú thích."))
    return redirect("news:edit", article_pk=article.pk)


@login_required
@require_POST
def article_publish(request, article_pk):
    article = policy.get_article_for(request.user, article_pk, Action.MANAGE_NEWS)
    publish = request.POST.get("action") != "withdraw"
    if publish and not confirmed_in_page(request):
        return redirect("news:edit", article_pk=article.pk)
    at = None
    if publish and (typed := (request.POST.get("publish_at") or "").strip()):
        try:
            at = timezone.make_aware(dt.datetime.fromisoformat(typed[:16]))
        except ValueError:
            at = None
        if at is None or at <= timezone.now():
            messages.error(
                request,
                _(
                    "Giờ hẹn đăng phải là một thời điểm sau bây giờ (ngày/tháng/năm giờ:phút); "
                    "tin chưa được đăng."
                ),
            )
            return redirect("news:edit", article_pk=article.pk)
    services.article_publish(request.user, article, publish, at=at)
    if at is not None:
        messages.success(
            request, _("Đã hẹn đăng tin lúc %(when)s.") % {"when": format_datetime(at)}
        )
    else:
        messages.success(request, _("Đã đăng tin.") if publish else _("Đã gỡ tin."))
    return redirect("news:edit", article_pk=article.pk)


# --- Public pages -------------------------------------------------------------------------


def unit_news(request, unit_pk):
    """The old address of a unit's news: its site now has a readable one."""
    site = Site.objects.filter(organization_id=unit_pk).first()
    if site is None:
        raise Http404
    return redirect("portal:site", site_slug=site.slug, permanent=True)


def article_public(request, article_pk):
    item = Article.objects.public().filter(pk=article_pk).first()
    if item is None:
        raise Http404
    return redirect(item.get_absolute_url(), permanent=True)


def photo(request, photo_pk):
    """An article's photo: public once the article is published, else only to its editors."""
    item = (
        Photo.objects.select_related("article", "article__organization").filter(pk=photo_pk).first()
    )
    if item is None:
        raise Http404
    if not item.article.is_public and not policy.can(
        request.user, Action.MANAGE_NEWS, item.article.organization
    ):
        raise Http404
    path = private_file(item.stored_path, "news")
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if item.article.is_public else "private"
    return response


# --- Reading other units' articles ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reading_new(request):
    if not policy.has_any_scope(request.user, Action.MANAGE_NEWS):
        raise PermissionDenied
    data = posted(request) if request.method == "POST" else None
    if request.method == "POST" and data is None:
        form = ReadingForm({})
        form.full_clean()  # bound and checked, so the error can be attached to the field
        form.add_error(
            "text",
            _(
                "Nội dung gửi lên quá lớn (trên %(n)s MB). Một tin bài chỉ vài chục nghìn ký "
                "tự: hãy dán riêng phần bài viết, hoặc tải lên dưới dạng tệp."
            )
            % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // MB},
        )
    else:
        form = ReadingForm(data, request.FILES or None)
    if request.method == "POST" and data is not None and form.is_valid():
        texts = []
        if form.cleaned_data["text"].strip():
            texts.append((form.cleaned_data["text"], ""))
        files = form.cleaned_data["files"] or []
        if len(files) > MAX_FILES:
            form.add_error("files", _("Tối đa %(n)s tệp một lần.") % {"n": MAX_FILES})
        for upload in files[:MAX_FILES]:
            if upload.size > MAX_TEXT_FILE:
                form.add_error("files", _("Tệp %(name)s quá lớn.") % {"name": upload.name})
                continue
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                text = None
            # A NUL never occurs in text: the file is UTF-16 (or not text at all).
            if text is None or "\x00" in text:
                form.add_error(
                    "files",
                    _("Tệp %(name)s không phải văn bản UTF-8.") % {"name": upload.name},
                )
            else:
                texts.append((text, upload.name))
        if not texts and not form.errors:
            form.add_error("text", _("Hãy dán nội dung bài viết hoặc chọn tệp."))
        if not form.errors:
            readings = [services.reading_create(request.user, t, name) for t, name in texts]
            if len(readings) == 1:
                return redirect("news:reading", reading_pk=readings[0].pk)
            messages.success(request, _("Đã đọc %(n)s bài viết.") % {"n": len(readings)})
            return redirect("news:read")
    recent = policy.readings_for(request.user).select_related("conference")[:50]
    return render(request, "news/read.html", {"form": form, "recent": recent})


@login_required
@require_http_methods(["GET", "POST"])
def reading_detail(request, reading_pk):
    reading = policy.get_reading_for(request.user, reading_pk)
    found = services.proposals(request.user, reading)
    if request.method == "POST" and not (request.POST.get("campaign") and request.POST.get("unit")):
        messages.error(request, _("Hãy chọn đợt học tập và đơn vị."))
    elif request.method == "POST":
        campaign = policy.get_campaign_for(request.user, request.POST.get("campaign"), Action.VIEW)
        unit = policy.get_organization_for(request.user, request.POST.get("unit"), Action.VIEW)
        try:
            conference = services.reading_record(request.user, reading, campaign, unit)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã ghi nhận hội nghị theo tin bài."))
            return redirect("conferences:detail", conference_pk=conference.pk)
    facts = reading.found or {}
    confidence = facts.get("confidence") or {}
    low = {name for name, value in confidence.items() if value < LOW_CONFIDENCE}
    cited = [str(s) for s in facts.get("documents") or []]
    registered = {
        d.symbol: d
        for d in policy.documents_for(request.user, Action.VIEW)
        .filter(symbol__in=cited)
        .order_by("pk")
    }
    return render(
        request,
        "news/reading.html",
        {
            "reading": reading,
            "found": reading.found,
            "event_when": _event_when(facts),
            "attendees_written": _count_written(facts),
            "low": low,
            "cited": [(symbol, registered.get(symbol)) for symbol in cited],
            "proposals": found,
        },
    )


def _event_when(found: dict) -> str:
    """The day the article dates, as pages write it: "Chiều 27/12/2023", "04/12/2023",
    "14:30 04/12/2023" when the article gives the hour."""
    try:
        day = dt.date.fromisoformat(found.get("event_date") or "")
    except ValueError:
        return ""
    hour = found.get("event_time")
    if isinstance(hour, str) and len(hour) == 5:
        return f"{hour} {format_date(day)}"
    part = found.get("event_part_of_day")
    if part in (PartOfDay.EXACT, PartOfDay.UNKNOWN) or part not in PartOfDay.values:
        return format_date(day)
    return f"{PartOfDay(part).label} {format_date(day)}"


def _count_written(found: dict) -> str:
    """The head count as the article gives it: "gần 300", "1.200"; "" when none."""
    count = found.get("attendees")
    if not isinstance(count, int):
        return ""
    qualifier = found.get("attendees_qualifier")
    qualifier = qualifier if qualifier in QUALIFIERS else ""
    return f"{qualifier} {format_int(count)}".strip()


# --- Statistics for editors ------------------------------------------------------------

STATS_DAYS = 30


@login_required
def stats(request):
    """Views per day, top items this week and visitors per site, for the sites whose
    news the user manages; as a page or an XLSX file."""
    if not policy.has_any_scope(request.user, Action.MANAGE_NEWS):
        raise PermissionDenied
    figures = statistics.for_sites(policy.organizations_for(request.user, Action.MANAGE_NEWS))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            statistics.workbook(figures),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="thong-ke-truy-cap.xlsx"'
        return response
    return render(request, "news/stats.html", {"figures": figures})


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request, unit_pk):
    """The contact shown in the footer of a unit's public site."""
    unit = policy.get_organization_for(request.user, unit_pk, Action.MANAGE_NEWS)
    site = Site.objects.filter(organization=unit).first() or Site(organization=unit)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        services.site_update(request.user, unit, **form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin liên hệ của trang tin."))
        return redirect("news:site-edit", unit_pk=unit.pk)
    return render(request, "news/site_edit.html", {"unit": unit, "form": form, "site": site})
