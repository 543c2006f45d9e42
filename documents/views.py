from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy
from accounts.policy import Action
from audit.models import AuditEntry
from documents import attachments, services
from documents.cascade import cascade
from documents.forms import DocumentForm, LinkForm, ObligationForm, RegistrationAskForm
from documents.models import Document, DocumentLink, Kind, Obligation, RegistrationRequest
from documents.search import resolve, search
from documents.symbols import parse_symbol
from nghiquyet.forms import add_service_errors
from programmes.services import PROGRAMME_KINDS
from vn.formats import format_date


def _require_manage(user, document: Document) -> None:
    if not policy.can(user, Action.MANAGE_DOCUMENTS, document.owner):
        raise PermissionDenied


def _document_units(user):
    return (
        policy.organizations_for(user, Action.MANAGE_DOCUMENTS)
        .open_now()
        .select_related("level")
        .order_by("path")
    )


@login_required
def document_list(request):
    visible = policy.documents_for(request.user, Action.VIEW)
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        visible = visible.filter(kind=kind)
    else:
        kind = ""
    context = {
        "query": query,
        "kind": kind,
        "kinds": Kind.choices,
        "may_register": policy.has_any_scope(request.user, Action.MANAGE_DOCUMENTS),
    }
    if query:
        context["hits"] = search(visible, query)
    else:
        documents = visible.select_related("owner").order_by("-issued_on", "-pk")
        context["page"] = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(request, "documents/list.html", context)


@login_required
def symbol_preview(request):
    """What the registry reads from a typed symbol, shown under the field as she types."""
    raw = request.GET.get("symbol_raw", "")[:120]
    symbol = parse_symbol(raw) if raw.strip() else None
    return render(request, "documents/_symbol_preview.html", {"raw": raw, "symbol": symbol})


def _write(form, write) -> tuple[Document | None, Document | None]:
    """Run a registry write; show its refusal on the form. (saved, existing duplicate)."""
    try:
        return write(), None
    except services.DuplicateDocument as error:
        form.add_error("symbol_raw", error)
        return None, error.existing
    except ValidationError as error:
        add_service_errors(form, error)
        return None, None


def _preview(form):
    raw = form["symbol_raw"].value() or ""
    return parse_symbol(raw) if raw.strip() else None


@login_required
@require_http_methods(["GET", "POST"])
def document_register(request):
    owners = _document_units(request.user)
    if not owners.exists():
        raise PermissionDenied
    initial = {"owner": request.GET.get("unit")} if request.GET.get("unit", "").isdigit() else {}
    asked = _registration_asked(request)
    if asked is not None:
        initial = {"owner": asked.organization_id, **_asked_fields(asked.text)}
    form = DocumentForm(request.POST or None, owners=owners, initial=initial)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        document, duplicate = _write(
            form, lambda: services.document_register(request.user, **form.cleaned_data)
        )
        if document is not None:
            if asked is not None:
                services.registration_answer(request.user, asked, document)
            messages.success(request, _("Đã đăng ký văn bản."))
            return redirect("documents:detail", document_pk=document.pk)
    return render(
        request,
        "documents/form.html",
        {"form": form, "duplicate": duplicate, "preview": _preview(form), "asked": asked},
    )


def _registration_asked(request) -> RegistrationRequest | None:
    """The open request the office is answering (`?request=`), within its scope."""
    wanted = request.GET.get("request", "")
    if not wanted.isdigit():
        return None
    units = policy.organizations_for(request.user, Action.MANAGE_DOCUMENTS)
    asked = (
        RegistrationRequest.objects.filter(pk=wanted, organization__in=units)
        .select_related("organization")
        .first()
    )
    if asked is None:
        raise Http404
    return asked if asked.answered_at is None else None


def _asked_fields(text: str) -> dict:
    """What was typed goes to the symbol when it reads as one, else to the title."""
    return {"symbol_raw": text} if parse_symbol(text) else {"title": text}


