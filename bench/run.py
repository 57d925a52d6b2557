#!/usr/bin/env python
"""The benchmarks of SPEC section 19, in one run (``make bench``).

Environment: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/aperture_bench``;
created and migrated if missing; it must hold nothing but load data), ``BENCH_MODELS``
(default 100000), ``BENCH_REQUESTS`` (HTTP requests per endpoint, default 2000),
``BENCH_CONCURRENCY`` (default 20), ``BENCH_WORKERS`` (gunicorn workers, default 4),
``BENCH_NAIVE_SAMPLE`` (default 500).

Steps: (a) load data, regenerated (in a child process) unless the database already holds
exactly ``BENCH_MODELS`` untouched load models, and the capability table checked against
the results; (b) a baseline shift is published and the tables vacuumed, then (c) the
hand-written SQL lower bound (aggregating the results, as SPEC 19 defines it, and again
reading the capability table) and (d) the naive per-model loop are timed on that state
(all rolled back) before (b') the product's ``revalidate_all()`` runs in a child process
which reports its own peak RSS (VmHWM), and once more to show it writes nothing;
(e) the impact preview of another draft, in a child process too; (f) SQL queries per
page, computed and cached, and the time to compute one afresh; (g) HTTP latency at 20
concurrent clients against gunicorn, beside a minimal Django JSON view served the same way
(``REDIS_URL`` set: the servers cache in Redis, as in production). Prints a table; the
last line is one JSON object. With ``BENCH_MODELS`` of a million or more the targets are
those of SPEC 19's "Scale beyond one machine" (revalidation < 60 s, preview < 10 s, no
process over 1 GB, load data < 15 min).
"""

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/aperture_bench"
SECRET_KEY = "bench-only-secret-key-0f3c9a7e5d1b4c2a8e6f0d9c7b5a3e1f2d4c6b8a"
SHIFT = Decimal("0.0200")  # the baseline shift: every threshold lowered by this much
DRAFT_SHIFT = Decimal("0.0500")  # the draft previewed: high and critical lowered by this much
HISTORY = 30  # own-motion determinations given to the long-history model
# The web servers cache reads where production does: in Redis when REDIS_URL is set, else in
# each worker's memory. (Jobs never see it: the revalidation child queues to a scratch broker.)
CACHE_URL = os.environ.get("REDIS_URL", "")
TARGETS = {
    "generate_s": 180.0,
    "revalidate_s": 30.0,
    "ratio": 2.0,
    "impact_s": 3.0,
    "peak_rss_mb": 500.0,
    "p99_ms": 100.0,
    "page_to_baseline": 3.0,
    "check_to_baseline": 2.0,
}
# SPEC 19, "Scale beyond one machine": the targets at a million models (about 12 million results).
MILLION = 1_000_000
MILLION_TARGETS = {**TARGETS, "generate_s": 900.0, "revalidate_s": 60.0, "impact_s": 10.0, "peak_rss_mb": 1024.0}


def targets_for(models: int) -> dict[str, float]:
    return MILLION_TARGETS if models >= MILLION else TARGETS


def say(message: str = "") -> None:
    print(message, flush=True)


