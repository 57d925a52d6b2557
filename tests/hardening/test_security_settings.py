"""Production security settings, login lockout, API throttling, upload limits and the
Content Security Policy (SPEC section 20).

Production settings are read in subprocesses (``governance.settings`` with ``DEBUG`` off and
secrets from the environment), since the test process runs ``governance.test_settings``.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from csp.constants import UNSAFE_EVAL, UNSAFE_INLINE
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.module_loading import import_string
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from governance.audit.models import AuditEvent
from governance.cases import services as cases
from governance.cases.models import Appeal, CaseFile, CaseMessage, Contest
from governance.compliance.models import ComplianceSubmission, Obligation, SubmissionFile
from governance.evidence.models import EvaluationResult
from governance.notifications.models import Notification
from governance.workflows import cases as workflows
from tests.factories import PASSWORD, assigned_contest

ROOT = Path(__file__).resolve().parents[2]
HOST = "aperture.example.org"


# --- production settings (subprocesses) -------------------------------------------------


def requests_allowed(rate: str) -> int:
    """The request count of a DRF rate such as ``"20/minute"``."""
    count, period = rate.split("/")
    assert period[0] in "smhd", rate
    return int(count)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production process: no test switches, secrets from here."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "TESTING",
            "TASKS_EAGER",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not key.startswith(("SECURE_", "PYTEST", "THROTTLE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="governance.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        VAR_DIR=str(tmp_path),
        PYTHONWARNINGS="ignore",
    )
    env.update(extra)
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings(tmp_path):
    done = run(production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    done = run(env, "manage.py", "check")
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_CONTENT_TYPE_NOSNIFF": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSP": s.CONTENT_SECURITY_POLICY,
    "MIDDLEWARE": s.MIDDLEWARE,
    "AUTHENTICATION_BACKENDS": s.AUTHENTICATION_BACKENDS,
    "AXES_ENABLED": s.AXES_ENABLED,
    "AXES_FAILURE_LIMIT": s.AXES_FAILURE_LIMIT,
    "THROTTLE_CLASSES": s.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES"),
    "THROTTLE_RATES": s.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES"),
    "MAX_UPLOAD_BYTES": s.MAX_UPLOAD_BYTES,
    "PASSWORD_HASHERS": s.PASSWORD_HASHERS[:1],
    "CACHE": s.CACHES["default"]["BACKEND"],
    "SESSION_ENGINE": s.SESSION_ENGINE,
}))
"""


def test_production_settings_are_hardened(tmp_path):
    env = production_env(tmp_path)
    done = run(env, "-c", PRINT_SETTINGS)
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == env["SECRET_KEY"], "the secret comes from the environment"
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["ALLOWED_HOSTS"] == [HOST]
    assert "django.middleware.csrf.CsrfViewMiddleware" in values["MIDDLEWARE"]
    assert "csp.middleware.CSPMiddleware" in values["MIDDLEWARE"]
    assert "axes.middleware.AxesMiddleware" in values["MIDDLEWARE"]
    assert values["AUTHENTICATION_BACKENDS"][0].startswith("axes.backends.")
    assert values["AXES_ENABLED"] is True and 0 < values["AXES_FAILURE_LIMIT"] <= 20
    assert not values["PASSWORD_HASHERS"][0].endswith("MD5PasswordHasher")
    assert_strict_csp(values["CSP"]["DIRECTIVES"])
    # API throttling is on in production, with rates that parse.
    assert set(values["THROTTLE_CLASSES"]) >= {
        "governance.api.throttling.AnonRateThrottle",
        "governance.api.throttling.UserRateThrottle",
    }
    for scope in ("anon", "user", "login", "access_check"):
        assert requests_allowed(values["THROTTLE_RATES"][scope]) > 0
    assert 0 < values["MAX_UPLOAD_BYTES"] <= 100 * 1024 * 1024


@pytest.mark.parametrize(
    "redis_url, cache, sessions",
    [
        ("redis://127.0.0.1:6379/0", "governance.platform.cache.ResilientRedisCache", "cached_db"),
        ("", "django.core.cache.backends.locmem.LocMemCache", "db"),
    ],
)
def test_sessions_go_through_the_cache_only_when_every_worker_shares_it(tmp_path, redis_url, cache, sessions):
    """A session signed out in one worker must not live on in another worker's memory."""
    done = run(production_env(tmp_path, REDIS_URL=redis_url), "-c", PRINT_SETTINGS)
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values["CACHE"] == cache
    assert values["SESSION_ENGINE"] == f"django.contrib.sessions.backends.{sessions}"


