"""Evidence, threshold sets, compliance, the audit trail and the inbox."""

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance.audit.models import AuditEvent
from governance.audit.services import verify_chain
from governance.baselines import services as baselines
from governance.baselines.models import Consultation, ThresholdSet
from governance.baselines.selectors import threshold_set_in_force
from governance.compliance import services as compliance
from governance.compliance.selectors import visible_obligations, visible_submissions
from governance.determinations.preview import impact_preview
from governance.evidence import services as evidence
from governance.evidence.imports import import_log
from governance.evidence.selectors import visible_evaluations
from governance.notifications.models import Notification
from governance.notifications.services import mark_read
from governance.platform.errors import Invalid, NotAllowed
from governance.registry.models import Benchmark, RiskDomain
from governance.registry.roles import BOARD, REGULATOR, has_role, organization_id_of, sees_all_dossiers
from governance.registry.selectors import (
    accreditations,
    nameable_models,
    submittable_models,
    visible_models,
)
from governance.web.errors import form_errors, handles_domain_errors
from governance.web.forms import (
    AccreditationChangeForm,
    AccreditationForm,
    BenchmarkChangeForm,
    BoardVoteForm,
    CommentForm,
    ConsultationForm,
    EvaluationForm,
    ImportForm,
    PublishForm,
    ResponseForm,
    ReviewForm,
    SubmissionForm,
    ThresholdSetForm,
)
from governance.web.pickers import options_html
from governance.web.views.runs import follows_runs, progress_context
from governance.workflows import accreditation as accrediting
from governance.workflows import rulemaking
from governance.workflows.benchmarks import change_benchmark

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@login_required
@handles_domain_errors
def evaluations(request: HttpRequest) -> HttpResponse:
    """Submit a result or import a log file (evaluators and developers)."""
    user = request.user
    picking = {"models": submittable_models(user), "named": nameable_models(user)}
    posted = request.POST.get("form")
    submit_form = EvaluationForm(request.POST if posted == "submit" else None, auto_id="submit_%s", **picking)
    import_form = ImportForm(
        request.POST if posted == "import" else None,
        request.FILES if posted == "import" else None,
        auto_id="import_%s",
        **picking,
    )
    report = None
    if request.method == "POST":
        form = submit_form if posted == "submit" else import_form
        if form.is_valid():
            model = form.cleaned_data["model"]
            if form is submit_form:
                data = dict(form.cleaned_data)
                data.pop("model")
                try:
                    result = evidence.submit_evaluation(by=user, model=model, **data)
                except Invalid as error:
                    for field, errs in (error.fields or {"__all__": [error.message]}).items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    messages.success(
                        request, f"Result #{result.pk} submitted ({result.get_provenance_display().lower()})."
                    )
                    return redirect("evaluations")
            else:
                try:
                    with transaction.atomic():
                        report = import_log(by=user, model=model, upload=form.cleaned_data["file"])
                except Invalid as error:
                    for field, errs in (error.fields or {"__all__": [error.message]}).items():
                        form.add_error(field if field in form.fields else None, errs)
    mine = visible_evaluations(user).filter(submitted_by_org_id=organization_id_of(user) or 0)
    return render(
        request,
        "web/evaluations.html",
        {
            "submit_form": submit_form,
            "import_form": import_form,
            "report": report,
            "mine": mine.select_related("model", "benchmark")[:50],
        },
        status=400 if submit_form.errors or import_form.errors else 200,
    )


@login_required
def evaluation_model_options(request: HttpRequest) -> HttpResponse:
    """The ``<option>``s of the models matching ``?q=`` that the user may submit results for,
    named only where they may see the name (an evaluator: the released models)."""
    query = request.GET.get("q", "")[:200]
    return HttpResponse(options_html(submittable_models(request.user), nameable_models(request.user), query))


@login_required
@require_POST
@handles_domain_errors
def evaluation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    result = get_object_or_404(visible_evaluations(request.user), pk=pk)
    if action == "accept":
        evidence.accept_evaluation(evaluation=result, by=request.user)
    elif action == "reject":
        evidence.reject_evaluation(evaluation=result, by=request.user, reason=request.POST.get("reason", ""))
    else:
        evidence.withdraw_evaluation(evaluation=result, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, f"Result #{result.pk}: {action} recorded; the model was revalidated where it counts.")
    if visible_models(request.user).filter(pk=result.model_id).exists():
        return redirect("model-detail", pk=result.model_id)
    return redirect("evaluations")


