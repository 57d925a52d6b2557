"""Contest, appeal, re-review and enforcement case pages: the case file and a form per transition."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance.cases import services
from governance.cases.docket import appeal_docket, case_docket, contest_docket, rereview_docket
from governance.cases.selectors import visible_appeals, visible_contests, visible_rereviews
from governance.compliance.selectors import visible_enforcement
from governance.registry.people import person
from governance.registry.roles import (
    is_adjudicator,
    is_developer,
    organization_id_of,
    reads_internal_notes,
    writes_internal_notes,
)
from governance.tiering import clocks
from governance.web.errors import form_errors, handles_domain_errors
from governance.web.forms import (
    AppealForm,
    AssignForm,
    AssignReReviewForm,
    CompleteReReviewForm,
    DecideForm,
    HearingForm,
    MessageForm,
    NoteForm,
    PanelForm,
    ReasonsForm,
    VoteForm,
)
from governance.workflows import cases as workflows


def _note(request: HttpRequest, kind: str, pk: int, form: NoteForm | None) -> dict:
    """The internal-note form on a case's docket, for the staff who may add one."""
    if not writes_internal_notes(request.user):
        return {}
    return {"note_form": form or NoteForm(), "note_url": reverse(f"{kind}-note", args=[pk])}


@login_required
def contest_detail(request: HttpRequest, pk: int, note_form: NoteForm | None = None) -> HttpResponse:
    contest = get_object_or_404(visible_contests(request.user).prefetch_related("messages__author", "files"), pk=pk)
    user = request.user
    applicant = is_developer(user) and organization_id_of(user) == contest.applicant_id
    regulator = is_adjudicator(user)
    adjudicator = contest.adjudicator_id == user.pk
    appeal = getattr(contest, "appeal", None)
    context = {
        "contest": contest,
        "applicant": applicant,
        "regulator": regulator,
        "adjudicator": adjudicator,
        "appeal": appeal,
        "docket": contest_docket(contest, user=user),
        "can_act": (regulator and contest.state in ("filed", "under_review"))
        or (applicant and (contest.is_open or (contest.state == "decided" and appeal is None))),
        "forms": {
            "assign": AssignForm(),
            "request": MessageForm(),
            "provide": MessageForm(),
            "decide": DecideForm(),
            "dismiss": ReasonsForm(),
            "appeal": AppealForm(),
        },
        **_note(request, "contest", pk, note_form),
    }
    return render(request, "web/contest.html", context, status=400 if note_form else 200)


def _invalid(request: HttpRequest, form) -> bool:
    if form.is_valid():
        return False
    messages.error(request, form_errors(form))
    return True


@login_required
@require_POST
@handles_domain_errors
def contest_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    contest = get_object_or_404(visible_contests(request.user), pk=pk)
    user = request.user
    if action == "assign":
        form: forms.Form = AssignForm(request.POST)
        if not _invalid(request, form):
            services.assign_adjudicator(contest=contest, by=user, adjudicator=form.cleaned_data["adjudicator"])
            messages.success(request, f"{person(form.cleaned_data['adjudicator'])} assigned as adjudicator.")
    elif action in ("request-information", "provide-information"):
        form = MessageForm(request.POST, request.FILES)
        if not _invalid(request, form):
            if action == "request-information":
                services.request_information(contest=contest, by=user, message=form.cleaned_data["message"])
                messages.success(request, "Information requested; the decision clock is paused.")
            else:
                services.provide_information(
                    contest=contest, by=user, message=form.cleaned_data["message"], files=request.FILES.getlist("files")
                )
                messages.success(request, "Information provided; the decision clock has resumed.")
    elif action == "decide":
        form = DecideForm(request.POST)
        if not _invalid(request, form):
            workflows.decide_contest(contest=contest, by=user, **form.cleaned_data)
            messages.success(request, "Decision recorded.")
    elif action == "dismiss":
        form = ReasonsForm(request.POST)
        if not _invalid(request, form):
            services.dismiss_contest(contest=contest, by=user, reasons=form.cleaned_data["reasons"])
            messages.success(request, "Contest dismissed as inadmissible.")
    elif action == "withdraw":
        services.withdraw_contest(contest=contest, by=user)
        messages.success(request, "Contest withdrawn.")
    elif action == "appeal":
        form = AppealForm(request.POST, request.FILES)
        if not _invalid(request, form):
            appeal = services.file_appeal(
                by=user, contest=contest, grounds=form.cleaned_data["grounds"], files=request.FILES.getlist("files")
            )
            messages.success(request, f"Appeal {appeal.reference} filed; decision due {appeal.due_date:%d %B %Y}.")
            return redirect("appeal-detail", pk=appeal.pk)
    return redirect("contest-detail", pk=pk)


