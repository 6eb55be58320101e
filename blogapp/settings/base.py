"""Settings shared by every environment; dev, test and production refine them."""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_optional_int(name, default):
    """An integer from the environment; "none" (or an empty value) means None."""
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    return None if value in {"", "none"} else int(value)


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # counts grouped the reader's way: 1,234 / 1.234
    "django.contrib.sitemaps",
    "mptt",
    "django_tasks",
    "comments.queue_app.TaskQueueConfig",  # django-tasks-db, named in the site's languages
    "axes",
    "csp",
    "blogapp",
    "comments",
]

MIDDLEWARE = [
    # /healthz and /readyz, before the host check and the HTTPS redirect (blogapp/health.py).
    "blogapp.health.HealthMiddleware",
    # A request id on every log line and response (blogapp/request_id.py).
    "blogapp.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A body in a charset no form is sent in (utf-16, utf-7, base64…) is a 400, not a 500.
    "blogapp.middleware.RequestCharsetMiddleware",
    # Django's, except that a session the database cannot save does not undo a response.
    "blogapp.middleware.SessionSavedIfPossibleMiddleware",
    # The reader's language: the set_language cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that cannot reach the database answers 503 (try again), not 500.
    "blogapp.middleware.DatabaseUnavailableMiddleware",
    # Old addresses of imported posts: looked up only when no page answered (blogapp/links.py).
    "blogapp.links.OldLinkMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# A refused form's page in the site's look and language; a comment keeps its text.
CSRF_FAILURE_VIEW = "blogapp.csrf.csrf_failure"

ROOT_URLCONF = "blogapp.urls"
WSGI_APPLICATION = "blogapp.wsgi.application"

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
    {
        # The comment thread is rendered with Jinja2: one template pass over thousands of
        # comments is several times faster than the Django template language.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "comments.jinja_env.environment"},
    },
]

# An embedded SQLite file unless DATABASE_URL names a real database (PostgreSQL in production/CI).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`'s web server, worker and an import write to one file at once. A transaction
    # takes the write lock when it begins (IMMEDIATE) and waits up to 20 s for it: a deferred
    # one that read first fails at once with "database is locked" when another wrote meanwhile.
    # WAL lets readers go on while one connection writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