# ---------------------------------------------------------------------------------------
# Database and Django


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist (PostgreSQL only)."""
    import psycopg

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"The benchmarks need PostgreSQL; DATABASE_URL is {parts.scheme}://...")
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
            say(f"Created database {name}.")


def configure(url: str, var_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", SECRET_KEY),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "VAR_DIR": var_dir,
            "BENCH_STATIC_ROOT": str(Path(var_dir) / "static"),
            "LOG_LEVEL": "WARNING",
            "THROTTLE_USER": "1000000/minute",
            "THROTTLE_ANON": "1000000/minute",
        }
    )
    for name in ("REDIS_URL", "TASKS_EAGER", "TESTING"):
        os.environ.pop(name, None)  # jobs queue to the scratch folder's broker, never a shared one
    import django

    django.setup()


def machine() -> dict[str, Any]:
    from django.db import connection

    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "ram_gb": round(ram_gb, 1) if ram_gb else None,
        "postgresql": postgres,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


# ---------------------------------------------------------------------------------------
# Steps


def step_load_data(models: int, env: dict[str, str]) -> dict[str, Any]:
    """The load data, generated in a child process (which reports its own peak RSS) unless
    the database already holds exactly ``models`` untouched load models."""
    from governance.baselines.models import ThresholdSet
    from governance.baselines.selectors import threshold_set_in_force
    from governance.demo.management.commands.generate_load_data import (
        THRESHOLD_VERSION,
        foreign_data,
        load_models,
    )

    foreign = foreign_data()
    if foreign:
        raise SystemExit(
            "The benchmark database holds data that is not load data (" + ", ".join(foreign) + "): "
            "point DATABASE_URL at a scratch database."
        )
    existing = load_models().count()
    current = threshold_set_in_force()
    untouched = (
        current is not None
        and current.version.startswith(THRESHOLD_VERSION)
        and not ThresholdSet.objects.exclude(version__startswith=THRESHOLD_VERSION).exists()
    )
    if existing == models and untouched:
        say(f"(a) Load data: {existing} load models already present and untouched; not regenerated.")
        return {"generated": False, "seconds": None, "peak_rss_mb": None}
    reason = (
        "none present"
        if not existing
        else f"{existing} present" + ("" if existing != models else " but changed by an earlier run")
    )
    say(f"(a) Load data: generating {models} models ({reason})...")
    generated = run_child(
        env, "generate_child.py", str(models), *(["--reset"] if existing > 0 or current is not None else []), echo=True
    )
    say(f"    generated in {generated['seconds']:.1f} s, peak RSS {generated['peak_rss_mb']:.0f} MB")
    return {"generated": True, "seconds": generated["seconds"], "peak_rss_mb": generated["peak_rss_mb"]}


def users():
    from django.contrib.auth import get_user_model

    from governance.demo.management.commands.generate_load_data import BOARD_USERNAME, REGULATOR_USERNAME

    User = get_user_model()
    return User.objects.get(username=BOARD_USERNAME), User.objects.get(username=REGULATOR_USERNAME)


def dossier_models(regulator) -> dict[str, Any]:
    """Models whose dossiers are measured: ``short`` (a root with one determination),
    ``long`` (a root given HISTORY own-motion determinations) and ``deep`` (the deepest
    derivative, lineage depth 3 when the data has one)."""
    from django.test import override_settings

    from governance.registry.models import AIModel
    from governance.workflows.tier_changes import determine_own_motion

    leaves = AIModel.objects.filter(parent__isnull=True, children__isnull=True).order_by("id")
    short, long = leaves[0], leaves[1]
    deep = (
        AIModel.objects.filter(parent__parent__parent__isnull=False).order_by("id").first()
        or AIModel.objects.filter(parent__parent__isnull=False).order_by("id").first()
        or AIModel.objects.filter(parent__isnull=False).order_by("id").first()
    )
    if long.determinations.count() < HISTORY:
        with override_settings(TASKS_EAGER=True, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for index in range(HISTORY):
                long.refresh_from_db()
                determine_own_motion(
                    model=long,
                    tier=4 if long.current_tier != 4 else 3,
                    rationale=f"Benchmark history entry {index + 1}.",
                    by=regulator,
                )
    for model in (short, long, deep):
        model.refresh_from_db()
        model.history_length = model.determinations.count()
        depth, cursor = 0, model
        while cursor.parent_id:
            depth, cursor = depth + 1, cursor.parent
        model.depth = depth
    return {"short": short, "long": long, "deep": deep}


def shifted_entries(threshold_set, *, low: Decimal, high: Decimal, critical: Decimal) -> list[dict]:
    def lower(value: Decimal | None, by: Decimal) -> str | None:
        return None if value is None else str(max(Decimal("0.0000"), value - by).quantize(Decimal("0.0001")))

    return [
        {
            "domain": entry.domain.slug,
            "low": lower(entry.low, low),
            "high": lower(entry.high, high),
            "critical": lower(entry.critical, critical),
        }
        for entry in threshold_set.entries.select_related("domain")
    ]


def step_publish_shift(board) -> Any:
    from django.utils import timezone

    from governance.baselines import services as baselines
    from governance.baselines.selectors import threshold_set_in_force
    from governance.demo.management.commands.generate_load_data import board_members

    current = threshold_set_in_force()
    entries = shifted_entries(current, low=SHIFT, high=SHIFT, critical=SHIFT)
    draft = baselines.create_draft(
        by=board,
        version=f"load-shift-{timezone.now():%Y%m%d%H%M%S}",
        entries=entries,
        issuing_body="Benchmark",
        rationale=f"Baseline shift: every threshold lowered by {SHIFT}.",
    )
    # In production publishing queues the revalidation job; the benchmark runs it itself.
    baselines.adopt_by_votes(threshold_set=draft, members=board_members())
    with mock.patch("governance.baselines.services.enqueue"):
        published = baselines.publish(by=board, threshold_set=draft)
    say(f"(b) Published {published.version} (every threshold lowered by {SHIFT}); it is {published.status}.")
    return published


def run_child(env: dict[str, str], script: str, *args: str, echo: bool = False) -> dict[str, Any]:
    """``bench/<script>`` in a child process, which reports its own peak RSS: the JSON
    object of its last line of output, with ``wall_s``; with ``echo``, the lines before it
    are shown as they come."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / script), *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if echo and not line.startswith("{"):
                say("    " + lines[-1])
        process.wait()
        err.seek(0)
        stderr = err.read()
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"{script} failed ({process.returncode}):\n" + "\n".join(lines[-20:]) + f"\n{stderr}")
    report = json.loads(lines[-1])
    report["wall_s"] = time.perf_counter() - started
    return report


