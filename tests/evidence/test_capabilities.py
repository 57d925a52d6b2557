"""The capability table (each model's best evidence score per domain) stays what an
aggregation of the results from scratch gives, whatever sequence of evidence changes led
to it (SPEC sections 3, 11, 19 and 22)."""

import contextlib
import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.baselines.selectors import threshold_set_in_force, thresholds_of
from governance.determinations.preview import impact_preview
from governance.determinations.sweep import capabilities
from governance.evidence import services as evidence
from governance.evidence.capabilities import drift, from_scratch
from governance.evidence.models import Capability, EvaluationResult
from governance.platform.errors import DomainError
from governance.registry.models import Accreditation, RiskDomain
from governance.workflows import accreditation as accrediting
from governance.workflows.benchmarks import change_benchmark
from tests.conftest import DOMAINS

SCORES = st.integers(min_value=0, max_value=10000).map(lambda units: f"{units / 10000:.4f}")
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), st.integers(0, 2), st.sampled_from(DOMAINS[:3]), SCORES, st.integers(0, 2)),
        st.tuples(st.just("accept"), st.integers(0, 20)),
        st.tuples(st.just("reject"), st.integers(0, 20)),
        st.tuples(st.just("withdraw"), st.integers(0, 20)),
        st.tuples(st.just("benchmark"), st.sampled_from(DOMAINS[:3]), st.sampled_from(["standing", "scale", "flip"])),
        st.tuples(st.just("accreditation"), st.sampled_from(["grant", "suspend", "reinstate", "revoke", "void"])),
    ),
    min_size=1,
    max_size=14,
)


def table() -> set[tuple[int, int, Decimal]]:
    return set(Capability.objects.values_list("model_id", "domain_id", "score"))


def _pick(status: str, index: int):
    found = list(EvaluationResult.objects.filter(status=status).order_by("pk"))
    return found[index % len(found)] if found else None


def _apply(world, models, operation) -> None:
    kind, *args = operation
    if kind == "submit":
        model_index, domain, score, submitter = args
        by = (world.evaluator, world.backyard, world.dev_aurora)[submitter]
        benchmark = world.benchmarks[domain]
        raw = Decimal(score) * (benchmark.scale_max - benchmark.scale_min) + benchmark.scale_min
        evidence.submit_evaluation(
            by=by, model=models[model_index], benchmark=benchmark, raw_score=raw, run_date=date(2026, 11, 1)
        )
    elif kind in ("accept", "reject", "withdraw"):
        result = _pick("accepted" if kind == "withdraw" else "submitted", args[0])
        if result is None:
            return
        if kind == "accept":
            evidence.accept_evaluation(evaluation=result, by=world.regulator)
        elif kind == "reject":
            evidence.reject_evaluation(evaluation=result, by=world.regulator, reason="Not reproducible.")
        else:
            evidence.withdraw_evaluation(evaluation=result, by=world.regulator, reason="Retracted.")
    elif kind == "benchmark":
        domain, change = args
        benchmark = world.benchmarks[domain]
        benchmark.refresh_from_db()
        changes = {
            "standing": {"standardized": not benchmark.standardized},
            "scale": {"scale_max": Decimal("2") if benchmark.scale_max == 1 else Decimal("1")},
            "flip": {"higher_is_more_capable": not benchmark.higher_is_more_capable},
        }[change]
        world.benchmarks[domain] = change_benchmark(by=world.board, benchmark=benchmark, reason="Review.", **changes)
    else:
        _change_accreditation(world, args[0])


def _change_accreditation(world, verb: str) -> None:
    today = timezone.localdate()
    held = Accreditation.objects.filter(organization=world.unaccredited).order_by("-pk").first()
    if verb == "grant":
        accrediting.grant_accreditation(
            by=world.regulator,
            organization=world.unaccredited,
            domains=RiskDomain.objects.filter(slug__in=DOMAINS[:2]),
            valid_from=today - timedelta(days=60),
            valid_until=today + timedelta(days=60),
            reasons="Audited.",
        )
        return
    meridian = Accreditation.objects.filter(organization=world.meridian).order_by("-pk").first()
    target = {"suspend": "active", "reinstate": "suspended"}.get(verb, "active")
    for accreditation in (held, meridian):
        if accreditation is None or accreditation.state != target:
            continue
        if verb == "suspend":
            accrediting.suspend_accreditation(by=world.regulator, accreditation=accreditation, reasons="Audit.")
        elif verb == "reinstate":
            accrediting.reinstate_accreditation(by=world.regulator, accreditation=accreditation, reasons="Cleared.")
        else:
            accrediting.revoke_accreditation(
                by=world.regulator, accreditation=accreditation, reasons="Fraud.", void_results=verb == "void"
            )
        return


