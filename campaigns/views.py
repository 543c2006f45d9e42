from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policy
from accounts.policy import Action
from campaigns import services
from campaigns.forms import CampaignEditForm, CampaignForm
from members.models import Member
from nghiquyet.forms import add_service_errors, confirmed_in_page


@login_required
def campaign_list(request):
    campaigns = policy.campaigns_for(request.user, Action.VIEW).select_related("owner")
    return render(
        request,
        "campaigns/list.html",
        {
            "campaigns": campaigns[:500],
            "may_create": policy.has_any_scope(request.user, Action.MANAGE_CAMPAIGNS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    owners = (
        policy.organizations_for(request.user, Action.MANAGE_CAMPAIGNS)
        .open_now()
        .select_related("level")
        .order_by("path")
    )
    if not owners.exists():
        raise PermissionDenied
    documents = policy.documents_for(request.user, Action.VIEW).order_by("-issued_on", "-pk")
    # A board opens campaigns for the unit it serves: that unit comes chosen.
    tops = list(policy.top_units_for(request.user, Action.MANAGE_CAMPAIGNS).open_now()[:2])
    form = CampaignForm(
        request.POST or None,
        initial={"owner": tops[0].pk} if len(tops) == 1 else None,
        owners=owners,
        documents=documents,
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields["prompts"] = fields.pop("prompts_text")
        fields["rating_scale"] = fields.pop("scale_text")
        try:
            campaign = services.campaign_create(request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã tạo đợt học tập."))
            return redirect("campaigns:detail", campaign_pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.MANAGE_CAMPAIGNS)
    documents = policy.documents_for(request.user, Action.VIEW) | campaign.documents.all()
    form = CampaignEditForm(
        request.POST or None,
        instance=campaign,
        documents=documents.distinct().order_by("-issued_on", "-pk"),
    )
    arrived = services.reports_arrived(campaign)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields["prompts"] = fields.pop("prompts_text")
        fields["rating_scale"] = fields.pop("scale_text")
        try:
            services.campaign_update(request.user, campaign, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi của đợt học tập."))
            return redirect("campaigns:detail", campaign_pk=campaign.pk)
    return render(
        request,
        "campaigns/edit.html",
        {"form": form, "campaign": campaign, "arrived": arrived},
    )


@login_required
@require_http_methods(["POST"])
def campaign_close(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.MANAGE_CAMPAIGNS)
    if not confirmed_in_page(request):
        return redirect("campaigns:detail", campaign_pk=campaign.pk)
    try:
        services.campaign_close(request.user, campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã kết thúc đợt học tập; từ nay không nhận bài nữa."))
    return redirect("campaigns:detail", campaign_pk=campaign.pk)


@login_required
def campaign_detail(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    visible = policy.documents_for(request.user, Action.VIEW)
    documents = campaign.documents.filter(pk__in=visible.values("pk")).prefetch_related(
        "attachments"
    )
    conferences = (
        policy.conferences_for(request.user, Action.VIEW)
        .filter(campaign=campaign)
        .select_related("organizer")
        .order_by("starts_at")
    )
    may_schedule = (
        policy.organizations_for(request.user, Action.MANAGE_CONFERENCES)
        .filter(path__startswith=campaign.owner.path)
        .exists()
    )
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "documents": documents,
            "conferences": conferences[:200],
            "may_schedule": may_schedule,
            "may_edit": policy.campaigns_for(request.user, Action.MANAGE_CAMPAIGNS)
            .filter(pk=campaign.pk)
            .exists(),
            "sees_figures": policy.has_any_scope(request.user, Action.VIEW),
            "writes": Member.objects.active()
            .filter(user=request.user, organization__path__startswith=campaign.owner.path)
            .exists(),
            "reviews": policy.has_any_scope(request.user, Action.REVIEW_REPORTS),
            "follows_up": policy.has_any_scope(request.user, Action.FOLLOW_UP_REPORTS),
        },
    )
