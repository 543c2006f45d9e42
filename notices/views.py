from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import policy
from notices import services


@login_required
@require_POST
def notice_read(request, notice_pk):
    notice = policy.get_notice_for(request.user, notice_pk)
    services.notice_read(notice)
    follow = request.POST.get("follow") and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts=None
    )
    if notice.link and follow:
        return redirect(notice.link)
    return redirect("home")
