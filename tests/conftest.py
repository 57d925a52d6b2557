"""Shared fixtures: a small world of organisations, users per role, benchmarks per domain
and a threshold set in force, built through the services like real data."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from governance.access.defaults import install_defaults
from governance.access.models import AccessCondition, Attestation
from governance.baselines import services as baselines
from governance.compliance.defaults import install_default_templates
from governance.compliance.models import ObligationTemplate
from governance.evidence import services as evidence
from governance.registry import services as registry
from governance.registry.models import RiskDomain
from tests.factories import BenchmarkFactory, EvaluatorOrgFactory, OrganizationFactory, UserFactory

STANDARD_ENTRIES = [
    {"domain": "bio", "low": "0.2000", "high": "0.5000", "critical": "0.8000"},
    {"domain": "chem", "low": "0.2000", "high": "0.5000", "critical": "0.8000"},
    {"domain": "cyber", "low": "0.2000", "high": "0.5000", "critical": "0.8000"},
    {"domain": "nuclear", "low": "0.2000", "high": "0.5000", "critical": "0.8000"},
    {"domain": "autonomy", "low": "0.2000", "high": "0.5000", "critical": "0.8000"},
    {"domain": "persuasion", "low": "0.3000", "high": "0.6000", "critical": None},
]
DOMAINS = [e["domain"] for e in STANDARD_ENTRIES]
SEEDED_DOMAINS = [
    ("bio", "Biological", True),
    ("chem", "Chemical", True),
    ("cyber", "Cyber-offense", True),
    ("nuclear", "Radiological and nuclear", True),
    ("autonomy", "Autonomy and self-replication", True),
    ("persuasion", "Persuasion and manipulation", False),
]


def restore_reference_data() -> None:
    """Transactional tests flush the tables, data-migration rows included: restore them."""
    for slug, name, catastrophic in SEEDED_DOMAINS:
        RiskDomain.objects.get_or_create(slug=slug, defaults={"name": name, "catastrophic": catastrophic})
    install_default_templates(ObligationTemplate)
    install_defaults(AccessCondition, Attestation)


class World:
    """Handles on the fixture world; attribute names follow the demo users of SPEC 18."""

    def __init__(self) -> None:
        restore_reference_data()
        self.aurora = OrganizationFactory(name="Aurora Labs")
        self.borealis = OrganizationFactory(name="Borealis AI")
        self.meridian = EvaluatorOrgFactory(name="Meridian Evaluation Institute")
        self.unaccredited = EvaluatorOrgFactory(name="Backyard Evals", accredited=False)
        self.regulator = UserFactory(username="regulator", roles=["regulator"])
        self.regulator2 = UserFactory(username="regulator2", roles=["regulator"])
        self.regulator3 = UserFactory(username="regulator3", roles=["regulator"])
        self.regulator4 = UserFactory(username="regulator4", roles=["regulator"])
        self.board = UserFactory(username="board", roles=["board"])
        self.board2 = UserFactory(username="board2", roles=["board"])
        self.board3 = UserFactory(username="board3", roles=["board"])
        self.compliance = UserFactory(username="compliance", roles=["compliance"])
        self.auditor = UserFactory(username="auditor", roles=["auditor"])
        self.dev_aurora = UserFactory(username="dev-aurora", roles=["developer"], organization=self.aurora)
        self.dev_borealis = UserFactory(username="dev-borealis", roles=["developer"], organization=self.borealis)
        self.evaluator = UserFactory(username="evaluator", roles=["evaluator"], organization=self.meridian)
        self.backyard = UserFactory(username="backyard", roles=["evaluator"], organization=self.unaccredited)
        self.benchmarks = {
            slug: BenchmarkFactory(slug=f"{slug}-bench", domain=RiskDomain.objects.get(slug=slug)) for slug in DOMAINS
        }
        self.threshold_set = baselines.create_draft(by=self.board, version="2026.1", entries=STANDARD_ENTRIES)
        self.publish(self.threshold_set)
        self.threshold_set.refresh_from_db()

    def publish(self, draft: Any, **kwargs: Any):
        """Adopt ``draft`` by the votes of the three board members, then publish it (SPEC 22)."""
        baselines.adopt_by_votes(threshold_set=draft, members=[self.board, self.board2, self.board3])
        return baselines.publish(by=self.board, threshold_set=draft, **kwargs)

    def register(self, name: str = "Model", *, developer: Any = None, by: Any = None, **data: Any):
        developer = developer or self.aurora
        by = by or (self.dev_aurora if developer == self.aurora else self.dev_borealis)
        data.setdefault("version", "1.0")
        data.setdefault("released", True)
        return registry.register_model(by=by, developer=developer, name=name, **data)

    def evidence(self, model: Any, domain: str, score: str, *, accept: bool = True):
        """An accredited result with normalized score ``score`` in ``domain``, accepted."""
        result = evidence.submit_evaluation(
            by=self.evaluator,
            model=model,
            benchmark=self.benchmarks[domain],
            raw_score=Decimal(score),
            run_date=date(2026, 11, 1),
        )
        if accept:
            result = evidence.accept_evaluation(evaluation=result, by=self.regulator)
        model.refresh_from_db()
        return result

    def full_evidence(self, model: Any, scores: dict[str, str] | None = None) -> None:
        scores = scores or {}
        for slug in DOMAINS:
            self.evidence(model, slug, scores.get(slug, "0.1000"))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached reads are keyed by the audit chain head, which a test may repeat after the
    database is rolled back: every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def api():
    """``api(user)`` → an APIClient authenticated as ``user`` (None: anonymous)."""

    def make(user: Any = None) -> APIClient:
        client = APIClient()
        if user is not None and not isinstance(user, AnonymousUser):
            client.force_authenticate(user)
        return client

    return make


def _redis_reachable() -> bool:
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def pytest_collection_modifyitems(config, items):
    """Skip service-bound tests where the service is absent — but never in CI, where a
    missing service is a failure, not a skip."""
    import os
    import shutil

    from django.db import connection

    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    available = {
        "postgres": connection.vendor == "postgresql",
        "redis": _redis_reachable(),
        "browser": bool(shutil.which("chromium") or os.path.exists("/usr/bin/chromium")),
    }
    reasons = {
        "postgres": "needs PostgreSQL (set DATABASE_URL)",
        "redis": "needs Redis and a Celery worker (set REDIS_URL)",
        "browser": "needs Debian's chromium (apt-get install -y chromium)",
    }
    for marker, ok in available.items():
        if ok:
            continue
        if in_ci:
            raise pytest.UsageError(f"CI must run the {marker}-bound tests: {reasons[marker]}.")
        skip = pytest.mark.skip(reason=reasons[marker])
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)
