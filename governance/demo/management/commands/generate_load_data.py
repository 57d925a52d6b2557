"""``manage.py generate_load_data --models N``: synthetic load for the benchmarks (SPEC 19).

Rows are written in bulk (PostgreSQL ``COPY``; batched ``INSERT`` elsewhere), never through
the per-model services: a few dozen developer organisations, a few accredited evaluators,
two standardized benchmarks per risk domain, a threshold set in force (drafted and
published through the baselines services), N models (about 10% derivatives, up to three
generations deep), about 12 accepted accredited results per model with scores spread over
all four tiers, each model's capability per domain (the best of those scores, as the
evidence services keep it), and then one run of the product's set-based revalidation, which writes
each model's initial determination and its mirror fields exactly as the tier rule gives.

Everything it creates is marked as load data (organisations with jurisdiction ``load``,
slugs, versions and usernames starting ``load-``). It refuses to touch a database that
holds anything else unless ``--force``; ``--reset`` empties the database first.
"""

import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython, RunSQL
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from governance.audit.triggers import AUDIT_TABLE, TRUNCATE_TRIGGER
from governance.baselines import services as baselines
from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import threshold_set_in_force
from governance.determinations.models import Determination
from governance.evidence.models import Capability, EvaluationResult
from governance.platform.bulk_insert import insert_rows
from governance.registry.models import (
    Accreditation,
    AccreditationCoverage,
    AIModel,
    Benchmark,
    Organization,
    RiskDomain,
)
from governance.workflows.revalidation import revalidate_all

LOAD_MARK = "load"  # the jurisdiction of every load organisation
LOAD_PREFIX = "load-"  # usernames, benchmark slugs, threshold set versions
THRESHOLD_VERSION = "load-2026.1"
BOARD_USERNAME = "load-board"
REGULATOR_USERNAME = "load-regulator"
# The board votes on every threshold set before it is published (SPEC section 22).
BOARD_MEMBERS = (BOARD_USERNAME, "load-board2", "load-board3")
DEVELOPERS = 36
EVALUATORS = 4
# Thresholds in units of 0.0001: (low, high, critical); non-catastrophic domains have no critical.
CATASTROPHIC_THRESHOLDS = (2000, 5000, 8000)
OTHER_THRESHOLDS = (3000, 6000, None)
TIER_WEIGHTS = (0.30, 0.35, 0.25, 0.10)  # target share of tiers 1-4 before floors and gaps
DERIVATIVE_SHARE = 0.10
MAX_DEPTH = 3
DERIVATIONS = [choice for choice, _ in AIModel.Derivation.choices]
FAMILIES = ["Aster", "Borea", "Cirrus", "Delta", "Ember", "Fjell", "Gale", "Helix", "Ion", "Juno", "Kite", "Lumen"]
SIZES = [1, 2, 3, 7, 8, 13, 34, 70, 180, 405]
CHUNK_MODELS = 10000  # models per transaction while writing evidence
MODEL_FIELDS = [
    "id",
    "name",
    "version",
    "developer",
    "parameter_count",
    "weights_sha256",
    "parent",
    "derivation",
    "released",
    "release_jurisdictions",
    "current_tier",
    "evidence_complete",
    "tier_effective_from",
    "next_review_due",
    "registered_by",
    "created_at",
    "updated_at",
]
CAPABILITY_FIELDS = ["model", "domain", "score"]
RESULT_FIELDS = [
    "model",
    "benchmark",
    "raw_score",
    "normalized_score",
    "submitted_by_org",
    "submitted_by",
    "run_date",
    "provenance",
    "status",
    "artifact",
    "artifact_sha256",
    "run_identity",
    "reviewed_by",
    "reviewed_at",
    "review_reason",
    "created_at",
]


# ---------------------------------------------------------------------------------------
# What counts as load data


def board_members() -> list[Any]:
    """The load data's three threshold-board members, who adopt its threshold sets."""
    users = {u.get_username(): u for u in get_user_model()._default_manager.filter(username__in=BOARD_MEMBERS)}
    return [users[name] for name in BOARD_MEMBERS if name in users]


def load_models() -> models.QuerySet:
    return AIModel.objects.filter(developer__jurisdiction=LOAD_MARK)