def _may_preview(user) -> bool:
    return has_role(user, REGULATOR, BOARD, "auditor")


@login_required
@handles_domain_errors
def threshold_sets(request: HttpRequest) -> HttpResponse:
    """The threshold board: drafts, the set in force, and a new draft copied from it."""
    user = request.user
    form = ThresholdSetForm(request.POST or None)
    domains = list(RiskDomain.objects.order_by("slug"))
    current = threshold_set_in_force()
    defaults = {e.domain.slug: e for e in current.entries.select_related("domain")} if current else {}
    if request.method == "POST":
        if not has_role(user, BOARD):
            raise NotAllowed("Only the threshold board drafts threshold sets.")
        entries = [
            {
                "domain": d.slug,
                "low": request.POST.get(f"{d.slug}-low"),
                "high": request.POST.get(f"{d.slug}-high"),
                "critical": request.POST.get(f"{d.slug}-critical") if d.catastrophic else None,
            }
            for d in domains
        ]
        if form.is_valid():
            try:
                draft = baselines.create_draft(by=user, entries=entries, **form.cleaned_data)
            except Invalid as error:
                for field, errs in (error.fields or {"__all__": [error.message]}).items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, f"Draft {draft.version} saved. Preview its impact before publishing.")
                return redirect("threshold-detail", pk=draft.pk)
    rows = [
        {
            "domain": d,
            "low": request.POST.get(f"{d.slug}-low", defaults[d.slug].low if d.slug in defaults else ""),
            "high": request.POST.get(f"{d.slug}-high", defaults[d.slug].high if d.slug in defaults else ""),
            "critical": request.POST.get(f"{d.slug}-critical", defaults[d.slug].critical if d.slug in defaults else ""),
        }
        for d in domains
    ]
    return render(
        request,
        "web/threshold_sets.html",
        {
            "sets": ThresholdSet.objects.prefetch_related("entries__domain"),
            "form": form,
            "rows": rows,
            "is_board": has_role(user, BOARD),
        },
    )


@login_required
@handles_domain_errors
def threshold_detail(request: HttpRequest, pk: int) -> HttpResponse:
    threshold_set = get_object_or_404(
        ThresholdSet.objects.prefetch_related(
            "entries__domain",
            "votes__member",
            "consultations__comments__author",
            "consultations__comments__organization",
        ),
        pk=pk,
    )
    user = request.user
    if request.method == "POST":
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            published = baselines.publish(
                by=user, threshold_set=threshold_set, effective_from=form.cleaned_data["effective_from"]
            )
            published.refresh_from_db()
            messages.success(
                request,
                f"{published.version} published: {published.get_status_display().lower()} "
                f"from {published.effective_from:%d %b %Y %H:%M}.",
            )
        return redirect("threshold-detail", pk=pk)
    impact = impact_preview(threshold_set) if _may_preview(user) else None
    grid = []
    if impact:
        highest = max((n for row in impact["matrix"].values() for n in row.values()), default=0) or 1
        for from_tier in "1234":
            grid.append(
                {
                    "tier": from_tier,
                    "cells": [
                        {
                            "to": to,
                            "count": impact["matrix"][from_tier][to],
                            "heat": 0
                            if not impact["matrix"][from_tier][to]
                            else 1 + int(3 * impact["matrix"][from_tier][to] / highest),
                            "diagonal": from_tier == to,
                        }
                        for to in "1234"
                    ],
                }
            )
    drill = request.GET.get("from"), request.GET.get("to")
    changes = impact["changes"] if impact else []
    if drill[0] and drill[1]:
        changes = [c for c in changes if str(c["from_tier"]) == drill[0] and str(c["to_tier"]) == drill[1]]
    context = {
        "set": threshold_set,
        "impact": impact,
        "grid": grid,
        "changes": changes[:500],
        "drill": drill,
        "is_board": has_role(user, BOARD),
        "publish_form": PublishForm(),
        "consultation": baselines.latest_consultation(threshold_set),
        "adoption": baselines.adoption(threshold_set),
        "has_voted": any(v.member_id == user.pk for v in threshold_set.votes.all()),
        "consultation_form": ConsultationForm(),
        "response_form": ResponseForm(),
        "vote_form": BoardVoteForm(),
        "revalidation": progress_context(request, threshold_set) if follows_runs(user) else None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "web/impact_changes.html", context)
    return render(request, "web/threshold_detail.html", context)


