"""Refuse to start in production with insecure settings (DEBUG off is production)."""

from django.core.exceptions import ImproperlyConfigured

from .base import ALLOWED_HOSTS, DEBUG, SECRET_KEY
from .database import DATABASES
from .env import env_bool

INSECURE_KEY_MARKERS = ("django-insecure", "test-only", "changeme", "secret")
MIN_SECRET_KEY_LENGTH = 50


def production_problems() -> list[str]:
    """What makes these settings unfit for production; empty when they are fine or DEBUG is on."""
    if DEBUG:
        return []
    problems = []
    if len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < 5:
        problems.append(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} random characters")
    if any(marker in SECRET_KEY.lower() for marker in INSECURE_KEY_MARKERS):
        problems.append("SECRET_KEY looks like a placeholder or test key")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must name the site's host names (not '*')")
    is_sqlite = DATABASES["default"]["ENGINE"].endswith("sqlite3")
    if is_sqlite and not env_bool("FRONTDOOR_ALLOW_SQLITE_IN_PRODUCTION", False):
        problems.append(
            "DATABASE_URL must point at PostgreSQL in production (or set "
            "FRONTDOOR_ALLOW_SQLITE_IN_PRODUCTION=true for a single-machine trial)"
        )
    return problems


_problems = production_problems()
if _problems:
    raise ImproperlyConfigured(
        "Refusing to start with insecure production settings (DEBUG is off): "
        + "; ".join(_problems)
    )
