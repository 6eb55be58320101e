"""Mail settings come from the environment, the same way in every settings module."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
    "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.SITE_URL]))"
)
MAIL_VARIABLES = ("EMAIL_", "DEFAULT_FROM_EMAIL", "SITE_URL", "DJANGO_SETTINGS_MODULE")


def settings_in(module, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(MAIL_VARIABLES)}
    base.update(DJANGO_SETTINGS_MODULE=module, SECRET_KEY="k" * 60, **env)
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", SHOW], cwd=ROOT, env=base, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "module", ["blogapp.settings.dev", "blogapp.settings.test", "blogapp.settings.production"]
)
def test_with_email_host_every_settings_module_sends_through_smtp(module):
    backend, host, port, user, password, tls, sender, site = settings_in(
        module,
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="blog",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="Blog <blog@example.com>",
        SITE_URL="https://blog.example.com/",
    )
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (host, port, user, password, tls) == ("smtp.example.com", 587, "blog", "secret", True)
    assert sender == "Blog <blog@example.com>"
    assert site == "https://blog.example.com"


def test_without_email_host_mail_goes_to_the_console():
    backend, *_ = settings_in("blogapp.settings.dev")
    assert backend == "django.core.mail.backends.console.EmailBackend"
