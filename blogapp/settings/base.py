"""Settings shared by every environment; dev, test and production refine them."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
    "mptt",
    "blogapp",
    "comments",
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
]

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
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
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
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
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

# --- The blog and its discussion -------------------------------------------------------
# How many levels of replies a page shows before "Continue this thread →" (at least 2).
COMMENT_THREAD_MAX_DEPTH = max(2, int(os.environ.get("COMMENT_THREAD_MAX_DEPTH", "6")))
BLOG_POSTS_PER_PAGE = 10
# Longest comment text accepted from the form, in characters.
COMMENT_MAX_LENGTH = int(os.environ.get("COMMENT_MAX_LENGTH", "10000"))

# --- Abuse resistance (comments.antispam, comments.submission) ---------------------------
# Comment form posts accepted per client IP within a period (seconds); 0 turns the limit off.
# Counted in the default cache, so set REDIS_URL when several app processes serve the site.
COMMENT_RATE_LIMIT_COUNT = int(os.environ.get("COMMENT_RATE_LIMIT_COUNT", "5"))
COMMENT_RATE_LIMIT_PERIOD = int(os.environ.get("COMMENT_RATE_LIMIT_PERIOD", "60"))
# The same author posting the same text on the same post within this many seconds is refused.
COMMENT_DUPLICATE_WINDOW = int(os.environ.get("COMMENT_DUPLICATE_WINDOW", str(60 * 60 * 24)))
# How long a rendered comment form may be submitted (seconds).
COMMENT_FORM_MAX_AGE = int(os.environ.get("COMMENT_FORM_MAX_AGE", str(60 * 60 * 24 * 2)))
# Reverse proxies in front of the app that append the client to X-Forwarded-For; 0 trusts
# only REMOTE_ADDR (a client can write any X-Forwarded-For it likes).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Top-level comments per discussion page (replies always stay with their thread), like
# WordPress's "break comments into pages". 0 shows every comment on one page.
COMMENTS_PER_PAGE = int(os.environ.get("COMMENTS_PER_PAGE", "50"))
# Seconds a rendered discussion page stays in the cache. Any change to a post's comments
# replaces it at once (comments/cache.py); 0 turns the discussion cache off.
DISCUSSION_CACHE_TIMEOUT = int(os.environ.get("DISCUSSION_CACHE_TIMEOUT", "3600"))
