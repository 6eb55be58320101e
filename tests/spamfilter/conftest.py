import pytest

from tests.moderation.conftest import (  # noqa: F401 - the moderation tests' users and clients
    admin_client_,
    moderator,
    moderator_client,
    reader,
    reader_client,
    superuser,
)


@pytest.fixture(autouse=True)
def publish_unless_filtered(settings):
    """Only the filter and the rules hold anything here; the rate limit stays out of the way."""
    settings.COMMENTS_MODERATION = "none"
    settings.COMMENTS_MAX_LINKS = None
    settings.COMMENTS_RATE_LIMIT_COUNT = 0
