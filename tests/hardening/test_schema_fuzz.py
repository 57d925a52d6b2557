"""Schemathesis over the OpenAPI schema, in process (SPEC sections 16 and 20): no request
answers 5xx, and every documented response matches its schema.

The schema is loaded from ``/api/schema/`` through the WSGI application; requests go to the
same application in this thread, so they run inside the test's transaction. One world
(``tests.conftest.World`` plus :func:`tests.hardening.populate`) is built per module and
rolled back at the end; each operation's examples run in a savepoint of their own.

Each operation gets ``MAX_EXAMPLES`` valid and invalid requests (Schemathesis's positive and
negative generation), seeded from the operation's label so every run sends the same ones.
Each example is sent as one of several callers (a regulator, the threshold board, a
developer, the accredited evaluator, a compliance officer, or nobody -- the last with
whatever ``Authorization`` header the schema's security scheme makes up), drawn with the
example, by DRF token. Half the time a path id, and ids in the body, are replaced by ids of
objects that exist, so the fuzzer reaches past the 404 into the views.

Checks: ``not_a_server_error``, ``response_schema_conformance`` and ``status_code_conformance``.
"""

import zlib

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from governance.registry import services as registry
from governance.workflows import cases as workflows
from governance.wsgi import application

MAX_EXAMPLES = 15  # per operation: the whole module runs in well under 90 s
SCHEMA_URL = "/api/schema/?format=json"
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)

ROLES = ["regulator", "board", "dev_aurora", "evaluator", "compliance", "anonymous"]
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]

# First path segment under /api/v1/ → the model whose ids its path parameters take.
PATH_MODELS = {
    "models": "registry.AIModel",
    "organizations": "registry.Organization",
    "benchmarks": "registry.Benchmark",
    "risk-domains": "registry.RiskDomain",
    "evaluations": "evidence.EvaluationResult",
    "threshold-sets": "baselines.ThresholdSet",
    "determinations": "determinations.Determination",
    "contests": "cases.Contest",
    "appeals": "cases.Appeal",
    "re-reviews": "cases.ReReview",
    "case-files": "cases.CaseFile",
    "obligations": "compliance.Obligation",
    "compliance-submissions": "compliance.ComplianceSubmission",
    "enforcement-cases": "compliance.EnforcementCase",
    "notifications": "notifications.Notification",
    "audit-events": "audit.AuditEvent",
}
# Body fields that hold an id → the model whose ids they take.
BODY_MODELS = {
    "model": "registry.AIModel",
    "parent": "registry.AIModel",
    "developer": "registry.Organization",
    "organization": "registry.Organization",
    "benchmark": "registry.Benchmark",
    "determination": "determinations.Determination",
    "contest": "cases.Contest",
    "obligation": "compliance.Obligation",
    "adjudicator": "auth.User",
    "chair": "auth.User",
    "regulator": "auth.User",
    "file_id": "compliance.SubmissionFile",
}


def _ids(label: str) -> list[int]:
    from django.apps import apps

    return sorted(apps.get_model(label).objects.values_list("pk", flat=True)[:40])


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The world and a token per caller, for the whole module, rolled back at its end."""
    from tests.conftest import World
    from tests.hardening import populate

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = World()
            populate(world)
            headers = {"anonymous": {}}
            for role in ROLES[:-1]:
                _, key = registry.issue_token(user=getattr(world, role))
                headers[role] = {"Authorization": f"Token {key}"}
            pools = {label: _ids(label) for label in {*PATH_MODELS.values(), *BODY_MODELS.values()}}
            yield headers, pools, world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Django closes "old" connections around each request; the test's transaction must live.
    Afterwards, forget the throttle counters the fuzzer ran up (the login scope is on in tests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    cache.clear()


def _aim(case, data, pools) -> None:
    """Point some ids of the generated case at objects that exist."""
    prefix = case.operation.path.strip("/").split("/")[2] if case.operation.path.count("/") > 3 else ""
    for name in list(case.path_parameters or {}):
        label = PATH_MODELS.get(prefix) if name in ("id", "pk") else BODY_MODELS.get(name)
        if label and pools.get(label) and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(pools[label]), label=name)
    if isinstance(case.body, dict):
        for name in list(case.body):
            label = BODY_MODELS.get(name)
            if label and pools.get(label) and data.draw(st.booleans(), label=f"real body {name}"):
                case.body[name] = data.draw(st.sampled_from(pools[label]), label=f"body {name}")


def _operations() -> list:
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()  # an operation the schema cannot describe fails collection here
        operations.append(operation)
    return operations


OPERATIONS = _operations()


def _strategy(operation):
    """Valid and invalid requests; operations with nothing to get wrong get valid ones only."""
    positive = operation.as_strategy(GenerationMode.POSITIVE)
    if not (operation.path_parameters or operation.query or operation.body):
        return positive
    return st.one_of(positive, operation.as_strategy(GenerationMode.NEGATIVE))


# One pytest test per operation, so each has its own node id: Schemathesis's own
# ``schema.parametrize()`` gives all its items one node id under pytest 9, which pytest-xdist
# then schedules as a single test.
@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_api_conforms_and_never_answers_5xx(operation, fuzz_world):
    headers, pools, _ = fuzz_world

    @seed(zlib.crc32(operation.label.encode()))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=_strategy(operation), data=st.data())
    def fuzz(case, data):
        role = data.draw(st.sampled_from(ROLES), label="caller")
        _aim(case, data, pools)
        case.call_and_validate(headers=headers[role], checks=CHECKS)

    fuzz()


def _documented_errors() -> list[str]:
    """Operations that document none of the 4xx answers SPEC section 16 says they give."""
    missing = []
    for path, operations in schema.raw_schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation.get("responses", {}))
            needed = set()
            if "{" in path:
                needed.add("404")
            if method in ("post", "patch", "put") and operation.get("requestBody"):
                needed.add("400")
            if operation.get("security") != [{}]:
                needed.add("401")
            if needed - codes:
                missing.append(f"{method.upper()} {path}: {sorted(needed - codes)}")
    return missing


def test_error_responses_are_documented():
    missing = _documented_errors()
    assert not missing, f"{len(missing)} operations document no error responses, e.g. {missing[:5]}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/contests/", "/api/v1/appeals/", "/api/v1/re-reviews/"])
def test_undecided_case_outcome_matches_published_schema(fuzz_world, path):
    from governance.cases import services as cases

    headers, _, world = fuzz_world
    # Fresh undecided cases (whatever the fuzzer did before): a contest awaiting an
    # adjudicator, an appeal of a decided one, an open own-motion re-review.
    model = world.register("Undecided", released=False)
    world.evidence(model, "bio", "0.6000")
    determination = model.determinations.get(status="in_force")
    decided = cases.file_contest(by=world.dev_aurora, determination=determination, grounds="g", requested_tier=2)
    cases.assign_adjudicator(contest=decided, by=world.regulator, adjudicator=world.regulator2)
    workflows.decide_contest(contest=decided, by=world.regulator2, outcome="upheld", reasons="r")
    cases.file_appeal(by=world.dev_aurora, contest=decided, grounds="g")
    cases.file_contest(by=world.dev_aurora, determination=determination, grounds="again", requested_tier=1)
    cases.open_rereview(model=model, trigger="own_motion", actor=world.regulator, reason="r")
    case = schema[path]["GET"].Case(headers=headers["regulator"], query={"model": model.pk, "page_size": 200})
    response = case.call()
    assert response.status_code == 200
    assert "" in {item["outcome"] for item in response.json()["results"]}
    case.validate_response(response, checks=[response_schema_conformance])