PROBE_REQUESTS = f"""
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="{HOST}")
plain = client.get("/api/schema/?format=json")
secure = client.get("/api/schema/?format=json", secure=True)
print(json.dumps({{
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code, dict(secure.headers)],
}}))
"""


def test_production_redirects_to_https_and_sends_hsts_and_csp(tmp_path):
    done = run(production_env(tmp_path), "-c", PROBE_REQUESTS)
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    status, location = values["plain"]
    assert status == 301 and location.startswith(f"https://{HOST}/")
    status, headers = values["secure"]
    assert status == 200
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert_strict_csp(parse_csp(headers["Content-Security-Policy"]))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


# --- Content Security Policy on pages -----------------------------------------------------


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict_csp(directives: dict) -> None:
    script = directives.get("script-src") or directives.get("default-src")
    assert script, "CSP must restrict scripts (script-src or default-src)"
    assert UNSAFE_INLINE not in script and UNSAFE_EVAL not in script, script
    assert all(not source.startswith(("http:", "https:", "*")) for source in script), script
    for directive in ("default-src", "object-src", "frame-ancestors", "base-uri"):
        assert directive in directives, directive
    assert UNSAFE_INLINE not in directives.get("default-src", [])
    assert UNSAFE_INLINE not in directives.get("style-src", [])


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_pages_send_a_strict_csp_and_carry_no_inline_script(world, client):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    pages = [(None, "/register/"), (None, "/accounts/login/"), (None, "/api/docs/")]
    pages += [(world.regulator, "/"), (world.regulator, f"/models/{model.pk}/"), (world.dev_aurora, "/")]
    pages += [(world.board, "/threshold-sets/"), (world.regulator, "/audit/"), (world.evaluator, "/evaluations/")]
    for user, path in pages:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict_csp(parse_csp(response["Content-Security-Policy"]))
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"{path}: inline <script> (blocked by the CSP)"
        assert not INLINE_HANDLER.search(html), f"{path}: inline event handler (blocked by the CSP)"
        assert not JS_URL.search(html), f"{path}: javascript: URL (blocked by the CSP)"
        assert response["X-Frame-Options"] == "DENY"


# --- login lockout (django-axes) ----------------------------------------------------------


@pytest.fixture
def fresh_cache():
    """Throttle counters live in the cache: start clean, and leave nothing to other tests."""
    cache.clear()
    yield
    cache.clear()


def test_web_login_locks_out_after_the_failure_limit(world, client, fresh_cache):
    limit = settings.AXES_FAILURE_LIMIT
    assert settings.AXES_ENABLED and limit > 0
    for attempt in range(limit):
        response = client.post("/accounts/login/", {"username": "dev-aurora", "password": f"wrong-{attempt}"})
        assert "_auth_user_id" not in client.session
        if attempt < limit - 1:
            assert response.status_code == 200, attempt  # the form again, with its error
    response = client.post("/accounts/login/", {"username": "dev-aurora", "password": PASSWORD})
    assert response.status_code in (403, 429), response.status_code
    assert "_auth_user_id" not in client.session, "the right password must be refused while locked out"
    # The lock is on this account (and address), not on everyone behind the address.
    other = client.post("/accounts/login/", {"username": "dev-borealis", "password": PASSWORD})
    assert other.status_code == 302 and client.session["_auth_user_id"] == str(world.dev_borealis.pk)


def lock_out_token_endpoint(username: str) -> APIClient:
    api = APIClient()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = api.post("/api/v1/auth/token/", {"username": username, "password": f"no-{attempt}"})
        assert response.status_code in (401, 429), response.status_code
        assert b"token" not in response.content
    return api


def test_token_endpoint_locks_out_after_the_failure_limit(world, fresh_cache):
    api = lock_out_token_endpoint("regulator")
    response = api.post("/api/v1/auth/token/", {"username": "regulator", "password": PASSWORD})
    assert response.status_code == 429, response.status_code
    assert b"token" not in response.content, "the right password must be refused while locked out"
    fine = api.post("/api/v1/auth/token/", {"username": "compliance", "password": PASSWORD})
    assert fine.status_code == 200 and fine.json()["token"]


def test_token_lockout_answers_the_api_error_format(world, fresh_cache):
    api = lock_out_token_endpoint("regulator")
    response = api.post("/api/v1/auth/token/", {"username": "regulator", "password": PASSWORD})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


# --- API throttling -------------------------------------------------------------------------


