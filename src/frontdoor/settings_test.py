"""Settings for the test suite: the real settings, with test defaults for a few variables.

Only defaults are set here, so CI's DATABASE_URL and REDIS_URL still apply.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("FRONTDOOR_TASKS_IMMEDIATE", "true")
os.environ.setdefault("FRONTDOOR_DATA_DIR", "var/test")
os.environ.setdefault("FRONTDOOR_DEMO_CONTACT_SCALE", "0.01")

from frontdoor.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only

# The live server's threads must not keep connections open past a test (PostgreSQL then
# refuses to drop the test database).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