def foreign_data() -> list[str]:
    """What the database holds besides load data (empty: nothing, or only load data)."""
    found = []
    checks = [
        ("organisations", Organization.objects.exclude(jurisdiction=LOAD_MARK)),
        ("models", AIModel.objects.exclude(developer__jurisdiction=LOAD_MARK)),
        ("benchmarks", Benchmark.objects.exclude(slug__startswith=LOAD_PREFIX)),
        ("threshold sets", ThresholdSet.objects.exclude(version__startswith=LOAD_PREFIX)),
        ("users", get_user_model().objects.exclude(username__startswith=LOAD_PREFIX)),
    ]
    for label, queryset in checks:
        count = queryset.count()
        if count:
            found.append(f"{count} {label}")
    return found


def reset_database(stdout=None) -> None:
    """Empty every table, then replay the data migrations (risk domains, role groups,
    obligation templates, the audit trigger) so the database looks freshly migrated. The
    audit table's truncate trigger is off for the flush alone, in its transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER {TRUNCATE_TRIGGER}")
        call_command("flush", interactive=False, verbosity=0)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER {TRUNCATE_TRIGGER}")
    executor = MigrationExecutor(connection)
    graph, applied = executor.loader.graph, executor.loader.applied_migrations
    plan = list(dict.fromkeys(key for leaf in graph.leaf_nodes() for key in graph.forwards_plan(leaf)))
    for key in plan:
        if key not in applied:
            continue
        migration = executor.loader.graph.nodes[key]
        if not migration.operations or not all(isinstance(op, RunPython | RunSQL) for op in migration.operations):
            continue
        state = executor.loader.project_state(key, at_end=False)
        with connection.schema_editor(atomic=migration.atomic) as editor:
            migration.apply(state, editor)
        if stdout is not None:
            stdout.write(f"  replayed data migration {key[0]}.{key[1]}")


# ---------------------------------------------------------------------------------------
# Bulk writing


def _insert(model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``rows`` (values in ``field_names`` order, JSON fields as JSON text) into
    ``model``'s table through the platform's bulk insert (``COPY`` on PostgreSQL); no
    signals, no ``save()``. Returns the row count."""
    count = 0

    def counted() -> Iterator[Sequence[Any]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    columns = [cast("models.Field[Any, Any]", model._meta.get_field(name)).attname for name in field_names]
    insert_rows(model, columns, counted())
    return count


def _unchecked_references() -> None:
    """Skip the foreign-key checks of the rest of this transaction (PostgreSQL, when the
    role may): every reference in the bulk-written rows is an id this command just took
    from the table it refers to, and the checks (a lookup and a row lock on the referenced
    row for each reference) cost more than the writing itself. Nothing else runs in that
    transaction; a role that may not skip them keeps them."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


def _allocate_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` fresh primary keys (taken from the sequence on PostgreSQL)."""
    if n == 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, n],
            )
            return [row[0] for row in cursor.fetchall()]
    start = (model._default_manager.aggregate(top=models.Max("id"))["top"] or 0) + 1
    return list(range(start, start + n))


# ---------------------------------------------------------------------------------------
# The synthetic population


@dataclass
class Domain:
    id: int
    slug: str
    low: int
    high: int
    critical: int | None
    benchmarks: tuple[int, int]  # benchmark ids: scale 0-1 and scale 0-100


@dataclass(slots=True)
class Plan:
    """One model to create: its lineage and the shape of its evidence."""

    id: int
    parent_id: int | None
    depth: int
    developer_id: int
    target_tier: int
    driver: int  # index of the domain that sets the tier
    missing: frozenset[int]  # domains without any evidence
    reruns: int  # extra (lower) results on random benchmarks


def plan_models(rng: random.Random, ids: list[int], developer_ids: list[int], domains: list[Domain]) -> Iterator[Plan]:
    by_depth: dict[int, list[int]] = {depth: [] for depth in range(MAX_DEPTH + 1)}
    catastrophic = [i for i, d in enumerate(domains) if d.critical is not None]
    for index, pk in enumerate(ids):
        parent_id, depth = None, 0
        if index >= 10 and rng.random() < DERIVATIVE_SHARE:
            choices = [depth for depth in range(MAX_DEPTH) if by_depth[depth]]
            weights = [(0.7, 0.2, 0.1)[depth] for depth in choices]
            parent_depth = rng.choices(choices, weights)[0]
            parent_id, depth = rng.choice(by_depth[parent_depth]), parent_depth + 1
        by_depth[depth].append(pk)
        tier = rng.choices((1, 2, 3, 4), TIER_WEIGHTS)[0]
        driver = rng.choice(catastrophic) if tier == 4 else rng.randrange(len(domains))
        others = [i for i in range(len(domains)) if i != driver]
        missing: frozenset[int] = frozenset()
        gap = 0.40 if parent_id else 0.08  # derivatives are often evaluated less thoroughly
        if rng.random() < gap:
            missing = frozenset(rng.sample(others, rng.randint(1, 3) if parent_id else 1))
        reruns = 2 if rng.random() < 0.08 else 0
        yield Plan(pk, parent_id, depth, rng.choice(developer_ids), tier, driver, missing, reruns)


