"""The project's translation catalogues, and compiling them for a test run.

``make test`` compiles them first (manage.py compilemessages); a plain ``pytest`` run compiles
here the ones that are missing or older than their .po file, when GNU gettext's msgfmt is there.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[1]
# Every language but the one the source is written in, each in the site's and the app's catalogue.
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
CATALOGUES = [
    REPO / base / "locale" / code / "LC_MESSAGES/django.po"
    for code in TRANSLATED
    for base in (".", "comments")
]


def _stale(po):
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalogues():
    """Compile the stale catalogues; False if msgfmt is missing (pages stay in English)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return False
    for po in CATALOGUES:
        if _stale(po):
            subprocess.run([msgfmt, "--check", "-o", po.with_suffix(".mo"), po], check=True)  # noqa: S603
    return True


def require_gettext(*tools):
    """Skip a translation test where GNU gettext is missing (a developer's machine without it:
    the site then shows English only). Under CI ``make test`` installs it, so a missing tool
    fails the run instead of silently skipping the German tests."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"GNU gettext is missing ({', '.join(missing)}): the translations cannot be tested"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
