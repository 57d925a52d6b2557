"""Settings, read from the environment.

Development (``make run``) sets ``DEBUG=1`` and needs nothing else: SQLite, a filesystem
Celery broker under ``var/`` and the console e-mail backend. Production sets ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``DATABASE_URL``, ``REDIS_URL`` and the ``EMAIL_*`` variables, and passes
``manage.py check --deploy``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = env_bool("TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production-aperture"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "csp",
    "governance.platform",
    "governance.audit",
    "governance.registry",
    "governance.evidence",
    "governance.baselines",
    "governance.determinations",
    "governance.cases",
    "governance.compliance",
    "governance.access",
    "governance.peers",
    "governance.notifications",
    "governance.register",
    "governance.web",
    "governance.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "governance.audit.middleware.RequestIdMiddleware",
    "governance.web.middleware.RefuseNullCharacters",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.web.context_processors.aperture",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aperture.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, scheduler) share the file under `make run`.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: a password change revokes the user's API tokens (governance.registry.passwords).
    {"NAME": "governance.registry.passwords.RevokeTokensOnPasswordChange"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "governance.registry.backends.IdentifyingModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/register/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: evidence files and evaluation logs.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: SMTP from the environment; console backend in development.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Aperture <noreply@aperture.invalid>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Background jobs.
TASKS_EAGER = env_bool("TASKS_EAGER")
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A message a worker took but never acknowledged (it died) returns to its queue after
    # this many seconds: longer than any one task (a revalidation chunk takes seconds).
    # A job is sent once and, if the broker cannot be reached, left in the outbox for the
    # sweep (platform/jobs.py): a send fails within a second rather than retrying for
    # seconds inside the request. (Workers reconnect by broker_connection_max_retries.)
    _visibility = int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "3600"))
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, int | str | bool] = {
        "visibility_timeout": _visibility,
        "unacked_restore_interval": max(1, min(10, _visibility // 4)),
        "unacked_restore_throttle": 1,
        "max_retries": 1,
        "interval_start": 0,
        "socket_connect_timeout": 1,
    }
    # Shared by every web process: API throttles and cached reads hold across workers.
    CACHES = {
        "default": {
            "BACKEND": "governance.platform.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "aperture",
            # A Redis that is down or hung degrades the cache (platform/cache.py) within this time.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    # Sessions read from the shared cache, kept in the database. (Never with a per-process
    # cache: a session signed out in one worker would live on in another's memory.)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # The embedded broker of `make run`: messages are files under var/broker.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False  # the filesystem transport has no fanout
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# Cached reads (governance.api.caching.py) are keyed by the audit chain head and so are never
# stale; the timeout only bounds how long an entry nobody asks for again keeps its memory.
READ_CACHE_SECONDS = int(os.environ.get("READ_CACHE_SECONDS", "300"))
CELERY_TASK_ALWAYS_EAGER = TASKS_EAGER
# The queue jobs go to, and the one a worker sends the next link of a chain to.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# REST API. Tokens (SPEC 16): hashed (knox), expiring, revocable, optionally scoped.
KNOX_TOKEN_MODEL = "registry.ApiToken"
# knox's own migrations create its default token table even when the model is swapped out
# (they predate swappable support); the project's table is registry.ApiToken.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "90"))),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 50,
}

# The access gate (SPEC 21): how long a Tier 3 grant lasts, and the signed confirmation link.
ACCESS_GRANT_MONTHS = int(os.environ.get("ACCESS_GRANT_MONTHS", "12"))
SIGNUP_CONFIRM_DAYS = int(os.environ.get("SIGNUP_CONFIRM_DAYS", "3"))
# Peer registers (SPEC 23): how long to wait for a peer's register over HTTP.
PEER_READ_TIMEOUT_SECONDS = float(os.environ.get("PEER_READ_TIMEOUT_SECONDS", "10"))
# Proxies in front of the application whose X-Forwarded-For is believed (0: none, the
# client's own header is ignored), for the login throttle and lockout (governance.platform.client_ip).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.api.authentication.ScopedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "governance.api.pagination.PageNumberPagination",
    # JSON only, bounded in depth (governance.api.parsers); the endpoints that take files
    # add multipart, and nothing takes form posts (SPEC 16: JSON in and out).
    "DEFAULT_PARSER_CLASSES": ["governance.api.parsers.JSONParser"],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "governance.platform.filtering.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "governance.platform.filtering.OrderingBackend",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "governance.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "governance.api.throttling.AnonRateThrottle",
        "governance.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "600/minute"),
        "user": os.environ.get("THROTTLE_USER", "6000/minute"),
        "login": os.environ.get("THROTTLE_LOGIN", "20/minute"),
        # Each host's gate (SPEC 21): asked before every download it serves.
        "access_check": os.environ.get("THROTTLE_ACCESS_CHECK", "60000/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aperture API",
    "DESCRIPTION": "Capability-indexed access tiers for open-weights AI models (framework C-002).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "governance.api.schema.add_error_responses",
        "governance.api.schema.public_needs_no_credentials",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ContestOutcomeEnum": "governance.cases.models.Contest.Outcome",
        "AppealOutcomeEnum": "governance.cases.models.Appeal.Outcome",
        "ReReviewOutcomeEnum": "governance.cases.models.ReReview.Outcome",
        "ContestStateEnum": "governance.cases.models.Contest.State",
        "AppealStateEnum": "governance.cases.models.Appeal.State",
        "ReReviewStateEnum": "governance.cases.models.ReReview.State",
        "OrganizationKindEnum": "governance.registry.models.Organization.Kind",
        "DeterminationKindEnum": "governance.determinations.models.Determination.Kind",
        "EnforcementKindEnum": "governance.compliance.models.EnforcementCase.Kind",
        "CaseMessageKindEnum": "governance.cases.models.CaseMessage.Kind",
        "EvaluationStatusEnum": "governance.evidence.models.EvaluationResult.Status",
        "AppealVoteEnum": "governance.cases.models.AppealVote.Vote",
        "BoardVoteEnum": "governance.baselines.models.BoardVote.Vote",
        "AccreditationStateEnum": "governance.registry.models.Accreditation.State",
    },
}

# Login lockout (django-axes): 10 failures per user and address lock for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_CALLABLE = "governance.platform.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "governance.platform.client_ip.client_ip"

# Content Security Policy: no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Production hardening; `manage.py check --deploy` passes with DEBUG off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Domain configuration (editable without code changes).
REVIEW_CADENCE_MONTHS = {1: 24, 2: 12, 3: 6, 4: 3}
CONTEST_WINDOW_DAYS = 30
APPEAL_WINDOW_DAYS = 30
CONTEST_DECISION_DAYS = 60
APPEAL_DECISION_DAYS = 90
# SPEC section 22: an organisation registered as accredited is accredited this long; a
# consultation on a draft threshold set stays open this many days unless told otherwise.
ACCREDITATION_DEFAULT_YEARS = 3
CONSULTATION_DEFAULT_DAYS = int(os.environ.get("CONSULTATION_DEFAULT_DAYS", "30"))
REVALIDATION_CHUNK_SIZE = int(os.environ.get("REVALIDATION_CHUNK_SIZE", "2000"))
# Revalidation writes this many lanes side by side (threads; PostgreSQL only).
REVALIDATION_LANES = int(os.environ.get("REVALIDATION_LANES", "2"))
# A run shared by workers cuts what it writes into at least this many chunks (none smaller
# than REVALIDATION_MIN_CHUNK models), so that every worker has a share.
REVALIDATION_MIN_CHUNKS = int(os.environ.get("REVALIDATION_MIN_CHUNKS", "4"))
REVALIDATION_MIN_CHUNK = int(os.environ.get("REVALIDATION_MIN_CHUNK", "200"))
# The impact preview sweeps in this many processes side by side (PostgreSQL only), once the
# models' ids reach SWEEP_PROCESSES_FROM: below it, starting a process costs more than it saves.
SWEEP_PROCESSES = int(os.environ.get("SWEEP_PROCESSES", "2"))
SWEEP_PROCESSES_FROM = int(os.environ.get("SWEEP_PROCESSES_FROM", "50000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
