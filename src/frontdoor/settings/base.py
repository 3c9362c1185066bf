"""Apps, middleware, templates, i18n and static files."""

from pathlib import Path

from .env import data_dir, env_bool, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

# The time zone given to new councils; each council then keeps its own.
FRONTDOOR_TIME_ZONE = env_str("FRONTDOOR_TIME_ZONE", "Europe/London")
# How many of its year of contacts the demo generates (1 = about 265,000).
FRONTDOOR_DEMO_CONTACT_SCALE = float(env_str("FRONTDOOR_DEMO_CONTACT_SCALE", "1"))
# Parquet snapshots of contact facts for the KPI engine: shared storage when several machines
# serve the site (the worker writes them, every web process reads them).
FRONTDOOR_SNAPSHOT_DIR = Path(env_str("FRONTDOOR_SNAPSHOT_DIR", str(DATA_DIR / "snapshots")))
# GOV.UK Notify: the key is a secret; without one, messages wait in the outbox.
FRONTDOOR_NOTIFY_API_KEY = env_str("FRONTDOOR_NOTIFY_API_KEY")
FRONTDOOR_NOTIFY_BASE_URL = env_str(
    "FRONTDOOR_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
# The site's address for links in emails (read in an inbox, outside the site), e.g.
# https://frontdoor.example.gov.uk; without it, the first host named in ALLOWED_HOSTS.
FRONTDOOR_SITE_URL = env_str("FRONTDOOR_SITE_URL")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI for /api/docs from its own static files, not a CDN
    "frontdoor.core",
    "frontdoor.identity",
    "frontdoor.audit",
    "frontdoor.web",
    "frontdoor.citizens",
    "frontdoor.contacts",
    "frontdoor.cases",
    "frontdoor.omnichannel",
    "frontdoor.notify",
    "frontdoor.insight",
    "frontdoor.planning",
    "frontdoor.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "frontdoor.web.middleware.SignInRequiredMiddleware",
    "frontdoor.core.middleware.CurrentCouncilMiddleware",
    "axes.middleware.AxesMiddleware",
    "frontdoor.api.middleware.ApiJsonErrorsMiddleware",
]

ROOT_URLCONF = "frontdoor.urls"
ASGI_APPLICATION = "frontdoor.asgi.application"
WSGI_APPLICATION = "frontdoor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "frontdoor.web.context_processors.platform",
            ],
        },
    },
]

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:sign-in"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even when uncollected
STATICFILES_DIRS = [BASE_DIR / "web" / "assets"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Served from the app folders when static files were not collected (demo, tests).
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