def run_revalidation(env: dict[str, str]) -> dict[str, Any]:
    """``revalidate_all()`` in a child process, which reports its own peak RSS."""
    return run_child(env, "revalidate_child.py")


def step_impact(board, env: dict[str, str]) -> dict[str, Any]:
    """The impact preview of a draft, in a child process which reports its own peak RSS."""
    from django.utils import timezone

    from governance.baselines import services as baselines
    from governance.baselines.selectors import threshold_set_in_force

    entries = shifted_entries(threshold_set_in_force(), low=Decimal("0"), high=DRAFT_SHIFT, critical=DRAFT_SHIFT)
    draft = baselines.create_draft(
        by=board,
        version=f"load-draft-{timezone.now():%Y%m%d%H%M%S}",
        entries=entries,
        issuing_body="Benchmark",
        rationale=f"Draft: high and critical lowered by {DRAFT_SHIFT}.",
    )
    return run_child(env, "preview_child.py", str(draft.pk))


class Read(NamedTuple):
    queries: int  # computing the response (nothing cached since the last change)
    cached_queries: int  # the same request again, served from the cached read
    cold_ms: float  # median time of one computed response, in this process


def measure_read(client, path: str, repeat: int = 9) -> Read:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return len(queries)

    get()  # warm the process (content types, templates) first
    timings = []
    for _ in range(repeat):
        cache.clear()
        started = time.perf_counter()
        computed = get()
        timings.append((time.perf_counter() - started) * 1000)
    return Read(computed, get(), statistics.median(timings))


def step_queries(regulator, dossiers: dict[str, Any]) -> dict[str, Any]:
    from django.test import Client, override_settings

    client = Client()
    client.force_login(regulator, backend="governance.registry.backends.IdentifyingModelBackend")
    # DEBUG is off: templates need the collected static manifest (see collect_static).
    with override_settings(STATIC_ROOT=os.environ["BENCH_STATIC_ROOT"]):
        listing = {str(size): measure_read(client, f"/api/v1/models/?tier=3&page_size={size}") for size in (10, 100)}
        api = measure_read(client, "/api/v1/models/?tier=3")
        pages = {name: measure_read(client, f"/models/{model.pk}/") for name, model in dossiers.items()}
    short, long, deep = dossiers["short"], dossiers["long"], dossiers["deep"]
    return {
        "list": {size: read.queries for size, read in listing.items()},
        "list_cached": {size: read.cached_queries for size, read in listing.items()},
        "dossier": {str(short.history_length): pages["short"].queries, str(long.history_length): pages["long"].queries},
        "dossier_cached": {
            str(short.history_length): pages["short"].cached_queries,
            str(long.history_length): pages["long"].cached_queries,
        },
        "lineage": {str(short.depth): pages["short"].queries, str(deep.depth): pages["deep"].queries},
        "api_cold_ms": api.cold_ms,
        "dossier_cold_ms": pages["long"].cold_ms,
    }


