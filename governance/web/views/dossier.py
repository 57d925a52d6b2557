"""The model dossier and the actions taken from it."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from governance.api.caching import cached_read
from governance.baselines.selectors import threshold_set_in_force
from governance.cases import services as cases
from governance.cases.models import OPEN_APPEAL_STATES, OPEN_CONTEST_STATES, OPEN_REREVIEW_STATES
from governance.cases.selectors import visible_appeals, visible_contests, visible_rereviews
from governance.compliance.selectors import visible_obligations
from governance.determinations.models import Determination
from governance.determinations.selectors import assess
from governance.evidence.selectors import counted, visible_evaluations
from governance.platform.errors import Invalid, NotAllowed
from governance.registry import services as registry
from governance.registry.lineage import ancestor_ids, descendant_ids
from governance.registry.models import AIModel, Organization
from governance.registry.roles import has_role, is_adjudicator, is_developer, organization_id_of, sees_all_dossiers
from governance.registry.selectors import public_models, visible_models
from governance.web.errors import form_errors, handles_domain_errors
from governance.web.forms import ContestForm, ModelRegistrationForm, ReasonForm, TierRationaleForm
from governance.web.fragments import render_fragment, with_csrf
from governance.workflows import tier_changes as determinations

CHART_WIDTH = 360


def current_basis(model: AIModel) -> dict | None:
    """What the tier rule says of ``model`` now, under the set in force (None without one)."""
    threshold_set = threshold_set_in_force()
    return None if threshold_set is None else assess(model, threshold_set).basis


def chart_rows(basis: dict | None) -> list[dict]:
    """Capability per domain against the thresholds in force, as SVG coordinates."""
    if basis is None:
        return []
    rows = []
    for index, (domain, entry) in enumerate(basis["domains"].items()):
        capability = Decimal(entry["capability"]) if entry["capability"] is not None else None

        def x(value: str | None) -> int | None:
            return None if value is None else 150 + int(Decimal(value) * CHART_WIDTH)

        rows.append(
            {
                "domain": domain,
                "y": 10 + index * 34,
                "capability": entry["capability"],
                "band": entry["band"],
                "bar_width": int(capability * CHART_WIDTH) if capability is not None else 0,
                "low": x(entry["low"]),
                "high": x(entry["high"]),
                "critical": x(entry["critical"]),
            }
        )
    return rows


def _lineage(model: AIModel, user) -> dict:
    """Ancestors (root first; None where the reader may not see one) and descendants."""
    ancestors = ancestor_ids(model.pk)
    relatives = ancestors + descendant_ids(model.pk)
    # Each side narrowed to the relatives first, so the visibility rules never scan the table.
    readable = visible_models(user).filter(pk__in=relatives) | public_models().filter(pk__in=relatives)
    lineage = readable.select_related("developer").in_bulk()
    return {
        "ancestors": [lineage.get(pk) for pk in reversed(ancestors)],
        "descendants": [lineage[pk] for pk in sorted(lineage) if pk not in ancestors],
    }


@login_required
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    page = cached_read(request, "dossier", str(pk), lambda: _dossier_page(pk, request.user))
    if page is None:
        raise Http404("No such model.")
    title, body = page
    return render(request, "web/dossier.html", {"title": title, "body": with_csrf(request, body)})


def _dossier_page(pk: int, user) -> tuple[str, str] | None:
    """The dossier's title and body, or None if ``user`` may not read it."""
    model = visible_models(user).select_related("developer", "parent").filter(pk=pk).first()
    if model is None:
        return None
    return str(model), render_fragment("web/dossier_body.html", _dossier_context(model, user))


def _dossier_context(model: AIModel, user) -> dict:
    history = list(
        model.determinations.select_related("threshold_set", "decided_by", "confirmed_by").order_by(
            "-created_at", "-id"
        )
    )
    in_force = next((d for d in history if d.status == Determination.Status.IN_FORCE), None)
    pending = next((d for d in history if d.status == Determination.Status.PENDING_CONFIRMATION), None)
    own_org = is_developer(user) and organization_id_of(user) == model.developer_id
    basis = current_basis(model)
    chart = chart_rows(basis)
    return {
        "model": model,
        "history": history,
        "in_force": in_force,
        "pending": pending,
        "chart": chart,
        # The rule's reading now, not the in-force determination's: a relaxation may be pending.
        "own_evidence_complete": bool(basis and basis["evidence_complete"]),
        "chart_height": 20 + 34 * len(chart),
        "evaluations": visible_evaluations(user)
        .filter(model=model)
        .annotate(accredited_then=counted())
        .select_related("benchmark__domain", "submitted_by_org"),
        "lineage": _lineage(model, user),
        "contests": visible_contests(user).filter(model=model, state__in=OPEN_CONTEST_STATES),
        "appeals": visible_appeals(user).filter(contest__model=model, state__in=OPEN_APPEAL_STATES),
        "rereviews": visible_rereviews(user).filter(model=model, state__in=OPEN_REREVIEW_STATES),
        "closed_contests": visible_contests(user).filter(model=model).exclude(state__in=OPEN_CONTEST_STATES),
        "obligations": visible_obligations(user).filter(model=model).exclude(status="retired"),
        "sees_obligations": sees_all_dossiers(user) or own_org,
        "can_regulate": is_adjudicator(user),
        "can_contest": own_org and in_force is not None,
        "contest_form": ContestForm(initial={"requested_tier": max((model.current_tier or 2) - 1, 1)}),
        "own_motion_form": TierRationaleForm(),
        "reason_form": ReasonForm(),
        "is_evaluator": has_role(user, "evaluator"),
    }


