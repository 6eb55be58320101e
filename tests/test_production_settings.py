"""Production settings, checked the way they are used: in a fresh process, from the environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = "blogapp.settings.production"


def run(args, **env):
    """Run ``python <args>`` in the project with a clean, production-like environment."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_"))
    }
    base.update(DJANGO_SETTINGS_MODULE=PRODUCTION, DEBUG="0")
    base.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def production_secret():
    return secrets.token_urlsafe(50)


def test_deploy_check_reports_no_issues():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        SECRET_KEY=production_secret(),
        ALLOWED_HOSTS="blog.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_catches_a_weak_setup():
    """The check is real: a short key and DEBUG on are reported."""
    result = run(
        ["manage.py", "check", "--deploy"], SECRET_KEY="short", DEBUG="1", ALLOWED_HOSTS="x"
    )
    assert "security.W009" in result.stderr and "security.W018" in result.stderr


@pytest.mark.parametrize("secret", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_a_secret_key(secret):
    env = {} if secret is None else {"SECRET_KEY": secret}
    for command in (["manage.py", "check"], ["-c", "import blogapp.wsgi"]):
        result = run(command, **env)
        assert result.returncode != 0
        assert "SECRET_KEY must be set in the environment in production" in result.stderr


SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "whitenoise": "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE,
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "rate_limit": [settings.COMMENTS_RATE_LIMIT_COUNT, settings.COMMENTS_RATE_LIMIT_PERIOD],
}))
"""


def show_settings(**env):
    result = run(["-c", SHOW_SETTINGS], SECRET_KEY=production_secret(), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_takes_hosts_proxy_tls_and_redis_from_the_environment():
    shown = show_settings(
        ALLOWED_HOSTS="blog.example.com, www.blog.example.com",
        SECURE_SSL_REDIRECT="0",
        REDIS_URL="redis://127.0.0.1:6379/0",
        COMMENTS_RATE_LIMIT_COUNT="7",
    )
    assert shown["DEBUG"] is False
    assert shown["ALLOWED_HOSTS"] == ["blog.example.com", "www.blog.example.com"]
    assert shown["SECURE_SSL_REDIRECT"] is False  # TLS ends at the proxy in front
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SESSION_COOKIE_SECURE"] and shown["CSRF_COOKIE_SECURE"]
    assert shown["whitenoise"]
    assert shown["static_storage"].startswith("whitenoise.storage.")
    assert shown["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["rate_limit"] == [7, 60]


def test_production_defaults_are_the_safe_ones():
    shown = show_settings(ALLOWED_HOSTS="blog.example.com")
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["rate_limit"] == [5, 60]


def test_gunicorn_loads_the_app_with_the_repository_config():
    result = run(
        ["-m", "gunicorn", "--check-config", "-c", "gunicorn.conf.py", "blogapp.wsgi:application"],
        SECRET_KEY=production_secret(),
        ALLOWED_HOSTS="blog.example.com",
    )
    assert result.returncode == 0, result.stderr
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "gunicorn -c gunicorn.conf.py blogapp.wsgi" in dockerfile
    assert "blogapp.settings.production" in compose and "REDIS_URL" in compose
