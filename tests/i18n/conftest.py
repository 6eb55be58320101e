"""German pages need the compiled catalogues (.mo), which need GNU gettext's msgfmt: without
it these tests are skipped on a developer's machine, and fail under CI
(``tests.translations.require_gettext``). tests/conftest.py compiles them for the session.
"""

import pytest
from django.test import Client
from django.utils import translation

from tests.translations import compile_catalogues, require_gettext

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    require_gettext("msgfmt")
    compile_catalogues()


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A German request leaves German active in this thread; later tests expect English."""
    yield
    translation.deactivate()


@pytest.fixture
def german_client():
    """A reader whose browser asks for German (Accept-Language)."""
    return Client(**GERMAN)
