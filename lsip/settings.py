"""LSIP settings: one module, every deployment difference comes from the environment."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lsip import scaling

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# Keys that are known to the world must never sign a production session.
_PLACEHOLDER_KEYS = {"", "change-me", "changeme", "secret"}
SECRET_KEY = env("SECRET_KEY", default="")
if SECRET_KEY in _PLACEHOLDER_KEYS or SECRET_KEY.startswith("django-insecure"):
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or a placeholder. Set a long random SECRET_KEY "
            "in the environment (see .env.example), or DEBUG=true for local work."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "zones",
    "clearance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lsip.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "lsip.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zones.context_processors.access",
            ],
        },
    },
]

WSGI_APPLICATION = "lsip.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

# App servers keep no state of their own, so any number of them can serve behind one proxy
# (docs/decisions/0015-stateless-app-servers.md, docs/OPERATIONS.md).
# Read replicas: GET requests read from one of them, everything else from the primary.
_REPLICAS = scaling.replica_databases(env.list("DATABASE_REPLICA_URLS", default=[]), default=DATABASES["default"])
DATABASES.update(_REPLICAS)
DATABASE_ROUTERS = ["lsip.db_routers.ReplicaRouter"] if _REPLICAS else []
if DATABASE_ROUTERS:
    # Outermost, so that the session's reads and writes are routed too.
    MIDDLEWARE.insert(0, "lsip.db_routers.ReplicaReadsMiddleware")
# How long a browser reads from the primary after a request of its own wrote (replication lag).
LSIP_REPLICA_PIN_SECONDS = env.int("LSIP_REPLICA_PIN_SECONDS", default=10)

# One cache for every server: the database's by default, Redis or Memcached by CACHE_URL.
CACHES = {"default": scaling.cache_config(env.str("CACHE_URL", default=scaling.DEFAULT_CACHE_URL))}
# Sessions in the database, fronted by the cache only where that cache is shared and in memory.
SESSION_ENGINE = scaling.session_engine(CACHES["default"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "clearance:overview"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English on request; formats in lsip/formats/<lang>/formats.py.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lsip.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Inventory spreadsheets are refused before parsing past these limits.
LSIP_IMPORT_MAX_BYTES = env.int("LSIP_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
LSIP_IMPORT_MAX_ROWS = env.int("LSIP_IMPORT_MAX_ROWS", default=20_000)
LSIP_MAX_LIST_PAGE = env.int("LSIP_MAX_LIST_PAGE", default=40)
# A case whose current stage began more than this many days ago is listed as stuck.
LSIP_STUCK_DAYS = env.int("LSIP_STUCK_DAYS", default=60)

# Every table: LSIP's template (its pager speaks Vietnamese) and the portal's table style.
DJANGO_TABLES2_TEMPLATE = "_partials/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