@pytest.mark.postgres  # the drift check's FULL JOIN is PostgreSQL's
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(operations=OPERATIONS)
def test_the_table_equals_the_aggregation_from_scratch_after_any_evidence_changes(world, operations):
    with transaction.atomic():
        models = [world.register(f"Cap-{index}") for index in range(3)]
        for operation in operations:
            with contextlib.suppress(DomainError):  # refused (a scale excluding a score): changes nothing
                _apply(world, models, operation)
            assert table() == set(from_scratch()), operation
        assert drift() == 0
        transaction.set_rollback(True)


def test_accepting_and_withdrawing_move_the_models_capability(world):
    model = world.register("Aster")
    bio = RiskDomain.objects.get(slug="bio")
    first = world.evidence(model, "bio", "0.4000")
    assert table() == {(model.pk, bio.pk, Decimal("0.4000"))}
    world.evidence(model, "bio", "0.3000")
    world.evidence(model, "bio", "0.7000", accept=False)  # submitted only: not evidence
    assert table() == {(model.pk, bio.pk, Decimal("0.4000"))}
    evidence.withdraw_evaluation(evaluation=first, by=world.regulator, reason="Retracted.")
    assert table() == {(model.pk, bio.pk, Decimal("0.3000"))}


def test_a_benchmark_off_the_approved_list_takes_its_scores_out(world):
    model = world.register("Borea")
    world.evidence(model, "cyber", "0.9000")
    world.evidence(model, "bio", "0.2000")
    change_benchmark(by=world.board, benchmark=world.benchmarks["cyber"], reason="Leaked.", standardized=False)
    assert table() == {(model.pk, RiskDomain.objects.get(slug="bio").pk, Decimal("0.2000"))}


def test_a_voided_accreditation_takes_its_results_out(world):
    model = world.register("Cirrus")
    world.evidence(model, "bio", "0.9000")
    accreditation = Accreditation.objects.get(organization=world.meridian)
    accrediting.revoke_accreditation(
        by=world.regulator, accreditation=accreditation, reasons="Fraud.", void_results=True
    )
    assert table() == set()


@pytest.mark.postgres  # SQLite cannot migrate inside the test's transaction
def test_the_data_migration_fills_the_table_from_the_evidence_recorded(world):
    model = world.register("Delta")
    world.evidence(model, "bio", "0.6000")
    world.evidence(model, "chem", "0.1000")
    expected = table()
    Capability.objects.all().delete()
    migration = importlib.import_module("governance.evidence.migrations.0004_capability")
    with connection.schema_editor() as editor:
        migration.fill(apps, editor)
    assert table() == expected
    assert drift() == 0


def test_the_sweep_and_the_preview_read_the_table(world, django_assert_max_num_queries):
    models = [world.register(f"Echo-{index}") for index in range(3)]
    for index, model in enumerate(models):
        world.full_evidence(model, {"bio": f"0.{index + 4}000"})
    rules = thresholds_of(threshold_set_in_force())
    found = capabilities([t.domain for t in rules], [model.pk for model in models])
    assert {pk: scores["bio"] for pk, scores in found.items()} == {  # in ten-thousandths
        models[0].pk: 4000,
        models[1].pk: 5000,
        models[2].pk: 6000,
    }
    # What the sweep reads is the table: a row changed there (and nowhere else) shows.
    Capability.objects.filter(model=models[0], domain__slug="bio").update(score=Decimal("0.9000"))
    with django_assert_max_num_queries(12):
        preview = impact_preview(threshold_set_in_force())
    assert preview["changes"] == []
    assert {off["model"]: off["rule_tier"] for off in preview["off_rule"]} == {models[0].pk: 4}
