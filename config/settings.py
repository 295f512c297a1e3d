"""The one settings module. Every knob is an environment variable; nothing set means
the embedded default: SQLite and local files, DEBUG on, ready for `make demo`."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext

from config.env import env_bool, env_int, env_list, env_secret, env_str

django_stubs_ext.monkeypatch()  # lets ModelAdmin[...] and QuerySet[...] subscript at run time

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-only-insecure-key-chinh-quyen-so-do-not-use-in-production"
SECRET_KEY = env_secret("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "cqs.core",
    "cqs.accounts",
    "cqs.audit",
    "cqs.org",
    "cqs.rendering",
    "cqs.documents",
    "cqs.notify",
    "cqs.signing",
    "cqs.onestop",
    "cqs.portal",
    "cqs.worklist",
    "cqs.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cqs.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE avoids
    # "database is locked" upgrades in the middle of a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "cqs.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "cqs.accounts.validators.CharacterClassesValidator"},
]

# Login rate limiting (TCVN 14423 level 3 suggests locking after <= 5 failures). A username
# is locked after LOGIN_MAX_FAILURES consecutive failures; one client address (an office
# behind NAT shares one) only after LOGIN_MAX_FAILURES_PER_ADDRESS. Failures further apart
# than LOGIN_LOCKOUT_SECONDS are forgotten.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 10 * LOGIN_MAX_FAILURES)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("CACHE_LOCATION", "cqs"),
    }
}

# Sessions and cookies: secure by default outside DEBUG.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "cqs.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Behind one trusted reverse proxy: it sets X-Forwarded-Proto and appends the client's
# address to X-Forwarded-For (the login throttle reads the last entry).
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

# Content-Security-Policy: every asset is served by the app itself; no CDN.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "khong-tra-loi@chinhquyenso.local")
# Covering indexes (Index.include) serve the reporting windows on PostgreSQL; SQLite builds the
# same indexes without the extra columns, which is what warning W040 says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# Absolute address of the site, for links in emails and SMS (empty: relative links).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# SMS to citizens (cqs/portal/sms.py): the console backend prints them; a real gateway plugs in here.
CQS_SMS_BACKEND = env_str("CQS_SMS_BACKEND", "cqs.portal.sms.ConsoleSmsBackend")
# PostgreSQL: random_page_cost for the document search's queries (cqs/documents/search.py,
# planner_settings); empty leaves the server's value.
_search_page_cost = env_str("SEARCH_PG_RANDOM_PAGE_COST", "1.1")
SEARCH_PG_RANDOM_PAGE_COST = float(_search_page_cost) if _search_page_cost else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Digital signatures (cqs/signing/conf.py reads these; empty means the documented default).
SIGNING_KEY_ENCRYPTION_KEY = env_secret("SIGNING_KEY_ENCRYPTION_KEY", "")
SIGNING_TSA_URL = env_str("SIGNING_TSA_URL", "")
SIGNING_TRUSTED_CA_FILES = env_list("SIGNING_TRUSTED_CA_FILES", [])
SIGNING_REAUTH_SECONDS = env_int("SIGNING_REAUTH_SECONDS", 300)

# Documents: default handling time of a routed incoming document, in working days.
DOCUMENT_DEFAULT_HANDLING_DAYS = env_int("DOCUMENT_DEFAULT_HANDLING_DAYS", 10)
DOCUMENT_MAX_UPLOAD_MB = env_int("DOCUMENT_MAX_UPLOAD_MB", 50)

# The demo province's place name and the province identifier used by seed_demo.
DEMO_PROVINCE_NAME = env_str("DEMO_PROVINCE_NAME", "Sơn Hà")

# A production start refuses DEBUG and the development key outright (see also
# cqs/core/checks.py, run by `manage.py check --deploy`).
ENVIRONMENT = env_str("CQS_ENV", "development")
if ENVIRONMENT == "production":
    from django.core.exceptions import ImproperlyConfigured

    if DEBUG:
        raise ImproperlyConfigured("CQS_ENV=production nhưng DEBUG đang bật.")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("CQS_ENV=production cần SECRET_KEY riêng, ≥ 50 ký tự.")