@login_required
@require_http_methods(["GET", "POST"])
def registration_ask(request):
    """Whoever may open a campaign asks the office to register a document it cannot find."""
    units = (
        policy.organizations_for(request.user, Action.MANAGE_CAMPAIGNS).open_now().order_by("path")
    )
    top = policy.top_units_for(request.user, Action.MANAGE_CAMPAIGNS).open_now().first()
    if top is None:
        raise PermissionDenied
    form = RegistrationAskForm(request.POST or None, units=units, initial={"organization": top})
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_ask(
                request.user, form.cleaned_data["organization"], form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã gửi đề nghị tới Văn phòng."))
            return redirect("campaigns:create")
    return render(request, "documents/ask.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, document_pk):
    document = policy.get_document_for(request.user, document_pk, Action.VIEW)
    _require_manage(request.user, document)
    form = DocumentForm(request.POST or None, instance=Document.objects.get(pk=document.pk))
    duplicate = None
    if request.method == "POST" and form.is_valid():
        saved, duplicate = _write(
            form, lambda: services.document_update(request.user, document, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("documents:detail", document_pk=document.pk)
    return render(
        request,
        "documents/form.html",
        {"form": form, "document": document, "duplicate": duplicate, "preview": _preview(form)},
    )


@login_required
def document_detail(request, document_pk):
    document = policy.get_document_for(request.user, document_pk, Action.VIEW)
    visible = policy.documents_for(request.user, Action.VIEW)
    up, down = cascade(document, visible)
    obligations = Obligation.objects.filter(
        document=document, unit__in=policy.organizations_for(request.user, Action.VIEW)
    )
    by_state = dict(obligations.values_list("state").annotate(n=Count("pk")).order_by())
    may_manage = policy.can(request.user, Action.MANAGE_DOCUMENTS, document.owner)
    return render(
        request,
        "documents/detail.html",
        {
            **attachments.listing(document),
            "up": up,
            "down": down,
            "obligation_counts": [
                (state, label, by_state.get(state, 0)) for state, label in Obligation.State.choices
            ],
            "obligation_total": sum(by_state.values()),
            "may_manage": may_manage,
            "programme_kinds": PROGRAMME_KINDS,
            "may_audit": policy.can(request.user, Action.VIEW_AUDIT, document.owner),
            "link_form": LinkForm() if may_manage else None,
            # The implementation dashboard is a staff page; a unit above opens at one's own.
            "may_dashboard": policy.has_any_scope(request.user, Action.VIEW),
            "owner_visible": policy.can(request.user, Action.VIEW, document.owner),
        },
    )


@login_required
@require_POST
def link_add(request, document_pk):
    document = policy.get_document_for(request.user, document_pk, Action.VIEW)
    _require_manage(request.user, document)
    form = LinkForm(request.POST)
    if form.is_valid():
        visible = policy.documents_for(request.user, Action.VIEW)
        candidates = resolve(visible, form.cleaned_data["target"])
        target = candidates[0] if len(candidates) == 1 else None
        if not candidates:
            messages.error(
                request,
                _("Không tìm thấy văn bản “%(s)s” trong sổ đăng ký.")
                % {"s": form.cleaned_data["target"]},
            )
        elif target is None:
            listed = "; ".join(
                f"{d.display_symbol} ({d.issuer_name}, {format_date(d.issued_on)})"
                for d in candidates
            )
            messages.error(
                request,
                _(
                    "Có %(n)s văn bản khớp: %(list)s. Hãy nhập kèm năm ban hành, "
                    "ví dụ “23-NQ/TU 2024”."
                )
                % {"n": len(candidates), "list": listed},
            )
        else:
            try:
                services.link_create(
                    request.user, source=document, target=target, kind=form.cleaned_data["kind"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã liên kết văn bản."))
    else:
        messages.error(request, _("Hãy chọn quan hệ và nhập số, ký hiệu văn bản."))
    return redirect("documents:detail", document_pk=document.pk)


@login_required
@require_POST
def link_delete(request, link_pk):
    link = (
        DocumentLink.objects.filter(
            pk=link_pk, source__in=policy.documents_for(request.user, Action.MANAGE_DOCUMENTS)
        )
        .select_related("source", "target")
        .first()
    )
    if link is None:
        raise Http404
    services.link_delete(request.user, link)
    messages.success(request, _("Đã bỏ liên kết."))
    return redirect("documents:detail", document_pk=link.source_id)


@login_required
@require_http_methods(["GET", "POST"])
def obligation_list(request, document_pk):
    """Which units below have issued their implementing plan, and which have not."""
    document = policy.get_document_for(request.user, document_pk, Action.VIEW)
    in_scope = policy.organizations_for(request.user, Action.VIEW)
    obligations = (
        Obligation.objects.filter(document=document, unit__in=in_scope)
        .select_related("unit", "plan")
        .order_by("state", "unit__path")
    )
    state = request.GET.get("state", "")
    if state in Obligation.State.values:
        obligations = obligations.filter(state=state)
    assignable = (
        _document_units(request.user)
        .filter(path__startswith=document.owner.path)
        .exclude(pk=document.owner_id)
        .exclude(obligations__document=document)
    )
    may_assign = policy.can(request.user, Action.MANAGE_DOCUMENTS, document.owner)
    form = ObligationForm(
        request.POST or None, units=assignable.filter(depth=document.owner.depth + 1)
    )
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied
        if form.is_valid():
            n = services.obligations_assign(
                request.user,
                document=document,
                units=form.cleaned_data["units"],
                due_on=form.cleaned_data["due_on"],
            )
            messages.success(request, _("Đã giao %(n)s đơn vị xây dựng kế hoạch.") % {"n": n})
            return redirect("documents:obligations", document_pk=document.pk)
    return render(
        request,
        "documents/obligations.html",
        {
            "document": document,
            "obligations": obligations[:2000],
            "state": state,
            "states": Obligation.State.choices,
            "form": form if may_assign else None,
        },
    )


@login_required
@require_POST
def obligation_drafted(request, obligation_pk):
    obligation = (
        Obligation.objects.filter(
            pk=obligation_pk,
            unit__in=policy.organizations_for(request.user, Action.MANAGE_DOCUMENTS),
        )
        .select_related("document", "unit")
        .first()
    )
    if obligation is None:
        raise Http404
    services.obligation_mark_drafted(request.user, obligation)
    return redirect("documents:obligations", document_pk=obligation.document_id)


@login_required
def document_history(request, document_pk):
    document = policy.get_document_for(request.user, document_pk, Action.VIEW)
    if not policy.can(request.user, Action.VIEW_AUDIT, document.owner):
        raise PermissionDenied
    entries = AuditEntry.objects.about(document)[:500]
    return render(request, "audit/history.html", {"subject": document, "entries": entries})