@login_required
@require_POST
@handles_domain_errors
def threshold_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The board's rule-making steps on a set's page (SPEC section 22): open or close the
    consultation, respond to the comments, vote."""
    threshold_set = get_object_or_404(ThresholdSet, pk=pk)
    user = request.user
    forms_by_action = {
        "open-consultation": ConsultationForm,
        "close-consultation": None,
        "response": ResponseForm,
        "vote": BoardVoteForm,
    }
    if action not in forms_by_action:
        raise Http404("No such action.")
    form_class = forms_by_action[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("threshold-detail", pk=pk)
    data = form.cleaned_data if form is not None else {}
    if action == "open-consultation":
        consultation = rulemaking.open_consultation(by=user, threshold_set=threshold_set, closes_at=data["closes_at"])
        messages.success(request, f"Consultation open until {consultation.closes_at:%d %b %Y %H:%M}.")
    elif action == "close-consultation":
        baselines.close_consultation(by=user, threshold_set=threshold_set)
        messages.success(request, "Consultation closed. Publish the board's response before the vote concludes.")
    elif action == "response":
        baselines.respond_to_comments(by=user, threshold_set=threshold_set, text=data["text"])
        messages.success(request, "Response published.")
    else:
        vote = baselines.cast_board_vote(by=user, threshold_set=threshold_set, **data)
        messages.success(request, f"Your vote to {vote.vote} {threshold_set.version} is recorded.")
    return redirect("threshold-detail", pk=pk)


def consultations(request: HttpRequest) -> HttpResponse:
    """Public: every consultation on a threshold set, open and closed, with its entries,
    rationale, the impact matrix (counts only), the comments and the board's response;
    signed-in users comment on the open ones."""
    if request.method == "POST":
        return _comment(request)
    found = Consultation.objects.select_related("threshold_set").prefetch_related(
        "threshold_set__entries__domain", "threshold_set__votes__member", "comments__author", "comments__organization"
    )
    page = Paginator(found.order_by("-opens_at", "-id"), 20).get_page(request.GET.get("page"))
    for consultation in page:
        cast(Any, consultation).grid = [  # for the template
            {"tier": a, "cells": [consultation.impact_matrix.get(a, {}).get(b, 0) for b in "1234"]} for a in "1234"
        ]
    sets = (
        ThresholdSet.objects.exclude(status=ThresholdSet.Status.DRAFT, consultations__isnull=True)
        .prefetch_related("votes__member", "consultations")
        .distinct()
        .order_by("-created_at", "-id")
    )
    return render(request, "web/consultations.html", {"page": page, "comment_form": CommentForm(), "sets": sets})


@handles_domain_errors
def _comment(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{settings.LOGIN_URL}?next={request.path}")
    threshold_set = get_object_or_404(ThresholdSet, pk=request.POST.get("threshold_set") or 0)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        baselines.add_comment(by=request.user, threshold_set=threshold_set, body=form.cleaned_data["body"])
        messages.success(request, "Your comment is published.")
    return redirect(f"{reverse('consultations')}#set-{threshold_set.pk}")


@login_required
@handles_domain_errors
def benchmarks_page(request: HttpRequest) -> HttpResponse:
    """The benchmark list; the board changes a benchmark's standing, scale or direction with
    a reason, which re-normalizes its results and revalidates the models concerned."""
    user = request.user
    is_board = has_role(user, BOARD)
    if request.method == "POST":
        if not is_board:
            raise PermissionDenied("Only the threshold board changes benchmarks.")
        benchmark = get_object_or_404(Benchmark, pk=request.POST.get("benchmark") or 0)
        form = BenchmarkChangeForm(request.POST, prefix=f"b{benchmark.pk}")
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            change_benchmark(by=user, benchmark=benchmark, **form.cleaned_data)
            messages.success(request, f"{benchmark.name} changed; the models with results on it are revalidated.")
        return redirect("benchmarks")
    found = Benchmark.objects.select_related("domain").order_by("domain__slug", "slug")
    rows = [
        (
            b,
            BenchmarkChangeForm(
                initial={
                    "standardized": b.standardized,
                    "scale_min": b.scale_min,
                    "scale_max": b.scale_max,
                    "higher_is_more_capable": b.higher_is_more_capable,
                },
                prefix=f"b{b.pk}",
            ),
        )
        for b in found
    ]
    return render(request, "web/benchmarks.html", {"rows": rows, "is_board": is_board})


_ACCREDITATION_CHANGES = {
    "suspend": accrediting.suspend_accreditation,
    "reinstate": accrediting.reinstate_accreditation,
    "revoke": accrediting.revoke_accreditation,
}


@login_required
@handles_domain_errors
def accreditations_page(request: HttpRequest) -> HttpResponse:
    """The regulator grants accreditations and changes them, with reasons (SPEC section 22)."""
    user = request.user
    if not has_role(user, REGULATOR):
        raise PermissionDenied("Only a regulator manages accreditations.")
    form = AccreditationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            accreditation = accrediting.grant_accreditation(by=user, **form.cleaned_data)
            messages.success(
                request, f"{accreditation.organization.name} accredited until {accreditation.valid_until:%d %b %Y}."
            )
            return redirect("accreditations")
        messages.error(request, form_errors(form))
    return render(
        request,
        "web/accreditations.html",
        {
            "accreditations": accreditations().order_by("organization__name", "-valid_from"),
            "form": form,
            "verbs": list(_ACCREDITATION_CHANGES),
        },
    )


@login_required
@require_POST
@handles_domain_errors
def accreditation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _ACCREDITATION_CHANGES:
        raise Http404("No such action.")
    accreditation = get_object_or_404(accreditations(), pk=pk)
    form = AccreditationChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("accreditations")
    data = {"reasons": form.cleaned_data["reasons"]}
    if action == "revoke":
        data["void_results"] = form.cleaned_data["void_results"]
    changed = _ACCREDITATION_CHANGES[action](by=request.user, accreditation=accreditation, **data)
    messages.success(request, f"{changed.organization.name}'s accreditation is {changed.get_state_display().lower()}.")
    return redirect("accreditations")


@login_required
@handles_domain_errors
def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = get_object_or_404(visible_obligations(request.user), pk=pk)
    form = SubmissionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            compliance.submit_evidence(
                by=request.user,
                obligation=obligation,
                period_end=form.cleaned_data["period_end"],
                notes=form.cleaned_data["notes"],
                files=request.FILES.getlist("files"),
            )
            messages.success(request, "Evidence submitted for review.")
            return redirect("obligation-detail", pk=pk)
        messages.error(request, form_errors(form))
    return render(
        request,
        "web/obligation.html",
        {
            "obligation": obligation,
            "submissions": visible_submissions(request.user).filter(obligation=obligation),
            "form": form,
            "review_form": ReviewForm(),
            "is_developer": organization_id_of(request.user) == obligation.model.developer_id,
            "reviews": compliance.reviews_compliance(request.user),
        },
    )


@login_required
@require_POST
@handles_domain_errors
def review_submission(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(visible_submissions(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        compliance.review_submission(submission=submission, by=request.user, **form.cleaned_data)
        messages.success(request, f"Submission marked {form.cleaned_data['outcome']}.")
    return redirect("obligation-detail", pk=submission.obligation_id)


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    user = request.user
    if sees_all_dossiers(user):
        events = AuditEvent.objects.all()
    elif has_role(user, "developer") and organization_id_of(user):
        events = AuditEvent.objects.filter(organization_id=organization_id_of(user))
    else:
        raise PermissionDenied("You may not read the audit trail.")
    if request.GET.get("object_type"):
        events = events.filter(object_type=request.GET["object_type"])
    page = Paginator(events.order_by("-seq"), 50).get_page(request.GET.get("page"))
    report = verify_chain() if request.GET.get("verify") and sees_all_dossiers(user) else None
    return render(request, "web/audit.html", {"page": page, "report": report, "can_verify": sees_all_dossiers(user)})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)  # signed in: login_required
    notes = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "web/inbox.html", {"page": page})


@login_required
@require_POST
def read_notification(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(notification=note)
    if request.headers.get("HX-Request"):
        return render(request, "web/inbox_row.html", {"n": note})
    return redirect(note.link or "notifications")
