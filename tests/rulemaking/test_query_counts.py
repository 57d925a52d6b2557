"""The new public lists read a constant number of queries however many rows they show."""

from governance.baselines import services as baselines
from governance.registry import services as registry
from governance.registry.models import RiskDomain
from tests.conftest import STANDARD_ENTRIES
from tests.factories import EvaluatorOrgFactory


def _consulted_drafts(world, count):
    for n in range(count):
        draft = baselines.create_draft(by=world.board, version=f"2027.{n}", entries=STANDARD_ENTRIES)
        baselines.open_consultation(by=world.board, threshold_set=draft, impact_matrix={})
        baselines.add_comment(by=world.dev_aurora, threshold_set=draft, body="A comment.")
        baselines.add_comment(by=world.evaluator, threshold_set=draft, body="Another.")


def test_consultations_and_threshold_sets_lists(world, api, django_assert_max_num_queries):
    _consulted_drafts(world, 4)
    with django_assert_max_num_queries(8):
        body = api().get("/api/v1/consultations/").json()
    assert body["count"] == 4 and len(body["results"][0]["comments"]) == 2
    with django_assert_max_num_queries(12):
        body = api(world.auditor).get("/api/v1/threshold-sets/").json()
    assert body["count"] == 5


def test_register_of_evaluators(world, api, django_assert_max_num_queries):
    domains = list(RiskDomain.objects.all())
    for n in range(5):
        organization = EvaluatorOrgFactory(name=f"Lab {n}", accredited=False)
        registry.grant_accreditation(
            by=world.regulator,
            organization=organization,
            domains=domains[: n + 1],
            valid_from=world.threshold_set.created_at.date(),
            valid_until=world.threshold_set.created_at.date().replace(year=2030),
            reasons="Audited.",
        )
    with django_assert_max_num_queries(6):
        body = api().get("/api/v1/register/evaluators/").json()
    assert body["count"] == 6
    with django_assert_max_num_queries(10):
        assert api().get("/register/evaluators/").status_code == 200
    with django_assert_max_num_queries(10):
        assert api().get("/consultations/").status_code == 200