# PostgreSQL streaming replicas the site may read from (README, "Scaling out"): one alias each,
# replica0, replica1…; blogapp/replicas.py decides, per request, which reads may go there.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")
for _index, _url in enumerate(DATABASE_REPLICA_URLS):
    DATABASES[f"replica{_index}"] = {
        **dj_database_url.parse(
            _url,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        # Tests create no database of their own for a replica: it is the primary's copy.
        "TEST": {"MIRROR": "default"},
    }
# Behind a pooler in transaction mode (PgBouncer's pool_mode = transaction) a server-side cursor
# would outlive the transaction that opened it on a connection another client now uses.
if env_bool("DATABASE_TRANSACTION_POOLING"):
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
# How long after a browser wrote (a comment, a moderation action) its reads stay on the primary,
# so that it sees its own change however far a replica lags: longer than the replicas' usual lag.
READ_YOUR_WRITES_SECONDS = int(os.environ.get("READ_YOUR_WRITES_SECONDS", "5"))
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["blogapp.replicas.ReplicaRouter"]
    # Before anything reads the database (sessions, auth), so that their reads are routed too.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("blogapp.middleware.SessionSavedIfPossibleMiddleware"),
        "blogapp.replicas.ReplicaReadsMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering-index columns (INCLUDE) only matter on PostgreSQL; SQLite ignores them, and says so.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "blog"),
            # Redis is an accelerator: a stopped or stalled server must cost a request a
            # fraction of a second, never a hung worker (README "When things fail").
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.25")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks (django-tasks, the backport of Django 6's django.tasks): stored in the
# default database by django-tasks-db, so a task enqueued inside a transaction exists only if
# that transaction commits. Run them with `python manage.py comments_worker` (see README).
# The backend is django-tasks-db's with a cheaper enqueue (comments/queue_backend.py).
TASKS = {
    "default": {
        "BACKEND": "comments.queue_backend.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Outgoing mail. With EMAIL_HOST set, every settings module sends through that SMTP server;
# without it mail is written to the console (the worker's output under `make run`).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "The Blog <blog@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The site's own address, for the absolute links in mail (no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Adding a language: list it here, then README "Languages" (makemessages, translate, make).
LANGUAGES = [("en", _("English")), ("de", _("German"))]
# The site's own catalogue (pages, importers); the comments app carries its own
# (comments/locale), so it stays translated wherever it is installed.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Per-language date formats the project prefers over Django's (blogapp/formats/).
FORMAT_MODULE_PATH = ["blogapp.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Logging: every line carries the request id (blogapp/request_id.py); one line per request on
# "blogapp.requests". LOG_FORMAT "text" (the default here) is for people; production writes
# "json", one JSON object per line, for a log collector. LOG_LEVEL sets the level.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


def logging_config(log_format, level, request_level):
    """Django's LOGGING for ``log_format`` ("text" or "json") at ``level``; the one line per
    request at ``request_level``."""
    formatters = {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message", "request_id"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    if log_format not in formatters:
        raise ValueError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "blogapp.request_id.RequestIdFilter"}},
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own request errors go to the root handler once, with the id.
            "django": {"handlers": [], "level": level, "propagate": True},
            "blogapp.requests": {"level": request_level},
            # DEBUG: each thread lock's wait and hold times (bench/concurrency.py --lock-profile).
            "comments.locks": {"level": os.environ.get("LOCK_LOG_LEVEL", "INFO")},
            # django-axes tells of every login (and of itself in every process) at INFO; its
            # lockouts are warnings.
            "axes": {"level": "WARNING"},
        },
    }


# One line per request is for production's collector, not a developer's console.
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL, os.environ.get("REQUEST_LOG_LEVEL", "WARNING"))

# Prometheus metrics (blogapp/metrics.py): off unless METRICS_TOKEN is set. Then requests are
# counted (django-prometheus's middleware, around all the others) and /metrics answers a
# scraper that sends "Authorization: Bearer <METRICS_TOKEN>" (everyone else: 404).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
if METRICS_TOKEN:
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

# --- The blog -------------------------------------------------------------------------
BLOG_POSTS_PER_PAGE = 10
# An imported post's text longer than this (characters) is left out, with a warning naming
# the post; the post and its comments are imported.
BLOG_IMPORT_MAX_POST_LENGTH = int(os.environ.get("BLOG_IMPORT_MAX_POST_LENGTH", "1000000"))
# Reverse proxies in front of the app that append the client to X-Forwarded-For; 0 trusts
# only REMOTE_ADDR (a client can write any X-Forwarded-For it likes).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Content-Security-Policy (django-csp) on every page, the admin's included: scripts, styles,
# images and fonts only from our own origin, nothing inline (no 'unsafe-inline': every script
# and style is a static file, tests/security/test_csp.py checks each page kind), no plugins,
# no framing, forms only to ourselves. Mail is not a page: its HTML keeps inline styles.
# Images are the exception: a post's images may live elsewhere (an imported blog's media
# host, an author's image service), so by default any https address may serve one.
# BLOG_IMAGE_SOURCES narrows that ("https://media.example.org") or, set empty, keeps images to
# this site. Comments never carry images (their sanitiser keeps none).
BLOG_IMAGE_SOURCES = env_list("BLOG_IMAGE_SOURCES", "https:")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *BLOG_IMAGE_SOURCES],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Admin login throttling (django-axes) ------------------------------------------------
# A client address (comments.antispam.client_ip: REMOTE_ADDR, or the X-Forwarded-For entry our
# own TRUSTED_PROXY_COUNT proxies wrote) that fails AXES_FAILURE_LIMIT logins in a row is
# refused for AXES_COOLOFF_MINUTES, whatever username it tries, with the lockout page (429).
# Attempts are counted in the database, so every app process sees them, Redis or not.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "comments.antispam.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "blogapp.lockout.lockout_response"
# One row per failed attempt is enough; successful logins are in the sessions already.
AXES_DISABLE_ACCESS_LOG = True

