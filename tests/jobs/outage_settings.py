"""Settings of the processes that the broker-outage test starts (server, worker, scheduler):
production's, with the suite's password hashing and e-mail written to files to count."""

import os

from governance.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["OUTAGE_MAIL_DIR"]