@login_required
def appeal_detail(request: HttpRequest, pk: int, note_form: NoteForm | None = None) -> HttpResponse:
    appeal = get_object_or_404(visible_appeals(request.user).select_related("contest__adjudicator"), pk=pk)
    user = request.user
    votes = list(appeal.votes.select_related("member"))
    appellant = is_developer(user) and organization_id_of(user) == appeal.contest.applicant_id
    context = {
        "appeal": appeal,
        "docket": appeal_docket(appeal, user=user),
        "votes": votes,
        "panel": list(appeal.panel.all()),
        "regulator": is_adjudicator(user),
        "on_panel": any(m.pk == user.pk for m in appeal.panel.all()),
        "has_voted": any(v.member_id == user.pk for v in votes),
        "hearing_held": clocks.hearing_held(appeal.hearing_at, timezone.now()),
        "appellant": appellant,
        "can_act": (is_adjudicator(user) and appeal.state in ("filed", "panel_assigned", "hearing_scheduled"))
        or (appellant and appeal.is_open),
        "forms": {
            "panel": PanelForm(candidates=_candidates(appeal)) if is_adjudicator(user) else None,
            "hearing": HearingForm(),
            "vote": VoteForm(),
        },
        **_note(request, "appeal", pk, note_form),
    }
    return render(request, "web/appeal.html", context, status=400 if note_form else 200)


def _candidates(appeal):
    from django.contrib.auth import get_user_model

    ids = [u.pk for u in services.panel_candidates(appeal)]
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


@login_required
@require_POST
@handles_domain_errors
def appeal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    appeal = get_object_or_404(visible_appeals(request.user), pk=pk)
    user = request.user
    if action == "assign-panel":
        form: forms.Form = PanelForm(request.POST)
        if not _invalid(request, form):
            services.assign_panel(
                appeal=appeal, by=user, members=list(form.cleaned_data["members"]), chair=form.cleaned_data["chair"]
            )
            messages.success(request, "Panel assigned.")
    elif action == "schedule-hearing":
        form = HearingForm(request.POST)
        if not _invalid(request, form):
            services.schedule_hearing(appeal=appeal, by=user, hearing_at=form.cleaned_data["hearing_at"])
            messages.success(request, "Hearing scheduled.")
    elif action == "vote":
        form = VoteForm(request.POST)
        if not _invalid(request, form):
            result = workflows.cast_vote(appeal=appeal, by=user, **form.cleaned_data)
            messages.success(
                request,
                "Vote recorded."
                + (f" The appeal is decided: {result.get_outcome_display().lower()}." if result.outcome else ""),
            )
    elif action == "withdraw":
        services.withdraw_appeal(appeal=appeal, by=user)
        messages.success(request, "Appeal withdrawn.")
    return redirect("appeal-detail", pk=pk)


@login_required
def rereview_detail(request: HttpRequest, pk: int, note_form: NoteForm | None = None) -> HttpResponse:
    rereview = get_object_or_404(visible_rereviews(request.user), pk=pk)
    return render(
        request,
        "web/rereview.html",
        {
            "rereview": rereview,
            "docket": rereview_docket(rereview, user=request.user),
            "regulator": is_adjudicator(request.user),
            "form": CompleteReReviewForm(),
            "assign_form": AssignReReviewForm(),
            **_note(request, "rereview", pk, note_form),
        },
        status=400 if note_form else 200,
    )


@login_required
@require_POST
@handles_domain_errors
def rereview_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    rereview = get_object_or_404(visible_rereviews(request.user), pk=pk)
    if action == "start":
        services.start_rereview(rereview=rereview, by=request.user)
        messages.success(request, "Re-review started.")
    elif action == "assign":
        form: forms.Form = AssignReReviewForm(request.POST)
        if not _invalid(request, form):
            assignee = form.cleaned_data["assignee"]
            services.assign_rereview(rereview=rereview, by=request.user, assignee=assignee)
            messages.success(request, f"Assigned to {person(assignee)}.")
    else:
        form = CompleteReReviewForm(request.POST)
        if not _invalid(request, form):
            workflows.complete_rereview(rereview=rereview, by=request.user, **form.cleaned_data)
            messages.success(request, "Re-review completed.")
    return redirect("rereview-detail", pk=pk)


# Each kind of case page: what the reader may see of it, and the page that shows it.
@login_required
def enforcement_detail(request: HttpRequest, pk: int, note_form: NoteForm | None = None) -> HttpResponse:
    """An enforcement case (SPEC 9): what opened it, the obligation and re-review it concerns,
    and its docket. It is opened by the compliance sweep or a compliance officer; nothing on
    it is decided here."""
    case = get_object_or_404(
        visible_enforcement(request.user).select_related("model", "obligation", "opened_by", "rereview"), pk=pk
    )
    context = {
        "case": case,
        "docket": case_docket(case, user=request.user),
        **_note(request, "enforcement", pk, note_form),
    }
    return render(request, "web/enforcement.html", context, status=400 if note_form else 200)


_NOTED = {
    "contest": (visible_contests, contest_detail),
    "appeal": (visible_appeals, appeal_detail),
    "rereview": (visible_rereviews, rereview_detail),
    "enforcement": (visible_enforcement, enforcement_detail),
}


@login_required
@require_POST
@handles_domain_errors
def add_note(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Add an internal note; a bad note shows the case page again (400) with the text kept.
    A reader who may not see notes gets 404, as for a hidden object."""
    visible, page = _NOTED[kind]
    case = get_object_or_404(visible(request.user), pk=pk)
    if not reads_internal_notes(request.user):
        raise Http404("No such case.")
    form = NoteForm(request.POST)
    if not form.is_valid():
        return page(request, pk, note_form=form)
    services.add_note(case=case, by=request.user, text=form.cleaned_data["text"])
    messages.success(request, "Internal note added; only the regulator's staff see it.")
    return redirect(f"{kind}-detail", pk=pk)