# /readyz answers 503 once the task queue's oldest waiting task has waited this many seconds
# (the workers are down or cannot keep up; blogapp/health.py).
READYZ_QUEUE_MAX_AGE = float(os.environ.get("READYZ_QUEUE_MAX_AGE", "300"))

# --- Comments: every setting the comments app reads, with its default -------------------
# (Each can be set by the environment variable of the same name; the README lists them.)
# The model comments attach to (comments/posts.py says what it must offer).
COMMENTS_POST_MODEL = "blogapp.Post"

# Moderation policy (comments.moderation): "none" publishes at once, "first_time" holds a
# comment unless its email already has an approved one, "all" holds every comment.
COMMENTS_MODERATION = os.environ.get("COMMENTS_MODERATION", "first_time")
# Hold a comment with more links than this; None turns the check off.
COMMENTS_MAX_LINKS = env_optional_int("COMMENTS_MAX_LINKS", 2)
# Refuse new comments on posts published more than this many days ago; None never closes.
COMMENTS_CLOSE_AFTER_DAYS = env_optional_int("COMMENTS_CLOSE_AFTER_DAYS", None)

# Seconds after writing a comment during which the browser that wrote it may edit or delete
# it (comments/ownership.py), like Isso's 15 minutes.
COMMENTS_EDIT_WINDOW = int(os.environ.get("COMMENTS_EDIT_WINDOW", str(15 * 60)))
# Avatars are identicons drawn on this server (comments/avatars.py); True sends comments written
# while it is on to Gravatar instead (a request to a third party, with a hash of the email).
COMMENTS_AVATAR_GRAVATAR = env_bool("COMMENTS_AVATAR_GRAVATAR", False)
if COMMENTS_AVATAR_GRAVATAR:  # the avatar's address redirects the image there
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("https://www.gravatar.com")

# Longest comment text accepted from the form, in characters.
COMMENTS_MAX_LENGTH = int(os.environ.get("COMMENTS_MAX_LENGTH", "10000"))
# Longest comment text an import stores, in characters: a longer one is left out with a
# warning naming it (an archive's comments may be longer than the form allows, not 20 MB).
COMMENTS_IMPORT_MAX_LENGTH = int(os.environ.get("COMMENTS_IMPORT_MAX_LENGTH", "100000"))
# How many levels of replies a page shows before "Continue this thread →" (at least 2).
COMMENTS_THREAD_MAX_DEPTH = max(2, int(os.environ.get("COMMENTS_THREAD_MAX_DEPTH", "6")))
# Top-level comments per discussion page (replies always stay with their thread), like
# WordPress's "break comments into pages". 0 shows every comment on one page.
COMMENTS_PER_PAGE = int(os.environ.get("COMMENTS_PER_PAGE", "50"))
# Seconds a rendered discussion page stays in the cache. Any change to a post's comments
# replaces it at once (comments/cache.py); 0 turns the discussion cache off.
COMMENTS_CACHE_TIMEOUT = int(os.environ.get("COMMENTS_CACHE_TIMEOUT", "3600"))
# After the cache fails (Redis stopped, or stalled past its socket timeout), each process
# does without it for this many seconds before asking again (comments/cache.py).
COMMENTS_CACHE_RETRY_INTERVAL = float(os.environ.get("COMMENTS_CACHE_RETRY_INTERVAL", "1"))
# Longest wait (milliseconds) for a thread's write lock before the writer gives up with a
# "try again" page (comments.locks): a stuck writer never hangs a web worker.
COMMENTS_LOCK_TIMEOUT = int(os.environ.get("COMMENTS_LOCK_TIMEOUT", "5000"))

# Comments a page of the admin's thread view shows (tree order), however big the thread.
COMMENTS_ADMIN_THREAD_PER_PAGE = int(os.environ.get("COMMENTS_ADMIN_THREAD_PER_PAGE", "100"))