def settle(before: str) -> None:
    """VACUUM ANALYZE after bulk writes, so what is timed next sees the steady state that
    autovacuum would reach (and autovacuum does not compete with it)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"    VACUUM ANALYZE before {before}: {time.perf_counter() - started:.1f} s")


def collect_static(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        cwd=ROOT,
        check=True,
    )


def gate_fixture(regulator) -> tuple[str, str]:
    """A host with an ``access:check`` token, and a requester granted a Tier 2 model, set up
    through the services: the token key and the check's path (SPEC 21)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from governance.access import services as access
    from governance.access import signup
    from governance.access.selectors import attestation_in_force
    from governance.demo.management.commands.generate_load_data import LOAD_MARK, LOAD_PREFIX
    from governance.registry.models import AIModel, Membership, Organization
    from governance.registry.services import issue_token

    # Named as load data, so that the next run finds only load data in the database.
    User = get_user_model()
    model = AIModel.objects.filter(current_tier=2).order_by("pk").first()
    host, _ = Organization.objects.get_or_create(
        name="Load Hub", defaults={"kind": Organization.Kind.HOST, "jurisdiction": LOAD_MARK}
    )
    hub, _ = User.objects.get_or_create(username=f"{LOAD_PREFIX}hub")
    developer, _ = User.objects.get_or_create(username=f"{LOAD_PREFIX}gate-developer")
    requester, _ = User.objects.get_or_create(username=f"{LOAD_PREFIX}requester")
    for user, org, role in ((hub, host, "host"), (developer, model.developer, "developer")):
        Membership.objects.get_or_create(user=user, defaults={"organization": org})
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    signup.update_profile(by=requester, legal_name="Bench Requester", country="NL", affiliation=None)
    if not model.access_grants.filter(requester=requester, state="active").exists():
        request = access.file_request(by=requester, model=model, attestation_version=attestation_in_force(2).version)
        access.verify_identity(by=regulator, access_request=request)
        access.approve(by=developer, access_request=request)
    _, key = issue_token(user=hub, scope="access:check")
    return key, f"/api/v1/access/check/?model={model.pk}&requester={requester.pk}"


def step_http(env: dict[str, str], regulator, dossier_model, *, requests: int, concurrency: int, workers: int) -> dict:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from bench.http_load import drive, gunicorn
    from governance.registry.services import issue_token

    _, token_key = issue_token(user=regulator)
    check_key, check_path = gate_fixture(regulator)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(regulator.pk)
    session[BACKEND_SESSION_KEY] = "governance.registry.backends.IdentifyingModelBackend"
    session[HASH_SESSION_KEY] = regulator.get_session_auth_hash()
    session.save()
    # As behind the TLS-terminating proxy of production (SECURE_PROXY_SSL_HEADER).
    proxy = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    api_headers = {**proxy, "Authorization": f"Token {token_key}", "Accept": "application/json"}
    page_headers = {**proxy, "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings", "ALLOWED_HOSTS": "127.0.0.1"}
    if CACHE_URL:
        server_env["REDIS_URL"] = CACHE_URL
    say(f"(g) reads cached in {'Redis' if CACHE_URL else 'each worker process'} until the next change")
    api_path, dossier_path, minimal_path = "/api/v1/models/?tier=3", f"/models/{dossier_model.pk}/", "/bench/minimal/"
    results = {}
    warmup = max(4 * workers, concurrency)
    with gunicorn(
        ROOT, "governance.wsgi:application", server_env, workers=workers, probe=api_path, headers=api_headers
    ) as port:
        check_headers = {**proxy, "Authorization": f"Token {check_key}", "Accept": "application/json"}
        for name, path, headers in (
            ("api", api_path, api_headers),
            ("dossier", dossier_path, page_headers),
            ("check", check_path, check_headers),
        ):
            drive(port, path, headers, requests=warmup, concurrency=concurrency)
            results[name] = drive(port, path, headers, requests=requests, concurrency=concurrency)
            say(f"(g) {name:<8} {_load_line(results[name])}")
    with gunicorn(
        ROOT, "bench.minimal_wsgi:application", server_env, workers=workers, probe=minimal_path, headers=proxy
    ) as port:
        drive(port, minimal_path, proxy, requests=warmup, concurrency=concurrency)
        results["baseline"] = drive(port, minimal_path, proxy, requests=requests, concurrency=concurrency)
        say(f"(g) {'baseline':<8} {_load_line(results['baseline'])}")
    return results


