"""Settings for the test suite: the environment's database (SQLite by default), jobs
inline unless a test says otherwise, fast password hashing, media in a temporary folder."""

import os
import tempfile

os.environ.setdefault("TESTING", "1")
os.environ.setdefault("TASKS_EAGER", "1")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="aperture-test-"))

from governance.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aperture-media-"))  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
# One process's memory, never the shared Redis of the integration tests (each test clears it).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Transactional tests flush the tables between tests, the audit table included.
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
