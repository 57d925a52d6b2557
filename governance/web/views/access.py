"""The access gate's pages (SPEC 21): sign-up, the requester's "My access", a model's
request form, the developer's queue, the institution verifier's queue, the access register."""

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from governance.access import services, signup
from governance.access.filters import RegisterEntryFilter
from governance.access.models import AccessCondition, AccessGrant, AccessRequest, RequesterProfile
from governance.access.selectors import attestation_in_force, visible_grants, visible_register, visible_requests
from governance.platform.errors import DomainError, Invalid
from governance.registry.roles import has_role, is_developer, is_institution_verifier, organization_id_of
from governance.registry.selectors import public_models, visible_models
from governance.tiering import access as rule
from governance.web.errors import describe, handles_domain_errors
from governance.web.forms import AccessRequestForm, ProfileForm, ReasonsForm, SignupForm

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REQUEST_ACTIONS = {
    "verify-identity": services.verify_identity,
    "confirm-affiliation": services.confirm_affiliation,
    "withdraw": services.withdraw,
}


def _apply_errors(form, error: DomainError) -> None:
    for name, errors in (error.fields or {"__all__": [error.message]}).items():
        form.add_error(name if name in form.fields else None, errors)


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup.sign_up(**form.cleaned_data)
        except DomainError as error:
            _apply_errors(form, error)
        else:
            return render(request, "access/signup_done.html", {"email": form.cleaned_data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "access/signup.html", {"form": form}, status=status)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = signup.confirm_email(token=token)
    except Invalid as error:
        return render(request, "access/confirmed.html", {"error": error.message}, status=400)
    return render(request, "access/confirmed.html", {"confirmed_user": user})


@login_required
def my_access(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)  # signed in: login_required
    profile = RequesterProfile.objects.filter(user=user).first()
    initial = (
        {"legal_name": profile.legal_name, "country": profile.country, "affiliation": profile.affiliation}
        if profile
        else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            signup.update_profile(by=user, **form.cleaned_data)
        except DomainError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Profile saved.")
            return redirect("my-access")
    context = {
        "form": form,
        "profile": profile,
        "requests": AccessRequest.objects.filter(requester=user).select_related("model", "grant"),
        "grants": AccessGrant.objects.filter(requester=user).select_related("model", "request"),
    }
    return render(request, "access/my_access.html", context, status=400 if form.errors else 200)


def request_access(request: HttpRequest, pk: int) -> HttpResponse:
    """How to get a model's weights: its tier's condition, the attestation, and the form."""
    models = public_models() | (visible_models(request.user) if request.user.is_authenticated else public_models())
    model = get_object_or_404(models.select_related("developer"), pk=pk)
    # No tier yet (None) finds none: Django reads ``tier=None`` as ``tier__isnull``.
    condition = AccessCondition.objects.filter(tier=model.current_tier).first()  # type: ignore[misc]
    attestation = attestation_in_force(model.current_tier) if model.current_tier else None
    refusal = rule.requestable(model.current_tier)
    form = AccessRequestForm(
        request.POST or None, initial={"attestation_version": attestation.version if attestation else ""}
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next=/access/{pk}/")
        if form.is_valid():
            try:
                filed = services.file_request(
                    by=request.user,
                    model=model,
                    purpose=form.cleaned_data["purpose"],
                    attestation_version=form.cleaned_data["attestation_version"],
                )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"{filed.reference}: your request was filed.")
                return redirect("my-access")
    context = {"model": model, "condition": condition, "attestation": attestation, "refusal": refusal, "form": form}
    return render(request, "access/request.html", context, status=400 if form.errors else 200)


@login_required
def developer_queue(request: HttpRequest) -> HttpResponse:
    if not (is_developer(request.user) or has_role(request.user, "regulator", "board")):
        raise PermissionDenied("The access queue is the developer organisation's.")
    requests = visible_requests(request.user).filter(state__in=services.OPEN_STATES)
    grants = visible_grants(request.user).filter(state=AccessGrant.State.ACTIVE)
    if is_developer(request.user):
        requests = requests.filter(model__developer_id=organization_id_of(request.user))
        grants = grants.filter(model__developer_id=organization_id_of(request.user))
    context = {
        "requests": requests.order_by("created_at"),
        "grants": grants[:200],
    }
    return render(request, "access/queue.html", context)


@login_required
def institution_queue(request: HttpRequest) -> HttpResponse:
    if not is_institution_verifier(request.user):
        raise PermissionDenied("The institution queue is for institution verifiers.")
    requests = visible_requests(request.user).filter(affiliation_id=organization_id_of(request.user))
    return render(
        request,
        "access/institution.html",
        {
            "waiting": requests.filter(state=AccessRequest.State.IDENTITY_VERIFIED),
            "recent": requests.exclude(state=AccessRequest.State.IDENTITY_VERIFIED)[:50],
        },
    )


@login_required
@require_POST
@handles_domain_errors
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    access_request = get_object_or_404(visible_requests(request.user), pk=pk)
    form = ReasonsForm(request.POST)
    reasons = form.cleaned_data["reasons"] if form.is_valid() else ""
    if action == "approve":
        services.approve(by=request.user, access_request=access_request, reasons=reasons)
    elif action == "deny":
        services.deny(by=request.user, access_request=access_request, reasons=reasons)
    elif action in REQUEST_ACTIONS:
        REQUEST_ACTIONS[action](by=request.user, access_request=access_request)
    else:
        raise Invalid(f"Unknown action {action}.")
    messages.success(request, f"{access_request.reference}: {action.replace('-', ' ')} done.")
    return redirect(request.POST.get("next") or "access-queue")


@login_required
@require_POST
@handles_domain_errors
def revoke_grant(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(visible_grants(request.user), pk=pk)
    form = ReasonsForm(request.POST)
    services.revoke(by=request.user, grant=grant, reasons=form.cleaned_data["reasons"] if form.is_valid() else "")
    messages.success(request, f"{grant.request.reference}: the grant is revoked.")
    return redirect("access-queue")


@login_required
def access_register(request: HttpRequest) -> HttpResponse:
    filterset = RegisterEntryFilter(request.GET or None, queryset=visible_register(request.user).order_by("-at", "-id"))
    entries = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    try:
        model = visible_models(request.user).filter(pk=int(request.GET.get("model", ""))).first()
    except ValueError:
        model = None
    context = {"page": page, "filter": filterset, "model": model, "query": request.GET.urlencode()}
    status = 400 if filterset.is_bound and not filterset.is_valid() else 200
    if status == 400:
        messages.error(request, describe(Invalid(fields=dict(filterset.errors))))
    return render(request, "access/register.html", context, status=status)
