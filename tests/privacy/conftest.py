# The admin users of the moderation tests: a superuser, a moderator, their logged-in clients.
from tests.moderation.conftest import (  # noqa: F401
    admin_client_,
    moderator,
    moderator_client,
    superuser,
)
