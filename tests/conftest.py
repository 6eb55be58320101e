import pytest
from django.db import connection

from comments.management.language import LOCALE_VARIABLES
from tests.factories import make_comment, make_post  # noqa: F401 - re-exported for tests
from tests.translations import compile_catalogues


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need the real database; say so loudly when it is absent."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; this run uses SQLite (no DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """Pages in other languages need the compiled catalogues; built here when stale."""
    compile_catalogues()


@pytest.fixture(autouse=True)
def _english_commands(monkeypatch):
    """The import commands speak the operator's language (LANG...); the tests read English."""
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def post(db):
    return make_post()


@pytest.fixture
def other_session():
    """A second database session (PostgreSQL), as another app process holding a lock has."""
    import psycopg2

    other = psycopg2.connect(**connection.get_connection_params())
    yield other
    other.close()