def _model_for_action(request: HttpRequest, pk: int) -> AIModel:
    return get_object_or_404(visible_models(request.user), pk=pk)


@login_required
@require_POST
@handles_domain_errors
def revalidate(request: HttpRequest, pk: int) -> HttpResponse:
    model = _model_for_action(request, pk)
    if not is_adjudicator(request.user):
        raise NotAllowed("Only a regulator revalidates a model.")
    result = determinations.revalidate_model(model_id=model.pk, actor=request.user)
    messages.success(
        request,
        "Revalidated: "
        + (
            f"new determination Tier {result.tier} ({result.get_status_display().lower()})."
            if result
            else "the tier stands."
        ),
    )
    return redirect("model-detail", pk=pk)


@login_required
@require_POST
@handles_domain_errors
def own_motion(request: HttpRequest, pk: int) -> HttpResponse:
    model = _model_for_action(request, pk)
    form = TierRationaleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("model-detail", pk=pk)
    determinations.determine_own_motion(model=model, by=request.user, **form.cleaned_data)
    messages.success(request, f"Own-motion determination in force: Tier {form.cleaned_data['tier']}.")
    return redirect("model-detail", pk=pk)


@login_required
@require_POST
@handles_domain_errors
def resolve_relaxation(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    determination = get_object_or_404(Determination.objects.filter(model__in=visible_models(request.user)), pk=pk)
    if action == "confirm":
        form = ReasonForm(request.POST)
        form.is_valid()
        determinations.confirm_relaxation(
            determination=determination, by=request.user, reasons=form.cleaned_data.get("reason", "")
        )
        messages.success(request, f"Relaxation to Tier {determination.tier} confirmed and in force.")
    else:
        form = ReasonForm(request.POST)
        form.is_valid()
        determinations.reject_relaxation(
            determination=determination, by=request.user, reason=form.cleaned_data.get("reason", "")
        )
        messages.success(request, "Relaxation rejected; the current tier stands.")
    return redirect("model-detail", pk=determination.model_id)


@login_required
@require_POST
@handles_domain_errors
def file_contest(request: HttpRequest, pk: int) -> HttpResponse:
    model = _model_for_action(request, pk)
    form = ContestForm(request.POST, request.FILES)
    if not form.is_valid():
        return _contest_refused(request, model, form)
    in_force = model.determinations.filter(status=Determination.Status.IN_FORCE).first()
    if in_force is None:
        messages.error(request, "This model has no determination in force to contest.")
        return redirect("model-detail", pk=pk)
    try:
        contest = cases.file_contest(
            by=request.user,
            determination=in_force,
            grounds=form.cleaned_data["grounds"],
            requested_tier=form.cleaned_data["requested_tier"],
            files=request.FILES.getlist("files"),
        )
    except Invalid as error:
        for field, errors in (error.fields or {"__all__": [error.message]}).items():
            form.add_error(field if field in form.fields else None, errors)
        return _contest_refused(request, model, form)
    messages.success(request, f"Contest {contest.reference} filed; a decision is due by {contest.due_date:%d %B %Y}.")
    return redirect("contest-detail", pk=contest.pk)


def _contest_refused(request: HttpRequest, model: AIModel, form: ContestForm) -> HttpResponse:
    """The dossier again (not from the cache), the contest form keeping what was typed, its
    errors beside the fields they concern."""
    messages.error(request, form_errors(form))
    body = render_fragment("web/dossier_body.html", _dossier_context(model, request.user) | {"contest_form": form})
    return render(request, "web/dossier.html", {"title": str(model), "body": with_csrf(request, body)}, status=400)


@login_required
@handles_domain_errors
def register_model(request: HttpRequest) -> HttpResponse:
    user = request.user
    developers = Organization.objects.filter(kind="developer")
    if not is_adjudicator(user):
        developers = developers.filter(pk=organization_id_of(user) or 0)
    parents = AIModel.objects.filter(
        Q(pk__in=visible_models(user).values("pk")) | Q(pk__in=public_models().values("pk"))
    )
    form = ModelRegistrationForm(request.POST or None, developers=developers, parents=parents)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        developer = data.pop("developer")
        data["parameter_count"] = data["parameter_count"] or None
        data["weights_sha256"] = (data["weights_sha256"] or "").lower()
        try:
            model = registry.register_model(by=user, developer=developer, **data)
        except Invalid as error:
            for field, errors in (error.fields or {"__all__": [error.message]}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            model.refresh_from_db()
            messages.success(request, f"{model} registered: Tier {model.current_tier or 'pending'}.")
            return redirect("model-detail", pk=model.pk)
    return render(request, "web/model_form.html", {"form": form})
