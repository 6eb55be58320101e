"""German pages need the compiled catalogues (.mo), which need GNU gettext's msgfmt.

``make test`` compiles them first (manage.py compilemessages); a plain ``pytest`` run compiles
here the ones that are missing or older than their .po file. Without msgfmt these tests are
skipped, except under CI, where scripts/ensure-gettext has already failed the run.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

REPO = Path(__file__).resolve().parents[2]
# Every language but the one the source is written in, each in the site's and the app's catalogue.
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
CATALOGUES = [
    REPO / base / "locale" / code / "LC_MESSAGES/django.po"
    for code in TRANSLATED
    for base in (".", "comments")
]
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}


def _stale(po):
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext (msgfmt) is missing: the translations cannot be compiled")
    for po in CATALOGUES:
        if _stale(po):
            subprocess.run([msgfmt, "--check", "-o", po.with_suffix(".mo"), po], check=True)  # noqa: S603


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A German request leaves German active in this thread; later tests expect English."""
    yield
    translation.deactivate()


@pytest.fixture
def german_client():
    """A reader whose browser asks for German (Accept-Language)."""
    return Client(**GERMAN)