def test_token_endpoint_is_rate_limited(db, fresh_cache):
    """The login scope applies in every settings, tests included (its own throttle class)."""
    allowed = requests_allowed(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"])
    api = APIClient()
    for i in range(allowed):
        response = api.post("/api/v1/auth/token/", {"username": f"nobody-{i}", "password": "x"})
        assert response.status_code == 401, (i, response.status_code)
    response = api.post("/api/v1/auth/token/", {"username": "nobody-last", "password": "x"})
    assert response.status_code == 429
    assert "detail" in response.json() and response.has_header("Retry-After")


def test_a_rotating_x_forwarded_for_does_not_escape_the_login_rate_limit(db, fresh_cache):
    """Issue 17, item 23: with no trusted proxy, the client's own header is not its address."""
    allowed = requests_allowed(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"])
    api = APIClient()
    for i in range(allowed):
        response = api.post(
            "/api/v1/auth/token/", {"username": f"nobody-{i}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        )
        assert response.status_code == 401, (i, response.status_code)
    response = api.post(
        "/api/v1/auth/token/", {"username": "nobody-last", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert response.status_code == 429


def test_only_the_configured_proxies_are_believed(rf):
    from governance.platform.client_ip import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7", REMOTE_ADDR="10.0.0.2")
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "198.51.100.7", "the forged left-hand entry is not believed"
    with override_settings(TRUSTED_PROXY_COUNT=5):
        assert client_ip(request) == "6.6.6.6"


def test_production_throttles_answer_429(world, fresh_cache, monkeypatch):
    """The production throttle classes, with tiny rates: DRF binds both at import, so patch them."""
    import governance.settings as production

    classes = [import_string(path) for path in production.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]]
    monkeypatch.setattr(APIView, "throttle_classes", classes)
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute", "login": "9/minute"}
    )
    # Half a minute into a window: the counts cannot straddle two windows while the test runs.
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: 60 * 1_000_000 + 30.0))

    anonymous = APIClient()
    codes = [anonymous.get("/api/v1/register/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429], codes

    api = APIClient()
    api.force_authenticate(world.dev_aurora)
    codes = [api.get("/api/v1/models/").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429], codes
    throttled = api.get("/api/v1/me/")
    assert throttled.status_code == 429 and "detail" in throttled.json() and throttled.has_header("Retry-After")
    # Another user has a budget of their own.
    other = APIClient()
    other.force_authenticate(world.dev_borealis)
    assert other.get("/api/v1/models/").status_code == 200


# --- upload limits ------------------------------------------------------------------------------


@pytest.fixture
def upload_world(world):
    """A Tier 3 model with obligations, a decided contest (to appeal) and a contest awaiting
    information (to answer with files)."""
    contest = assigned_contest(world, "Aster", adjudicator=world.regulator2)
    decided_model = contest.model
    workflows.decide_contest(contest=contest, by=world.regulator2, outcome="upheld", reasons="Stands.")
    asking = assigned_contest(world, "Birch", adjudicator=world.regulator3)
    cases.request_information(contest=asking, by=world.regulator3, message="Which run?")
    open_model = world.register("Cedar")
    world.evidence(open_model, "bio", "0.6000")
    return {
        "decided": contest,
        "asking": asking,
        "open_model": open_model,
        "obligation": Obligation.objects.filter(model=decided_model, next_due__isnull=False)
        .exclude(status="retired")
        .order_by("id")
        .first(),
    }


def written() -> dict[str, int]:
    tables = [Contest, Appeal, CaseFile, CaseMessage, ComplianceSubmission, SubmissionFile, EvaluationResult]
    counts = {table.__name__: table.objects.count() for table in tables}
    counts["AuditEvent"] = AuditEvent.objects.count()
    counts["Notification"] = Notification.objects.count()
    counts["media files"] = sum(1 for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())
    return counts


def oversized(name: str, size: int, head: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, head + b"a" * (size - len(head)), content_type="application/octet-stream")


UPLOAD_ENDPOINTS = ["appeal", "compliance", "contest", "evaluation-import", "information"]


def upload_request(endpoint: str, w: dict, upload: SimpleUploadedFile) -> tuple[str, dict]:
    """The path and multipart data of each upload endpoint, carrying ``upload``."""
    if endpoint == "contest":
        determination = w["open_model"].determinations.get(status="in_force")
        return "/api/v1/contests/", {
            "determination": determination.pk,
            "grounds": "g",
            "requested_tier": 2,
            "files": [upload],
        }
    if endpoint == "appeal":
        return "/api/v1/appeals/", {"contest": w["decided"].pk, "grounds": "g", "files": [upload]}
    if endpoint == "information":
        return f"/api/v1/contests/{w['asking'].pk}/provide-information/", {"message": "m", "files": [upload]}
    if endpoint == "compliance":
        obligation = w["obligation"]
        return "/api/v1/compliance-submissions/", {
            "obligation": obligation.pk,
            "period_end": obligation.next_due.isoformat(),
            "notes": "n",
            "files": [upload],
        }
    return "/api/v1/evaluations/import/", {"model": w["open_model"].pk, "file": upload}


def test_an_upload_over_the_real_limit_answers_413_and_writes_nothing(world, upload_world):
    api = APIClient()
    api.force_authenticate(world.dev_aurora)
    before = written()
    upload = oversized("grounds.pdf", settings.MAX_UPLOAD_BYTES + 1, b"%PDF-1.4 ")
    path, data = upload_request("contest", upload_world, upload)
    response = api.post(path, data, format="multipart")
    assert response.status_code == 413, response.content[:300]
    detail = response.json()["detail"]
    assert "grounds.pdf" in detail and f"at most {settings.MAX_UPLOAD_BYTES} bytes" in detail
    assert written() == before


@pytest.mark.parametrize("endpoint", UPLOAD_ENDPOINTS)
@override_settings(MAX_UPLOAD_BYTES=2048)
def test_every_upload_endpoint_answers_413_and_writes_nothing(world, upload_world, endpoint):
    api = APIClient()
    api.force_authenticate(world.evaluator if endpoint == "evaluation-import" else world.dev_aurora)
    before = written()
    path, data = upload_request(endpoint, upload_world, oversized("evidence.json", 2049, b"{}"))
    response = api.post(path, data, format="multipart")
    assert response.status_code == 413, (endpoint, response.status_code, response.content[:300])
    assert "2048" in response.json()["detail"]
    assert written() == before


@override_settings(MAX_UPLOAD_BYTES=2048)
def test_web_upload_over_the_limit_is_refused_with_a_message(world, upload_world, client):
    client.force_login(world.dev_aurora)
    obligation = upload_world["obligation"]
    before = written()
    response = client.post(
        f"/obligations/{obligation.pk}/",
        {"period_end": obligation.next_due.isoformat(), "notes": "n", "files": [oversized("big.pdf", 4096, b"%PDF-")]},
        follow=True,
    )
    assert response.status_code in (200, 413)
    assert "2048" in response.content.decode()
    assert written() == before


def test_an_oversized_request_body_is_refused_not_a_server_error(world):
    """A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE: a 4xx (ideally 413), never a 500."""
    api = APIClient()
    api.force_authenticate(world.dev_aurora)
    body = json.dumps(
        {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "version": "1", "developer": world.aurora.pk}
    )
    before = written()
    response = api.post("/api/v1/models/", body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.status_code
    assert written() == before


def test_an_oversized_request_body_answers_413_with_a_json_detail(world):
    api = APIClient()
    api.force_authenticate(world.dev_aurora)
    body = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "version": "1"})
    response = api.post("/api/v1/models/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


@pytest.mark.parametrize(
    "name, content, accepted",
    [
        ("notes.txt", "Réunion du comité, 3 décembre.\n".encode(), True),
        ("audit.csv", b"user,date\na,2026-11-01\n", True),
        ("report.json", b'{"ok": true, "rows": [1, 2]}', True),
        ("program.txt", b"\x7fELF\x02\x01\x01" + b"x" * 64, False),  # no NUL in the head, not text
        ("late-nul.txt", b"a" * 5000 + b"\x00", False),
        ("latin1.csv", "caf\xe9,1\n".encode("latin-1"), False),
        ("renamed.txt", b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n", False),
        ("broken.json", b'{"ok": tru', False),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, False),
    ],
)
def test_text_files_are_checked_to_the_end(name, content, accepted):
    """Issue 17, item 23: a file with a text extension is UTF-8 text throughout (and JSON
    parses), not merely free of NUL in its first bytes."""
    from governance.platform.errors import Invalid
    from governance.platform.uploads import check_upload

    upload = SimpleUploadedFile(name, content)
    if accepted:
        assert check_upload(upload).size == len(content)
        assert upload.read() == content, "the file is left readable from the start"
    else:
        with pytest.raises(Invalid) as refused:
            check_upload(upload)
        assert name in refused.value.fields["files"][0]


@override_settings(MAX_UPLOAD_BYTES=10)
def test_an_upload_that_does_not_declare_its_size_is_held_to_the_limit_by_what_is_read():
    from governance.platform.errors import TooLarge
    from governance.platform.uploads import check_upload

    upload = SimpleUploadedFile("notes.txt", b"0123456789")
    upload.size = None
    assert check_upload(upload).size == 10
    upload = SimpleUploadedFile("notes.txt", b"0123456789a")
    upload.size = None
    with pytest.raises(TooLarge) as refused:
        check_upload(upload)
    assert "notes.txt is 11 bytes" in str(refused.value)