def _load_line(result) -> str:
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(result.statuses.items()))
    return (
        f"{result.requests} requests, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
        f"{result.rps:.0f} req/s (status {statuses})"
    )


# ---------------------------------------------------------------------------------------
# Report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    models = int(os.environ.get("BENCH_MODELS", "100000"))
    requests = int(os.environ.get("BENCH_REQUESTS", "2000"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "20"))
    workers = int(os.environ.get("BENCH_WORKERS", "4"))
    sample = int(os.environ.get("BENCH_NAIVE_SAMPLE", "500"))
    var_dir = tempfile.mkdtemp(prefix="aperture-bench-")
    try:
        ensure_database(url)
        configure(url, var_dir)
        return run(models=models, requests=requests, concurrency=concurrency, workers=workers, sample=sample)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(*, models: int, requests: int, concurrency: int, workers: int, sample: int) -> int:
    from django.core.management import call_command

    from bench.http_load import child_env
    from bench.revalidation import agreement, follow_ups, lower_bound, naive_loop
    from governance.baselines.selectors import thresholds_of
    from governance.registry.models import AIModel

    env = child_env(dict(os.environ), PYTHONPATH=str(ROOT))
    info = machine()
    say(f"Aperture benchmarks (SPEC 19): {models} models, PostgreSQL {info['postgresql']}")
    say(f"Machine: {info['cpus']} CPUs, {info['cpu_model']}, {info['ram_gb']} GB RAM, Python {info['python']}")
    load_at_start = os.getloadavg()
    say(f"Load average at start: {_loadavg(load_at_start)} (other work on the machine skews every figure)")
    call_command("migrate", verbosity=0, interactive=False)

    target = targets_for(models)
    load = step_load_data(models, env)
    drift_after_load = capability_drift()
    say(f"    capability table against the results from scratch: {drift_after_load} (model, domain) pairs differ")
    population = AIModel.objects.count()
    board, regulator = users()
    dossiers = dossier_models(regulator)
    say(
        "    dossier models: "
        + ", ".join(
            f"{name} #{m.pk} ({m.history_length} determinations, lineage depth {m.depth})"
            for name, m in dossiers.items()
        )
    )

    shifted = step_publish_shift(board)
    thresholds = thresholds_of(shifted)

    # The load data was just written in bulk; the lower bound and the product are timed alike
    # on the state autovacuum would reach.
    settle("the revalidation yardsticks")
    bound = lower_bound(shifted)
    say(f"(c) SQL lower bound: {bound['seconds']:.2f} s ({bound['rows_written']} models rewritten, rolled back)")
    table_bound = lower_bound(shifted, from_table=True)
    say(
        f"    the same statement reading the capability table: {table_bound['seconds']:.2f} s "
        f"({table_bound['rows_written']} models rewritten, rolled back)"
    )

    naive = naive_loop(shifted, thresholds, sample=sample)
    naive_scaled = naive["seconds"] / naive["sample"] * population
    say(
        f"(d) naive ORM loop: {naive['seconds']:.2f} s for {naive['sample']} models "
        f"({naive['changed']} changed) -> {naive_scaled:.1f} s scaled to {population} (rolled back)"
    )

    revalidation = run_revalidation(env)
    say(
        f"(b) revalidate_all(): {revalidation['seconds']:.2f} s ({revalidation['wall_s']:.1f} s with process start), "
        f"{revalidation['escalations']} escalations, {revalidation['relaxations']} relaxations pending, "
        f"peak RSS {revalidation['peak_rss_mb']:.0f} MB (Django loaded: {revalidation['rss_before_mb']:.0f} MB)"
    )
    again = run_revalidation(env)
    say(f"    second run: {again['seconds']:.2f} s, wrote {again['written']}")
    mismatches, assessed = agreement(shifted)
    say(f"    SQL rule and product agree on {assessed - mismatches} of {assessed} models")
    written = follow_ups()
    changed = revalidation["escalations"] + revalidation["relaxations"]
    say(
        f"    {written['baseline_rereviews']} baseline-shift re-reviews for {changed} changed models; "
        f"audit chain {'verifies' if written['chain_ok'] else 'BROKEN'}"
    )

    impact = step_impact(board, env)
    say(
        f"(e) impact preview: {impact['seconds']:.2f} s ({impact['changes']} models would move), "
        f"peak RSS {impact['peak_rss_mb']:.0f} MB (Django loaded: {impact['rss_before_mb']:.0f} MB), "
        f"its other part's process {impact['part_peak_rss_mb']:.0f} MB"
    )

    settle("the page measurements")
    collect_static(env)
    queries = step_queries(regulator, dossiers)
    say(
        f"(f) queries: list by page size {queries['list']} ({queries['list_cached']} cached), dossier by history "
        f"length {queries['dossier']} ({queries['dossier_cached']} cached), by lineage depth {queries['lineage']}"
    )
    say(
        f"    one response computed afresh (as after any change), in-process: API list "
        f"{queries['api_cold_ms']:.1f} ms, dossier {queries['dossier_cold_ms']:.1f} ms"
    )

    load_before_http = os.getloadavg()
    http = step_http(env, regulator, dossiers["long"], requests=requests, concurrency=concurrency, workers=workers)

    api, dossier, check, baseline = http["api"], http["dossier"], http["check"], http["baseline"]
    peak_rss = {
        "generate_load_data": _round(load["peak_rss_mb"], 1),
        "revalidate_all": _round(revalidation["peak_rss_mb"], 1),
        "revalidate_all_again": _round(again["peak_rss_mb"], 1),
        "impact_preview": _round(impact["peak_rss_mb"], 1),
        "impact_preview_part": _round(impact["part_peak_rss_mb"], 1),
        "bench": _round(own_high_water_mb(), 1),
    }
    heaviest, heaviest_mb = max(((name, mb) for name, mb in peak_rss.items() if mb is not None), key=lambda p: p[1])
    say("    peak RSS by process: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in peak_rss.items() if mb))
    ratio = revalidation["seconds"] / bound["seconds"] if bound["seconds"] else float("inf")
    figures = {
        "models": population,
        "evaluation_results": _count_results(),
        "generate_s": _round(load["seconds"]),
        "revalidate_s": _round(revalidation["seconds"]),
        "revalidate_wall_s": _round(revalidation["wall_s"]),
        "revalidate_changed": revalidation["escalations"] + revalidation["relaxations"],
        "revalidate_again_s": _round(again["seconds"]),
        "revalidate_again_written": again["written"],
        "lower_bound_s": _round(bound["seconds"]),
        "revalidate_to_lower_bound": _round(ratio),
        "lower_bound_table_s": _round(table_bound["seconds"]),
        "revalidate_to_lower_bound_table": _round(revalidation["seconds"] / table_bound["seconds"]),
        "naive_s": _round(naive_scaled),
        "naive_scaled": True,
        "naive_sample": naive["sample"],
        "naive_sample_s": _round(naive["seconds"]),
        "impact_s": _round(impact["seconds"]),
        "impact_changes": impact["changes"],
        "peak_rss_mb": _round(revalidation["peak_rss_mb"], 1),
        "impact_peak_rss_mb": _round(impact["peak_rss_mb"], 1),
        "generate_peak_rss_mb": _round(load["peak_rss_mb"], 1),
        "peak_rss_by_process_mb": peak_rss,
        "capability_drift": drift_after_load,
        "list_queries": queries["list"],
        "dossier_queries": queries["dossier"],
        "dossier_queries_by_lineage_depth": queries["lineage"],
        "list_queries_cached": queries["list_cached"],
        "dossier_queries_cached": queries["dossier_cached"],
        "api_cold_ms": _round(queries["api_cold_ms"], 1),
        "dossier_cold_ms": _round(queries["dossier_cold_ms"], 1),
        "http_cache": "redis" if CACHE_URL else "per-process memory",
        "api_p50_ms": _round(api.p50_ms, 1),
        "api_p99_ms": _round(api.p99_ms, 1),
        "dossier_p50_ms": _round(dossier.p50_ms, 1),
        "dossier_p99_ms": _round(dossier.p99_ms, 1),
        "access_check_p50_ms": _round(check.p50_ms, 1),
        "access_check_p99_ms": _round(check.p99_ms, 1),
        "access_check_to_baseline_p99": _round(check.p99_ms / baseline.p99_ms),
        "baseline_p50_ms": _round(baseline.p50_ms, 1),
        "baseline_p99_ms": _round(baseline.p99_ms, 1),
        "api_to_baseline_p99": _round(api.p99_ms / baseline.p99_ms),
        "dossier_to_baseline_p99": _round(dossier.p99_ms / baseline.p99_ms),
        "concurrency": concurrency,
        "workers": workers,
        "requests": requests,
        "http_errors": sum(r.requests - r.ok for r in (api, dossier, check, baseline)),
        "sql_rule_mismatches": mismatches,
        "baseline_rereviews": written["baseline_rereviews"],
        "audit_chain_ok": written["chain_ok"],
        "machine": info,
        "loadavg_start": [round(x, 2) for x in load_at_start],
        "loadavg_before_http": [round(x, 2) for x in load_before_http],
    }
    rows = [
        (
            "Load data generated",
            _s(load["seconds"]) if load["generated"] else "reused",
            f"< {target['generate_s']:.0f} s",
            load["seconds"] < target["generate_s"] if load["generated"] else None,
        ),
        (
            "Capability table vs results from scratch",
            f"{drift_after_load} pairs differ",
            "0",
            drift_after_load == 0,
        ),
        (
            "Full revalidation (revalidate_all)",
            f"{revalidation['seconds']:.2f} s ({figures['revalidate_changed']} changed)",
            f"< {target['revalidate_s']:.0f} s",
            revalidation["seconds"] < target["revalidate_s"],
        ),
        ("SQL lower bound (aggregate + bulk write)", f"{bound['seconds']:.2f} s", "", None),
        (
            "The same reading the capability table",
            f"{table_bound['seconds']:.2f} s ({revalidation['seconds'] / table_bound['seconds']:.1f}x)",
            "(info)",
            None,
        ),
        (
            "Revalidation / lower bound",
            f"{ratio:.1f}x",
            "<= 2x",
            ratio <= target["ratio"],
        ),
        ("Naive per-model ORM loop (scaled)", f"{naive_scaled:.1f} s (from {naive['sample']} models)", "", None),
        (
            "Peak RSS of the revalidation process",
            f"{revalidation['peak_rss_mb']:.0f} MB",
            f"< {target['peak_rss_mb']:.0f} MB",
            revalidation["peak_rss_mb"] < target["peak_rss_mb"],
        ),
        (
            "Peak RSS of the heaviest process",
            f"{heaviest_mb:.0f} MB ({heaviest})",
            f"< {target['peak_rss_mb']:.0f} MB",
            heaviest_mb < target["peak_rss_mb"],
        ),
        (
            "Second revalidation (nothing to change)",
            f"{again['seconds']:.2f} s, {again['written']} written",
            "0 written",
            again["written"] == 0,
        ),
        ("SQL rule vs product disagreements", str(mismatches), "0", mismatches == 0),
        (
            "Baseline-shift re-reviews / changed models",
            f"{written['baseline_rereviews']} / {changed}",
            "equal",
            written["baseline_rereviews"] == changed,
        ),
        ("Audit chain after the run", "verifies" if written["chain_ok"] else "broken", "verifies", written["chain_ok"]),
        (
            "Impact preview",
            f"{impact['seconds']:.2f} s",
            f"< {target['impact_s']:.0f} s",
            impact["seconds"] < target["impact_s"],
        ),
        (
            "Queries: /api/v1/models/?tier=3 (size 10 / 100)",
            " / ".join(str(v) for v in queries["list"].values()),
            "constant",
            len(set(queries["list"].values())) == 1,
        ),
        (
            "Queries: dossier (history " + " / ".join(queries["dossier"]) + ")",
            " / ".join(str(v) for v in queries["dossier"].values()),
            "constant",
            len(set(queries["dossier"].values())) == 1,
        ),
        (
            "Queries: dossier (lineage depth " + " / ".join(queries["lineage"]) + ")",
            " / ".join(str(v) for v in queries["lineage"].values()),
            "(info)",
            None,
        ),
        (
            "API list p50 / p99",
            f"{api.p50_ms:.1f} / {api.p99_ms:.1f} ms ({api.p99_ms / baseline.p99_ms:.1f}x baseline)",
            "p99 <= 3x",
            api.p99_ms <= target["page_to_baseline"] * baseline.p99_ms,
        ),
        (
            "Dossier p50 / p99",
            f"{dossier.p50_ms:.1f} / {dossier.p99_ms:.1f} ms ({dossier.p99_ms / baseline.p99_ms:.1f}x baseline)",
            "p99 <= 3x",
            dossier.p99_ms <= target["page_to_baseline"] * baseline.p99_ms,
        ),
        (
            "Access check p50 / p99",
            f"{check.p50_ms:.1f} / {check.p99_ms:.1f} ms ({check.p99_ms / baseline.p99_ms:.1f}x baseline)",
            "p99 <= 2x",
            check.p99_ms <= target["check_to_baseline"] * baseline.p99_ms,
        ),
        ("Minimal Django JSON view p50 / p99", f"{baseline.p50_ms:.1f} / {baseline.p99_ms:.1f} ms", "", None),
        (
            "One response computed afresh (list / dossier)",
            f"{queries['api_cold_ms']:.1f} / {queries['dossier_cold_ms']:.1f} ms",
            "(info)",
            None,
        ),
        ("HTTP errors (non-200)", str(figures["http_errors"]), "0", figures["http_errors"] == 0),
    ]
    say()
    say(
        f"Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['ram_gb']} GB RAM, "
        f"PostgreSQL {info['postgresql']}, Python {info['python']}"
    )
    say(f"Load average: {_loadavg(load_at_start)} at start, {_loadavg(load_before_http)} before the HTTP step")
    say(
        f"Data: {population} models, {figures['evaluation_results']} evaluation results; HTTP: {concurrency} "
        f"concurrent clients, {requests} requests per endpoint, gunicorn {workers} sync workers"
    )
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    say(f"{'Measure':<{width}}  {'Result':<{value_width}}  {'Target':<12}  Status")
    say(f"{'-' * width}  {'-' * value_width}  {'-' * 12}  ------")
    for label, value, target, ok in rows:
        say(f"{label:<{width}}  {value:<{value_width}}  {target:<12}  {'' if ok is None else verdict(ok)}")
    failed = [label for label, _, _, ok in rows if ok is False]
    say(f"{len(failed)} target(s) missed" + (": " + "; ".join(failed) if failed else ""))
    print(json.dumps(figures, separators=(",", ":")), flush=True)
    return 0


def capability_drift() -> int:
    from governance.evidence.capabilities import drift

    return drift()


def own_high_water_mb() -> float:
    from bench.revalidate_child import high_water_mb

    return high_water_mb()


def _loadavg(values: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def _count_results() -> int:
    from governance.evidence.models import EvaluationResult

    return EvaluationResult.objects.count()


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