# Abuse resistance (comments.antispam, comments.submission).
# Comments stored per client IP within a period (seconds); 0 turns the limit off (this one and
# the next). Counted in the default cache, so set REDIS_URL when several app processes serve
# the site.
COMMENTS_RATE_LIMIT_COUNT = int(os.environ.get("COMMENTS_RATE_LIMIT_COUNT", "5"))
COMMENTS_RATE_LIMIT_PERIOD = int(os.environ.get("COMMENTS_RATE_LIMIT_PERIOD", "60"))
# Comment forms sent per client IP within the same period, stored or refused: far above what a
# writer correcting mistakes sends, it stops a script sending refused forms in a loop.
COMMENTS_RATE_LIMIT_ATTEMPTS = int(os.environ.get("COMMENTS_RATE_LIMIT_ATTEMPTS", "30"))
# Previews (with or without JavaScript) accepted per client IP within the same period.
COMMENTS_PREVIEW_RATE_LIMIT_COUNT = int(os.environ.get("COMMENTS_PREVIEW_RATE_LIMIT_COUNT", "30"))
# The same author posting the same text on the same post within this many seconds is refused.
COMMENTS_DUPLICATE_WINDOW = int(os.environ.get("COMMENTS_DUPLICATE_WINDOW", str(60 * 60 * 24)))
# How long a rendered comment form may be submitted (seconds).
COMMENTS_FORM_MAX_AGE = int(os.environ.get("COMMENTS_FORM_MAX_AGE", str(60 * 60 * 24 * 2)))

# The learning spam filter (comments.spamfilter): a comment scoring at or above
# COMMENTS_SPAM_THRESHOLD is stored as spam (kept for review, never shown); one above
# COMMENTS_HOLD_THRESHOLD (0.5 is "the model cannot tell") is held as pending; below, the
# moderation policy decides. Off (COMMENTS_SPAM_FILTER_ENABLED=0): no scoring at all (the A/B
# switch of the reply benchmarks); the moderators' rules still apply.
COMMENTS_SPAM_FILTER_ENABLED = env_bool("COMMENTS_SPAM_FILTER_ENABLED", True)
COMMENTS_SPAM_THRESHOLD = float(os.environ.get("COMMENTS_SPAM_THRESHOLD", "0.99"))
COMMENTS_HOLD_THRESHOLD = float(os.environ.get("COMMENTS_HOLD_THRESHOLD", "0.5"))

# --- Notifications (comments.notifications) -------------------------------------------
# Off: no comment or decision enqueues mail, moderator alerts or webhooks (subscribing still
# works). The A/B switch of bench/reply_ab.py; a site that wants no notifications at all.
COMMENTS_NOTIFICATIONS_ENABLED = env_bool("COMMENTS_NOTIFICATIONS_ENABLED", True)
# A subscription's confirmation link is valid this many seconds.
COMMENTS_NOTIFY_CONFIRM_MAX_AGE = int(
    os.environ.get("COMMENTS_NOTIFY_CONFIRM_MAX_AGE", str(60 * 60 * 24 * 3))
)
# An unsubscribe link (in every notification and its List-Unsubscribe header) is valid this
# many seconds.
COMMENTS_NOTIFY_UNSUBSCRIBE_MAX_AGE = int(
    os.environ.get("COMMENTS_NOTIFY_UNSUBSCRIBE_MAX_AGE", str(60 * 60 * 24 * 365))
)
# Double opt-in is per address: an address that has not confirmed yet gets at most one
# confirmation mail within this many seconds, however many subscriptions are asked for.
COMMENTS_NOTIFY_CONFIRM_INTERVAL = int(
    os.environ.get("COMMENTS_NOTIFY_CONFIRM_INTERVAL", str(60 * 60))
)
# At most this many notifications to one address within COMMENTS_NOTIFY_WINDOW seconds; the
# rest of that window's comments reach it as one digest when the window ends.
COMMENTS_NOTIFY_MAX_PER_WINDOW = int(os.environ.get("COMMENTS_NOTIFY_MAX_PER_WINDOW", "5"))
COMMENTS_NOTIFY_WINDOW = int(os.environ.get("COMMENTS_NOTIFY_WINDOW", str(60 * 60)))

