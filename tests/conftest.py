import pytest
from django.db import connection

from tests.factories import make_comment, make_post  # noqa: F401 - re-exported for tests


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need the real database; say so loudly when it is absent."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; this run uses SQLite (no DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def post(db):
    return make_post()
