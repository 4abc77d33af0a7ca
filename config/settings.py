"""Newsroom settings: one module, every deployment difference comes from environment variables."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# pythainlp writes to ~/pythainlp-data and tries downloads unless told not to;
# set before anything imports it so a read-only home and a closed network are fine.
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # Development only: a fixed, obviously unsafe key so sessions survive restarts.
        SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin site that also asks for the second factor (releases/security/site.py).
    "releases.security.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",

    "huey.contrib.djhuey",
    "releases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files get the headers too.
    "releases.middleware.SecurityHeadersMiddleware",
    # A database outage is a 503 with Retry-After, logged once (its process_exception).
    "releases.middleware.DatabaseOutageMiddleware",
    # Cross-origin reads of /api/ only (docs/api.md); before anything that could answer first.
    "releases.api.cors.ReadOnlyCorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public release files and portraits, like static files, before the per-reader middleware.
    "releases.embargo.PublicMediaMiddleware",
    # After WhiteNoise (static files come pre-compressed); compresses public pages only.
    "releases.compression.PublicGZipMiddleware",
    # Scheduled changes to live releases go live when due, before anything reads them (no job needed).
    "releases.scheduled_edits.ScheduledEditsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Thai unless the reader switched to English (the Accept-Language header is not used).
    "releases.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A 404 at one of the ministry's old addresses becomes a 301 (releases/redirects/); other responses pass untouched.
    "releases.redirects.middleware.LegacyRedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has the second factor been given in this session?
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request; readers get no session.
    "releases.security.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# Unset DATABASE_URL means the embedded SQLite file under var/.
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    # A fresh clone has no var/ (it is not in git): make it, or SQLite cannot open its file.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "newsroom.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent use: IMMEDIATE takes the write lock at BEGIN so two writers queue on the
    # busy timeout instead of failing with "database is locked" mid-transaction; WAL lets
    # readers run beside the writer. The PRAGMAs run per connection (tests check them).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        }
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("NEWSROOM_POSTGRES_JIT", False):
    # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: the search
    # page's plan (hashed subplans estimated as full scans that never run) did, and compiling
    # took ~950 ms of a 970 ms query that runs in 25 ms without it (100,000 releases,
    # docs/performance.md). Short web queries never gain from it.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Without REDIS_URL: "database" (shared by all workers) or "locmem" (per process; one process only).
NEWSROOM_CACHE = os.environ.get("NEWSROOM_CACHE", "").strip() or "database"
if NEWSROOM_CACHE not in ("database", "locmem"):
    raise ImproperlyConfigured(f'NEWSROOM_CACHE must be "database" or "locmem", not "{NEWSROOM_CACHE}".')
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, degraded to misses while Redis is unreachable.
            "BACKEND": "releases.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "newsroom"),
            # A Redis that hangs must not hang the pages: they render without it (releases/outages.py).
            "OPTIONS": {
                "socket_connect_timeout": env_int("NEWSROOM_REDIS_TIMEOUT_MS", 500) / 1000,
                "socket_timeout": env_int("NEWSROOM_REDIS_TIMEOUT_MS", 500) / 1000,
            },
        }
    }
elif NEWSROOM_CACHE == "database":
    # Without Redis: Django's database cache, shared by every worker (and `manage.py` commands), so
    # a reader is "seen" once whichever worker answers and every worker serves the same cached page.
    # Its tables are made by `migrate` (releases/cache_tables.py). Each write is one upsert
    # (releases/cache_backends.py): at 20,000 keys a "seen" add costs ~0.2-0.3 ms on SQLite (WAL) and
    # ~0.5 ms on PostgreSQL, Django's own 0.3-0.6 and 1.5 ms (docs/serving.md); Django's file-based
    # cache lists its whole directory on every write (~30 ms at 5,000 keys).
    CACHES = {
        "default": {
            "BACKEND": "releases.cache_backends.SharedDatabaseCache",
            "LOCATION": "newsroom_cache",
            # Mostly the view counter's "seen this reader" keys: expired ones are culled first.
            "OPTIONS": {"MAX_ENTRIES": env_int("NEWSROOM_CACHE_MAX_ENTRIES", 20_000)},
        },
        # Whole pages (releases/caching.py), a table of their own so the counter's keys cannot evict them.
        "pages": {
            "BACKEND": "releases.cache_backends.SharedDatabaseCache",
            "LOCATION": "newsroom_page_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("NEWSROOM_PAGE_CACHE_MAX_ENTRIES", 1000)},
        },
    }
else:
    # NEWSROOM_CACHE=locmem: one process only (the test suite, a single runserver).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
            # Per process. Mostly the view counter's small "seen this reader" keys (~0.3 KB):
            # a burst of readers must not push out the ones still inside their window.
            "OPTIONS": {"MAX_ENTRIES": env_int("NEWSROOM_CACHE_MAX_ENTRIES", 20_000)},
        },
        # Whole pages (releases/caching.py), apart so the counter's keys cannot evict them;
        # a page is ~4-8 KB compressed, so ~10 MB per worker at most.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom-pages",
            "OPTIONS": {"MAX_ENTRIES": env_int("NEWSROOM_PAGE_CACHE_MAX_ENTRIES", 1000)},
        },
    }
# Whole public pages for anonymous readers (releases/caching.py); invalidated on every change.
# Distinct old addresses not found that are counted for editors; past this, only known ones are counted.
LEGACY_MISSING_MAX_PATHS = env_int("NEWSROOM_LEGACY_MISSING_MAX_PATHS", 5000)
NEWSROOM_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", True)
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 300)
# Release pages rendered once per change and kept in the database (releases/stored_pages/).
NEWSROOM_STORED_PAGES = env_bool("NEWSROOM_STORED_PAGES", True)
# A page that was not found (an out-of-range page number, say) is remembered this long.
NEWSROOM_PAGE_CACHE_NOT_FOUND_SECONDS = env_int("NEWSROOM_PAGE_CACHE_NOT_FOUND_SECONDS", 60)
# With local-memory caches (one per worker), the file through which workers learn of a change.
NEWSROOM_PAGE_CACHE_FILE = os.environ.get("NEWSROOM_PAGE_CACHE_FILE", "").strip() or str(VAR_DIR / "page-cache-generation")

# Seconds a client is asked to wait (Retry-After) while the database is unreachable.
NEWSROOM_RETRY_AFTER_SECONDS = env_int("NEWSROOM_RETRY_AFTER_SECONDS", 30)

# --- Authentication -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: an address is locked out after repeated failures, whichever usernames it tried
# (so spraying many usernames is limited), for a cool-off period. The address is the client's
# behind the trusted proxies (releases/clients.py, as for the view counter): keyed on the
# username, or on the proxy's address, five bad passwords would lock a user out for everyone.
# Failures are not wiped by a success: an attacker with one account of their own could
# otherwise sign in between guesses; they expire after the cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "releases.clients.client_address"
# Failed second-factor codes count as failed sign-ins too (releases/security/views.py);
# the code a user typed is masked like the password in axes' records.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# Second factor (django-otp): an authenticator app's TOTP codes, plus one-time recovery codes.
OTP_TOTP_ISSUER = os.environ.get("NEWSROOM_OTP_ISSUER", "Newsroom")
# Each failed code doubles the wait before the next try (1, 2, 4 ... seconds) on that device.
OTP_TOTP_THROTTLE_FACTOR = env_int("NEWSROOM_OTP_THROTTLE_FACTOR", 1)
NEWSROOM_RECOVERY_CODES = 10
# A staff session ends after this long without a request (default 8 hours).
STAFF_SESSION_IDLE_SECONDS = env_int("NEWSROOM_STAFF_IDLE_MINUTES", 8 * 60) * 60
# Trusted reverse proxies that append to X-Forwarded-For (axes and the view counter read it).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)

# Version history (django-simple-history): staff who may change a row may restore an earlier
# version of it (releases/history_admin.py); True hides and refuses reverts for everyone.
SIMPLE_HISTORY_REVERT_DISABLED = env_bool("NEWSROOM_HISTORY_REVERT_DISABLED", False)

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
# The project's own messages, then Thai for what Django's admin and simple_history leave in English.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("NEWSROOM_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 26_214_400

# --- Security -------------------------------------------------------------
# Secure by default when DEBUG is off; each switch can be turned off for a proxy that
# terminates TLS itself (see docs/deploy.md).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Only staff have sessions (readers get none): a working day at most, however active
# (STAFF_SESSION_IDLE_SECONDS ends an idle one sooner).
SESSION_COOKIE_AGE = env_int("NEWSROOM_SESSION_HOURS", 12) * 3600
CSRF_COOKIE_HTTPONLY = env_bool("DJANGO_CSRF_COOKIE_HTTPONLY", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy (django-csp 4): no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + env_list("DJANGO_CSP_IMG_SRC"),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        # Only after a reader clicks a video's preview (static/js/video.js); releases/video.py embeds from these.
        "frame-src": ["https://www.youtube-nocookie.com", "https://www.facebook.com"],
    }
}

# --- Newsroom -------------------------------------------------------------
SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
# Views by one visitor inside this window count once.
VIEW_COUNT_WINDOW_SECONDS = env_int("NEWSROOM_VIEW_WINDOW_SECONDS", 30 * 60)
# "direct": one UPDATE per counted view; "buffered": accumulate in the cache and write
# with `manage.py flush_view_counts`.
VIEW_COUNT_MODE = os.environ.get("NEWSROOM_VIEW_COUNT_MODE", "direct")
# Daily view rows older than this many days are deleted by `manage.py prune_view_days`; 0 keeps them (tiny, counts only).
VIEW_DAYS_KEEP_DAYS = env_int("NEWSROOM_VIEW_DAYS_KEEP_DAYS", 0)
# Photo uploads (releases/images/) are refused above these; the proxy's body limit must allow the bytes.
NEWSROOM_IMAGE_MAX_PIXELS = env_int("NEWSROOM_IMAGE_MAX_PIXELS", 40_000_000)
NEWSROOM_IMAGE_MAX_BYTES = env_int("NEWSROOM_IMAGE_MAX_BYTES", 20 * 1024 * 1024)
# How the media view hands a file to the client (releases/embargo.py, docs/deploy.md): "" = the app
# sends it (make serve); "x-accel-redirect" (nginx, internal location NEWSROOM_MEDIA_ACCEL_PREFIX)
# or "x-sendfile" (Apache mod_xsendfile, lighttpd) = the web server sends it after the app's check.
NEWSROOM_MEDIA_ACCEL = os.environ.get("NEWSROOM_MEDIA_ACCEL", "").strip().lower()
if NEWSROOM_MEDIA_ACCEL not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured("NEWSROOM_MEDIA_ACCEL must be empty, x-accel-redirect or x-sendfile")
NEWSROOM_MEDIA_ACCEL_PREFIX = os.environ.get("NEWSROOM_MEDIA_ACCEL_PREFIX", "/protected-media/")
# Browser/proxy cache lifetime of a public release's files; also how long a withdrawn release's
# files may linger in caches, so not a year.
NEWSROOM_MEDIA_MAX_AGE = env_int("NEWSROOM_MEDIA_MAX_AGE", 86_400)
# How long each server process remembers which release a media file belongs to (and its status):
# publishing or unpublishing reaches the files within this time; a scheduled time is exact.
NEWSROOM_MEDIA_LOOKUP_SECONDS = env_int("NEWSROOM_MEDIA_LOOKUP_SECONDS", 5)
# Documents attached to releases (releases/attachments/).
NEWSROOM_ATTACHMENT_MAX_BYTES = env_int("NEWSROOM_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
# Where readers ask for a document in an accessible format (shown under the documents).
NEWSROOM_ACCESSIBLE_FORMAT_EMAIL = os.environ.get("NEWSROOM_ACCESSIBLE_FORMAT_EMAIL", "webmaster@example.go.th")
# A YouTube video's thumbnail, fetched once when the video is saved and served from our storage.
NEWSROOM_VIDEO_THUMBNAIL_URL = os.environ.get("NEWSROOM_VIDEO_THUMBNAIL_URL", "https://i.ytimg.com/vi/{id}/hqdefault.jpg")
NEWSROOM_VIDEO_THUMBNAIL_TIMEOUT = env_int("NEWSROOM_VIDEO_THUMBNAIL_TIMEOUT", 5)
# Reference views for bench/run (/bench/constant/, /bench/counter/); never on in production. Their
# app (bench/benchapp, with its own table) is installed only then.
NEWSROOM_BENCH_VIEWS = env_bool("NEWSROOM_BENCH_VIEWS", False)
if NEWSROOM_BENCH_VIEWS:
    INSTALLED_APPS += ["bench.benchapp"]

# --- Read API (releases/api/, docs/api.md) ---------------------------------
# Requests per client address (releases.clients.client_address) in the default cache, shared by every worker
# when that cache is Redis: "number/second|minute|hour|day".
NEWSROOM_API_RATE = os.environ.get("NEWSROOM_API_RATE", "120/minute")
NEWSROOM_API_PAGE_SIZE = env_int("NEWSROOM_API_PAGE_SIZE", 20)
REST_FRAMEWORK = {
    # Public and read-only: nobody signs in to the API, so no session or CSRF machinery runs.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["releases.api.throttling.ClientRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom API",
    "DESCRIPTION": "Public press releases, officials and categories, read-only (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- E-mail: the editorial workflow's notifications and the alerts (releases/subscriptions/) ---
# One block for outgoing mail. Without EMAIL_HOST messages are printed to the console
# (development); with it they go over SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in messages (no request when a worker sends): scheme and host, no trailing slash.
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The mailbox that receives "unsubscribe" mails (List-Unsubscribe mailto:).
NEWSROOM_UNSUBSCRIBE_MAILTO = os.environ.get("NEWSROOM_UNSUBSCRIBE_MAILTO", DEFAULT_FROM_EMAIL)
# Daily digests go out at this Bangkok time (HH:MM).
NEWSROOM_DIGEST_TIME = os.environ.get("NEWSROOM_DIGEST_TIME", "07:00")
# Confirmation links expire after this many hours; manage/unsubscribe links do not.
NEWSROOM_CONFIRM_HOURS = env_int("NEWSROOM_CONFIRM_HOURS", 48)
# Only releases that became public within this many hours are announced: an archive import of
# old releases is never mailed out.
NEWSROOM_ANNOUNCE_WINDOW_HOURS = env_int("NEWSROOM_ANNOUNCE_WINDOW_HOURS", 48)
# Subscribe-form attempts per hour, per address and per client address.
NEWSROOM_SUBSCRIBE_LIMIT_PER_ADDRESS = env_int("NEWSROOM_SUBSCRIBE_LIMIT_PER_ADDRESS", 3)
NEWSROOM_SUBSCRIBE_LIMIT_PER_CLIENT = env_int("NEWSROOM_SUBSCRIBE_LIMIT_PER_CLIENT", 20)
# LINE Official Account broadcast (off without a token).
LINE_CHANNEL_ACCESS_TOKEN = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "").strip()
LINE_BROADCAST_URL = os.environ.get("LINE_BROADCAST_URL", "https://api.line.me/v2/bot/message/broadcast")

# Task queue (huey): Redis in production, a SQLite file beside the database otherwise.
# NEWSROOM_TASKS_IMMEDIATE=1 runs tasks in the calling process (tests); periodic tasks then do not run.
HUEY = {
    "name": os.environ.get("NEWSROOM_TASKS_NAME", "newsroom"),
    "immediate": env_bool("NEWSROOM_TASKS_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": env_int("NEWSROOM_TASK_WORKERS", 2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "tasks.sqlite3")})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_responses": {"()": "releases.logs.ExpectedResponses"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Refusals (403) in one line, not a traceback each time; outages (503) are logged once
        # by releases.outages, not once per request.
        "django.request": {"filters": ["expected_responses"]},
    },
}
