"""Changing what decides a benchmark's evidence (SPEC sections 11 and 22)."""

import importlib
from decimal import Decimal

import pytest

from governance.audit.models import AuditEvent
from governance.registry.models import Benchmark
from tests.factories import BenchmarkFactory


def _patch(api, user, benchmark, **body):
    return api(user).patch(f"/api/v1/benchmarks/{benchmark.pk}/", body, format="json")


def test_flipping_a_direction_renormalizes_and_escalates_the_model(world, api):
    model = world.register("Aster")
    world.full_evidence(model, {"bio": "0.3000"})
    assert model.current_tier == 2
    bio = world.benchmarks["bio"]
    response = _patch(api, world.board, bio, higher_is_more_capable=False, reason="The scorer counts refusals.")
    assert response.status_code == 200, response.json()
    assert response.json()["higher_is_more_capable"] is False
    result = model.evaluations.get(benchmark=bio)
    assert result.normalized_score == Decimal("0.7000")
    model.refresh_from_db()
    assert model.current_tier == 3
    determination = model.determinations.get(status="in_force")
    assert determination.kind == "revalidation"
    event = AuditEvent.objects.get(action="benchmark.changed", object_id=str(bio.pk))
    assert event.changes["higher_is_more_capable"] == [True, False]
    assert event.changes["reason"] == [None, "The scorer counts refusals."]
    assert AuditEvent.objects.filter(action="evaluation.renormalized", object_id=str(result.pk)).exists()


def test_taking_a_benchmark_off_the_approved_list_stops_its_results_counting(world, api):
    model = world.register("Aster")
    world.full_evidence(model, {"bio": "0.6000"})
    assert model.current_tier == 3
    response = _patch(api, world.board, world.benchmarks["bio"], standardized=False, reason="Leaked test set.")
    assert response.status_code == 200, response.json()
    model.refresh_from_db()
    assert model.current_tier == 3  # a relaxation waits for confirmation
    pending = model.determinations.get(status="pending_confirmation")
    assert pending.tier == 2
    assert pending.basis["evidence_complete"] is False


def test_a_change_needs_a_reason_and_the_board(world, api):
    bio = world.benchmarks["bio"]
    response = _patch(api, world.board, bio, standardized=False)
    assert response.status_code == 400
    assert "reason" in response.json()
    response = _patch(api, world.regulator, bio, standardized=False, reason="Leaked.")
    assert response.status_code == 403
    assert _patch(api, world.dev_aurora, bio, standardized=False, reason="Leaked.").status_code == 403
    bio.refresh_from_db()
    assert bio.standardized is True
    assert not AuditEvent.objects.filter(action="benchmark.changed").exists()


def test_a_scale_that_excludes_recorded_scores_is_refused(world, api):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.9000")
    bio = world.benchmarks["bio"]
    response = _patch(api, world.board, bio, scale_max="0.5000", reason="Rescaled.")
    assert response.status_code == 400
    assert "outside" in response.json()["scale_min"][0]
    bio.refresh_from_db()
    assert bio.scale_max == Decimal("1.0000")
    response = _patch(api, world.board, bio, scale_min="2", reason="Rescaled.")
    assert response.status_code == 400
    assert "scale_max" in response.json()


def test_an_unchanged_patch_records_nothing(world, api):
    response = _patch(api, world.board, world.benchmarks["bio"], standardized=True, reason="Confirmed.")
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="benchmark.changed").exists()


def test_a_second_benchmark_with_the_same_external_id_is_refused(world, api):
    body = {
        "slug": "bio-copy",
        "name": "Bio copy",
        "version": "1",
        "domain": "bio",
        "scale_min": "0",
        "scale_max": "1",
        "higher_is_more_capable": True,
        "metric": "accuracy",
        "external_id": world.benchmarks["bio"].external_id,
        "standardized": True,
    }
    response = api(world.regulator).post("/api/v1/benchmarks/", body, format="json")
    assert response.status_code == 400
    assert "external_id" in response.json()
    assert not Benchmark.objects.filter(slug="bio-copy").exists()
    body["external_id"] = ""
    assert api(world.regulator).post("/api/v1/benchmarks/", body, format="json").status_code == 201
    body.update(slug="bio-copy-2")
    assert api(world.regulator).post("/api/v1/benchmarks/", body, format="json").status_code == 201  # blank repeats


@pytest.mark.postgres  # SQLite cannot migrate inside the test's transaction
def test_the_migration_renames_duplicate_external_ids(world):
    """The migration's first step on a table that still has duplicates (the constraint is
    dropped inside the test's transaction, which PostgreSQL rolls back with the rest)."""
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("governance.registry.migrations.0004_benchmark_external_id_unique")
    constraint = next(c for c in Benchmark._meta.constraints if c.name == "benchmark_external_id_unique")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Benchmark, constraint)
    copies = [BenchmarkFactory(slug=f"copy-{n}", external_id="same_task") for n in range(3)]
    migration.rename_duplicates(apps, None)
    kept, *renamed = Benchmark.objects.filter(pk__in=[b.pk for b in copies]).order_by("pk")
    assert kept.external_id == "same_task"
    assert [b.external_id for b in renamed] == [f"same_task~dup{b.pk}" for b in renamed]


def test_the_models_concerned_are_revalidated_chunk_by_chunk(world, api, settings):
    settings.REVALIDATION_CHUNK_SIZE = 2
    models = [world.register(f"M{n}") for n in range(5)]
    for model in models:
        world.full_evidence(model, {"bio": "0.3000"})
    untouched = world.register("Untouched")
    response = _patch(api, world.board, world.benchmarks["bio"], higher_is_more_capable=False, reason="Inverted.")
    assert response.status_code == 200
    assert [tier_of(m) for m in models] == [3] * 5
    untouched.refresh_from_db()
    assert untouched.current_tier == 2 and untouched.determinations.count() == 1


def tier_of(model):
    model.refresh_from_db()
    return model.current_tier
