"""Changelist filters from the address bar that do not fit their column answer 400, not 500.

The admin turns ``?field__lookup=value`` into a query as given. A value its column cannot hold
(``?ip_address__exact=notanip`` on an ``inet``, a NUL byte in any text, a year of 20 digits)
fails only when PostgreSQL (or the date arithmetic before it) sees it: a server error, where
it is the address that is wrong.
"""

import logging

from django.core.exceptions import BadRequest
from django.db import DataError, transaction
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


class RefuseBadLookupsMixin:
    """For a ``ModelAdmin``: its changelist answers 400 to filter values its columns refuse."""

    def changelist_view(self, request, extra_context=None):
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            raise BadRequest(gettext("A filter value may not contain a NUL character."))
        try:
            # A savepoint: the refused query leaves the request's connection usable.
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        # DataError only: a value the column refuses. Any other database error (PostgreSQL
        # down, a missing migration) is the server's, and answers as the server's.
        except (DataError, ValueError, OverflowError) as error:
            logger.warning("Changelist filter refused (%s): %s", request.get_full_path(), error)
            raise BadRequest(gettext("A filter value does not fit its field.")) from error