# Moderator alerts (staff users opt in, in the admin): comments held within this many seconds
# are announced in one mail at the end of the period; the daily mail goes out after this hour
# (0-23, TIME_ZONE).
COMMENTS_MODERATOR_ALERT_BATCH = int(os.environ.get("COMMENTS_MODERATOR_ALERT_BATCH", "600"))
COMMENTS_MODERATOR_DIGEST_HOUR = int(os.environ.get("COMMENTS_MODERATOR_DIGEST_HOUR", "8"))

# Webhooks: a JSON list of endpoints, each {"url": …, "secret": …, "events": [...]} (events
# optional: comment.created, comment.approved, comment.spam, comment.removed; default all).
# Each POST is signed with its secret: X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body>.
COMMENTS_WEBHOOKS = json.loads(os.environ.get("COMMENTS_WEBHOOKS", "[]"))
# Seconds one webhook POST may take before it counts as failed (and is retried).
COMMENTS_WEBHOOK_TIMEOUT = float(os.environ.get("COMMENTS_WEBHOOK_TIMEOUT", "10"))

# Delivery of every outgoing mail and webhook (comments.outbox): attempts in all, the first
# retry's delay in seconds (doubling each time, at most COMMENTS_DELIVERY_MAX_DELAY), and how
# long one attempt may hold a delivery before a worker takes it over (a killed worker).
COMMENTS_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("COMMENTS_DELIVERY_MAX_ATTEMPTS", "8"))
COMMENTS_DELIVERY_RETRY_DELAY = float(os.environ.get("COMMENTS_DELIVERY_RETRY_DELAY", "30"))
COMMENTS_DELIVERY_MAX_DELAY = float(os.environ.get("COMMENTS_DELIVERY_MAX_DELAY", "3600"))
COMMENTS_DELIVERY_LEASE = float(os.environ.get("COMMENTS_DELIVERY_LEASE", "300"))
# How often (seconds) each worker looks for deliveries a killed worker left behind.
COMMENTS_DELIVERY_SWEEP_INTERVAL = float(os.environ.get("COMMENTS_DELIVERY_SWEEP_INTERVAL", "30"))

# --- Search, feeds and privacy --------------------------------------------------------
# PostgreSQL's text search configuration for the site's search (stemming, stop words): the
# one matching LANGUAGE_CODE. The search indexes are built with it when migrating; after
# changing it, rebuild them (README "Feeds and search").
COMMENTS_SEARCH_CONFIG = os.environ.get(
    "COMMENTS_SEARCH_CONFIG", {"en": "english", "de": "german"}.get(LANGUAGE_CODE[:2], "simple")
)
# Search results per page, and how many matches of each kind (posts, comments) are ranked at
# most: a word found in more comments than this is ranked over the first ones found.
COMMENTS_SEARCH_PER_PAGE = int(os.environ.get("COMMENTS_SEARCH_PER_PAGE", "20"))
COMMENTS_SEARCH_CANDIDATES = int(os.environ.get("COMMENTS_SEARCH_CANDIDATES", "200"))
# Items in each feed (latest posts, latest comments, a post's comments).
COMMENTS_FEED_ITEMS = int(os.environ.get("COMMENTS_FEED_ITEMS", "30"))
# Days a comment keeps its full IP address; the worker's sweep then shortens it (IPv4 to /24,
# IPv6 to /48). None keeps addresses whole.
COMMENTS_IP_RETENTION_DAYS = env_optional_int("COMMENTS_IP_RETENTION_DAYS", 30)
# Days a sent or cancelled mail, or a delivered webhook call, keeps its contents (the text,
# with its signed links, and the headers; a call's payload); the worker's sweep then empties
# them, keeping the row for the log. None keeps them.
COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS = env_optional_int(
    "COMMENTS_DELIVERY_CONTENT_RETENTION_DAYS", 30
)
# The note beside the comment form about what is stored; empty (the default) shows the
# built-in, translated text (comments.privacy.privacy_note).
COMMENTS_PRIVACY_NOTE = os.environ.get("COMMENTS_PRIVACY_NOTE", "")
