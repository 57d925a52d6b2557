"""Hardening tests (SPEC section 20): schema fuzzing, tenancy walk, worker kill, security settings.

:func:`populate` fills a :class:`tests.conftest.World` with private data for *both*
developer organisations, built through the services. Every non-public text of an
organisation carries a token, so a leak is found by searching a response body for it:

- ``zz<org>mdl``: names of the organisation's unreleased models that the accredited
  evaluator (Meridian) submitted results for (that evaluator may read those dossiers);
- ``zz<org>priv``: every other private text (unreleased models nobody else evaluated,
  contest, appeal and information-request texts, compliance notes, enforcement reasons,
  re-review reasons, case-file names).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.cases import services as cases
from governance.compliance import services as compliance
from governance.compliance.models import Obligation
from governance.evidence import services as evidence
from governance.workflows import cases as workflows


def mdl_token(org: str) -> str:
    return f"zz{org}mdl"


def priv_token(org: str) -> str:
    return f"zz{org}priv"


@dataclass
class OrgData:
    """One developer organisation's private objects (ids by kind)."""

    key: str  # "aurora" or "borealis"
    organization: Any
    developer: Any
    evaluated_model: Any = None  # unreleased, with Meridian's accredited results
    private_model: Any = None  # unreleased, self-reported evidence only
    child_model: Any = None  # unreleased derivative of evaluated_model
    public_model: Any = None  # released, on the register
    ids: dict[str, set[int]] = field(default_factory=dict)

    @property
    def mdl(self) -> str:
        return mdl_token(self.key)

    @property
    def priv(self) -> str:
        return priv_token(self.key)

    def add(self, kind: str, *pks: int) -> None:
        self.ids.setdefault(kind, set()).update(pks)


def _text_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"confidential case material\n", content_type="text/plain")


def populate(world: Any) -> dict[str, OrgData]:
    """Private models, evaluations, contests, appeals, obligations, submissions, enforcement,
    re-reviews, notifications and audit events for Aurora and Borealis."""
    orgs = {
        "aurora": OrgData("aurora", world.aurora, world.dev_aurora),
        "borealis": OrgData("borealis", world.borealis, world.dev_borealis),
    }
    for data in orgs.values():
        _populate_org(world, data)
    return orgs


def _populate_org(world: Any, data: OrgData) -> None:
    from governance.determinations.models import Determination
    from governance.evidence.models import EvaluationResult

    org, dev, key = data.organization, data.developer, data.key
    evaluated = world.register(f"{key.title()} {data.mdl} Alpha", developer=org, by=dev, released=False)
    world.full_evidence(evaluated, {"bio": "0.6000"})  # accredited, accepted: Tier 3, obligations
    private = world.register(f"{key.title()} {data.priv} Sigma", developer=org, by=dev, released=False)
    evidence.submit_evaluation(
        by=dev, model=private, benchmark=world.benchmarks["cyber"], raw_score="0.4200", run_date=date(2026, 10, 1)
    )
    child = world.register(
        f"{key.title()} {data.priv} Child",
        developer=org,
        by=dev,
        released=False,
        parent=evaluated,
        derivation="fine_tune",
    )
    public = world.register(f"{key.title()} Public Beacon", developer=org, by=dev, released=True)
    world.full_evidence(public, {"cyber": "0.3000"})
    # A result still awaiting review, on the model Meridian already evaluates.
    world.evidence(evaluated, "chem", "0.3000", accept=False)
    data.evaluated_model, data.private_model, data.child_model, data.public_model = evaluated, private, child, public
    models = [evaluated, private, child, public]
    data.add("model", evaluated.pk, private.pk, child.pk)  # private models (the public one is on the register)

    # A contest decided and appealed (with case files), and a second one awaiting information.
    determination = evaluated.determinations.get(status="in_force")
    contest = cases.file_contest(
        by=dev,
        determination=determination,
        grounds=f"Grounds {data.priv}: the bio evaluation was contaminated.",
        requested_tier=2,
        files=[_text_file(f"grounds-{data.priv}.txt")],
    )
    cases.assign_adjudicator(contest=contest, by=world.regulator, adjudicator=world.regulator2)
    workflows.decide_contest(contest=contest, by=world.regulator2, outcome="upheld", reasons=f"Reasons {data.priv}.")
    appeal = cases.file_appeal(
        by=dev, contest=contest, grounds=f"Appeal {data.priv}.", files=[_text_file(f"appeal-{data.priv}.txt")]
    )
    public_determination = public.determinations.get(status="in_force")
    second = cases.file_contest(
        by=dev, determination=public_determination, grounds=f"Second {data.priv}.", requested_tier=1
    )
    cases.assign_adjudicator(contest=second, by=world.regulator, adjudicator=world.regulator3)
    cases.request_information(contest=second, by=world.regulator3, message=f"Question {data.priv}?")
    data.add("contest", contest.pk, second.pk)
    data.add("appeal", appeal.pk)

    # Compliance: a submission reviewed deficient, and enforcement with its re-review.
    obligation = (
        Obligation.objects.filter(model=evaluated, next_due__isnull=False)
        .exclude(status="retired")
        .order_by("id")
        .first()
    )
    pdf = SimpleUploadedFile(f"evidence-{data.priv}.pdf", b"%PDF-1.4 confidential", content_type="application/pdf")
    submission = compliance.submit_evidence(
        by=dev, obligation=obligation, period_end=obligation.next_due, notes=f"Notes {data.priv}.", files=[pdf]
    )
    compliance.review_submission(
        submission=submission, by=world.compliance, outcome="deficient", notes=f"Review {data.priv}."
    )
    enforcement = compliance.open_enforcement(
        model=evaluated, kind="re_review", reason=f"Enforcement {data.priv}.", by=world.compliance
    )
    own_motion = cases.open_rereview(
        model=private,
        trigger="own_motion",
        actor=world.regulator,
        reason=f"Own motion {data.priv}.",
        opened_on=timezone.localdate() - timedelta(days=1),
    )
    data.add("submission", submission.pk)
    data.add("submission_file", *submission.files.values_list("pk", flat=True))
    data.add("enforcement", enforcement.pk)
    data.add("obligation", *Obligation.objects.filter(model__in=models).values_list("pk", flat=True))
    data.add("rereview", *[r.pk for r in (enforcement.rereview, own_motion) if r is not None])
    from governance.cases.models import CaseFile, ReReview

    data.add("rereview", *ReReview.objects.filter(model__in=models).values_list("pk", flat=True))
    data.add(
        "case_file",
        *CaseFile.objects.filter(contest__model__in=models).values_list("pk", flat=True),
        *CaseFile.objects.filter(appeal__contest__model__in=models).values_list("pk", flat=True),
    )
    data.add("determination", *Determination.objects.filter(model__in=models).values_list("pk", flat=True))
    data.add("evaluation", *EvaluationResult.objects.filter(model__in=models).values_list("pk", flat=True))
