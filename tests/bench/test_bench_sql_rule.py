"""The benchmark's SQL yardstick of the tier rule reads evidence as the product does,
accreditation periods included (SPEC sections 19 and 22)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bench.revalidation import agreement
from governance.evidence import services as evidence
from governance.registry import services as registry


@pytest.mark.postgres  # the benchmark's SQL is PostgreSQL's
def test_the_sql_rule_agrees_with_the_product_after_accreditation_changes(world):
    for n, score in enumerate(["0.1000", "0.3000", "0.6000", "0.9000"]):
        world.full_evidence(world.register(f"M{n}"), {"bio": score})
    today = timezone.localdate()
    accreditation = registry.grant_accreditation(
        by=world.regulator,
        organization=world.unaccredited,
        domains=[world.benchmarks["cyber"].domain],
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=30),
        reasons="Pilot.",
    )
    voided = world.register("Voided")
    world.full_evidence(voided)
    result = evidence.submit_evaluation(
        by=world.backyard,
        model=voided,
        benchmark=world.benchmarks["cyber"],
        raw_score=Decimal("0.9"),
        run_date=today,
    )
    evidence.accept_evaluation(evaluation=result, by=world.regulator)
    voided.refresh_from_db()
    assert voided.current_tier == 4
    registry.revoke_accreditation(by=world.regulator, accreditation=accreditation, reasons="Fraud.", void_results=True)
    assert agreement(world.threshold_set) == (0, 5)