def domain_scores(rng: random.Random, plan: Plan, domains: list[Domain]) -> list[int]:
    """The capability (best normalized score, in 0.0001 units) in each domain, so that
    the tier rule gives ``plan.target_tier`` (before any floor or evidence gap): the
    driving domain lies uniformly inside the tier's band, the others below it."""
    d = domains[plan.driver]
    top = 10000 if d.critical is None else d.critical
    band = {1: (0, d.low - 1), 2: (d.low, d.high - 1), 3: (d.high, top), 4: ((d.critical or 9999) + 1, 10000)}
    low, high = band[plan.target_tier]
    driver = low + int(rng.random() * (high - low + 1))
    scores = []
    for index, domain in enumerate(domains):
        if index == plan.driver:
            scores.append(driver)
            continue
        cap = driver
        if plan.target_tier < 4 and domain.critical is not None:
            cap = min(cap, domain.critical)  # no other domain may reach Tier 4
        if plan.target_tier < 3:
            cap = min(cap, domain.high - 1)
        if plan.target_tier < 2:
            cap = min(cap, domain.low - 1)
        scores.append(int(rng.random() * (cap + 1)))
    return scores


def _score(units: int) -> str:
    return f"{units // 10000}.{units % 10000:04d}"


def _raw_percent(units: int) -> str:
    return f"{units // 100}.{units % 100:02d}00"


def result_rows(
    rng: random.Random,
    plans: Sequence[Plan],
    domains: list[Domain],
    evaluator_ids: list[int],
    reviewer_id: int,
    now: Any,
    capabilities: list[tuple[int, int, str]],
) -> Iterator[tuple]:
    """The results of ``plans``; each model's capability per domain (its best score there,
    as the evidence services would keep it) is appended to ``capabilities`` on the way."""
    run_dates = [date(2025, 6, 1) + timedelta(days=day) for day in range(365)]
    for plan in plans:
        scores = domain_scores(rng, plan, domains)
        entries: list[tuple[int, int, int]] = []  # (domain index, benchmark slot, units)
        for index, units in enumerate(scores):
            if index in plan.missing:
                continue
            best_slot = rng.randrange(2)
            entries.append((index, best_slot, units))
            entries.append((index, 1 - best_slot, max(0, units - int(rng.random() * 1500))))
        for _ in range(plan.reruns):
            index, slot, units = rng.choice(entries)
            entries.append((index, slot, max(0, units - int(rng.random() * 500))))
        best: dict[int, int] = {}
        for index, _, units in entries:
            best[index] = max(units, best.get(index, 0))
        capabilities.extend((plan.id, domains[index].id, _score(units)) for index, units in sorted(best.items()))
        for index, slot, units in entries:
            yield (
                plan.id,
                domains[index].benchmarks[slot],
                _score(units) if slot == 0 else _raw_percent(units),
                _score(units),
                rng.choice(evaluator_ids),
                None,
                rng.choice(run_dates),
                EvaluationResult.Provenance.ACCREDITED.value,
                EvaluationResult.Status.ACCEPTED.value,
                "",
                "",
                "",
                reviewer_id,
                now,
                "",
                now,
            )


def model_rows(rng: random.Random, plans: Sequence[Plan], registrar_id: int, now: Any) -> Iterator[tuple]:
    for plan in plans:
        size = rng.choice(SIZES)
        yield (
            plan.id,
            f"Load-{rng.choice(FAMILIES)}-{size}B-{plan.id}",
            f"{rng.randint(1, 3)}.{rng.randint(0, 9)}",
            plan.developer_id,
            size * 10**9,
            f"{rng.getrandbits(256):064x}",
            plan.parent_id,
            rng.choice(DERIVATIONS) if plan.parent_id else "",
            rng.random() > 0.15,
            "[]",  # JSON text, as COPY takes it
            None,
            False,
            None,
            None,
            registrar_id,
            now,
            now,
        )


class Command(BaseCommand):
    help = (
        "Bulk-create synthetic load data for the benchmarks (N models, ~12 evaluation results each, "
        "initial determinations). Refuses a database holding other data unless --force or --reset."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--models", type=int, default=100000, help="How many models (default 100000).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--reset", action="store_true", help="Empty the whole database first (destructive).")
        parser.add_argument("--force", action="store_true", help="Add load data even beside other data.")

    def handle(self, *args, models: int, seed: int, reset: bool, force: bool, **options) -> None:
        if models < 1:
            raise CommandError("--models must be at least 1.")
        started = time.perf_counter()
        if reset:
            self.stdout.write("Emptying the database (--reset)...")
            reset_database(self.stdout)
        else:
            foreign = foreign_data()
            if foreign and not force:
                raise CommandError(
                    "The database holds data that is not load data ("
                    + ", ".join(foreign)
                    + "): refusing. Use --reset to empty it first or --force to add load data beside it."
                )
            existing = load_models().count()
            if existing and not force:
                raise CommandError(f"{existing} load models already exist: use --reset to regenerate.")
        rng = random.Random(seed)
        now = timezone.now()
        timings: dict[str, float] = {}

        tick = time.perf_counter()
        with transaction.atomic():
            board, regulator = self._users()
            developer_ids, evaluator_ids = self._organisations()
            domains = self._benchmarks()
            threshold_set = self._threshold_set(board, domains)
        timings["reference data"] = time.perf_counter() - tick

        tick = time.perf_counter()
        with transaction.atomic():
            _unchecked_references()
            ids = _allocate_ids(AIModel, models)
            plans = list(plan_models(rng, ids, developer_ids, domains))
            written_models = _insert(AIModel, MODEL_FIELDS, model_rows(rng, plans, regulator.pk, now))
        timings["models"] = time.perf_counter() - tick

        tick = time.perf_counter()
        written_results = 0
        for start in range(0, len(plans), CHUNK_MODELS):
            with transaction.atomic():
                _unchecked_references()
                best: list[tuple[int, int, str]] = []
                chunk = plans[start : start + CHUNK_MODELS]
                written_results += _insert(
                    EvaluationResult,
                    RESULT_FIELDS,
                    result_rows(rng, chunk, domains, evaluator_ids, regulator.pk, now, best),
                )
                _insert(Capability, CAPABILITY_FIELDS, best)
        timings["evaluation results"] = time.perf_counter() - tick

        depths = Counter(plan.depth for plan in plans)
        del plans  # a million plans weigh some 200 MB, which the revalidation needs no more

        tick = time.perf_counter()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (AIModel, EvaluationResult, Capability, Determination):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        timings["analyze"] = time.perf_counter() - tick

        tick = time.perf_counter()
        report = revalidate_all()
        timings["initial determinations (revalidate_all)"] = time.perf_counter() - tick
        if connection.vendor == "postgresql":
            # Fresh statistics (and visibility maps) for the queries that follow.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                for model in (AIModel, Determination, EvaluationResult):
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")

        tiers = dict(
            load_models()
            .filter(pk__gte=ids[0], pk__lte=ids[-1])
            .values("current_tier")
            .annotate(n=Count("id"))
            .values_list("current_tier", "n")
            .order_by()
        )
        out = self.stdout.write
        out(f"Load data (seed {seed}) under threshold set {threshold_set.version}:")
        out(f"  organisations       {len(developer_ids)} developers, {len(evaluator_ids)} accredited evaluators")
        out(f"  benchmarks          {2 * len(domains)} standardized, 2 per domain ({len(domains)} domains)")
        out(
            f"  models              {written_models} ({written_models - depths[0]} derivatives; "
            + ", ".join(f"depth {d}: {depths[d]}" for d in sorted(depths))
            + ")"
        )
        out(f"  evaluation results  {written_results} ({written_results / max(written_models, 1):.1f} per model)")
        out(
            f"  determinations      {report.initial} initial, in force; tiers "
            + ", ".join(f"{tier}: {tiers[tier]}" for tier in sorted(tiers, key=lambda t: (t is None, t)))
        )
        for label, seconds in timings.items():
            out(f"  {label:<40} {seconds:7.1f} s")
        out(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))

    # -- reference data ---------------------------------------------------------------

    def _users(self):
        User = get_user_model()
        users = []
        wanted = [(name, "board") for name in BOARD_MEMBERS] + [(REGULATOR_USERNAME, "regulator")]
        for username, role in wanted:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@aperture.invalid", "is_staff": True}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            users.append(user)
        return users[0], users[-1]

    def _organisations(self) -> tuple[list[int], list[int]]:
        wanted = [(f"Load Developer {i:02d}", Organization.Kind.DEVELOPER, False) for i in range(1, DEVELOPERS + 1)]
        wanted += [(f"Load Evaluator {i:02d}", Organization.Kind.EVALUATOR, True) for i in range(1, EVALUATORS + 1)]
        existing = set(Organization.objects.filter(name__in=[w[0] for w in wanted]).values_list("name", flat=True))
        Organization.objects.bulk_create(
            Organization(name=name, kind=kind, jurisdiction=LOAD_MARK, accredited=accredited)
            for name, kind, accredited in wanted
            if name not in existing
        )
        orgs = Organization.objects.filter(jurisdiction=LOAD_MARK, name__startswith="Load ")
        developers = list(orgs.filter(kind=Organization.Kind.DEVELOPER).order_by("id").values_list("id", flat=True))
        evaluators = list(
            orgs.filter(kind=Organization.Kind.EVALUATOR, accredited=True).order_by("id").values_list("id", flat=True)
        )
        self._accredit(evaluators)
        return developers, evaluators

    def _accredit(self, evaluator_ids: list[int]) -> None:
        """Each load evaluator holds an accreditation for every domain (SPEC section 22),
        valid since 2000, with its periods of coverage (reference data, written directly)."""
        held = set(
            Accreditation.objects.filter(organization_id__in=evaluator_ids).values_list("organization_id", flat=True)
        )
        domains = list(RiskDomain.objects.all())
        valid_from, valid_until = date(2000, 1, 1), date(2099, 12, 31)
        for organization_id in evaluator_ids:
            if organization_id in held:
                continue
            accreditation = Accreditation.objects.create(
                organization_id=organization_id,
                valid_from=valid_from,
                valid_until=valid_until,
                reasons="Load data: accredited for every risk domain.",
            )
            accreditation.domains.set(domains)
            AccreditationCoverage.objects.bulk_create(
                AccreditationCoverage(
                    accreditation=accreditation,
                    organization_id=organization_id,
                    domain=domain,
                    starts_at=timezone.make_aware(datetime.combine(valid_from, datetime.min.time())),
                    ends_at=timezone.make_aware(datetime.combine(valid_until, datetime.max.time())),
                )
                for domain in domains
            )

    def _benchmarks(self) -> list[Domain]:
        domains = list(RiskDomain.objects.order_by("id"))
        if not domains:
            raise CommandError("No risk domains: run the migrations first.")
        result = []
        for domain in domains:
            ids = []
            for suffix, scale_max in (("a", Decimal("1")), ("b", Decimal("100"))):
                benchmark, _ = Benchmark.objects.get_or_create(
                    slug=f"{LOAD_PREFIX}{domain.slug}-{suffix}",
                    defaults={
                        "name": f"Load {domain.name} {suffix.upper()}",
                        "version": "1.0",
                        "domain": domain,
                        "scale_min": Decimal("0"),
                        "scale_max": scale_max,
                        "higher_is_more_capable": True,
                        "metric": "accuracy",
                        "external_id": f"load_{domain.slug}_{suffix}",
                        "standardized": True,
                    },
                )
                ids.append(benchmark.pk)
            low, high, critical = CATASTROPHIC_THRESHOLDS if domain.catastrophic else OTHER_THRESHOLDS
            result.append(Domain(domain.pk, domain.slug, low, high, critical, (ids[0], ids[1])))
        return result

    def _threshold_set(self, board, domains: list[Domain]) -> ThresholdSet:
        current = threshold_set_in_force()
        if current is not None:
            return current  # --force beside other data: keep the set the database already has
        entries = [
            {
                "domain": d.slug,
                "low": _score(d.low),
                "high": _score(d.high),
                "critical": _score(d.critical) if d.critical is not None else None,
            }
            for d in domains
        ]
        version = THRESHOLD_VERSION
        if ThresholdSet.objects.filter(version=version).exists():
            version = f"{THRESHOLD_VERSION}-{timezone.now():%Y%m%d%H%M%S}"
        # Inline jobs: publishing revalidates at once (no load models exist yet), no broker.
        with override_settings(TASKS_EAGER=True):
            draft = baselines.create_draft(
                by=board,
                version=version,
                entries=entries,
                issuing_body="Load generator",
                rationale="Synthetic thresholds for the benchmarks.",
            )
            baselines.adopt_by_votes(threshold_set=draft, members=board_members())
            return baselines.publish(by=board, threshold_set=draft)
