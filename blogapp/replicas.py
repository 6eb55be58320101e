"""Reading from PostgreSQL streaming replicas, with read-your-writes.

With ``DATABASE_REPLICA_URLS`` set, the settings add one database alias per replica
(``replica0``, ``replica1``…), ``ReplicaRouter`` and ``ReplicaReadsMiddleware``. A web request
may read from a replica only when all of these hold:

- its method is safe (GET, HEAD, OPTIONS): a form POST reads what it is about to change, so it
  reads the primary;
- its browser has not written in the last ``READ_YOUR_WRITES_SECONDS``: a replica replays the
  primary's changes a moment later, and a commenter redirected to their new comment must see it
  (the response to a request that wrote sets a short-lived cookie that says so);
- it has not written itself yet (a write switches the rest of the request to the primary) and
  is not inside a transaction on the primary.

Everything else (the worker, management commands, migrations, the admin's POSTs) reads and
writes the primary: outside a request nothing chooses a replica.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# Set when the browser's last write is younger than READ_YOUR_WRITES_SECONDS.
RECENT_WRITE_COOKIE = "recent_write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The replica this request reads from, or None: the primary.
_read_alias = ContextVar("replica_read_alias", default=None)
# Whether this request has written (then its response sets RECENT_WRITE_COOKIE).
_wrote = ContextVar("replica_request_wrote", default=False)


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    """Reads go where the request's context allows; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Explicit, so that an object loaded from a replica earlier in the request does not
            # pull its related objects from there once the request reads the primary.
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        if _read_alias.get() is not None:
            # What this request reads from now on must include what it just wrote.
            _read_alias.set(None)
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same database, only some of them a moment late.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Chooses, per request, whether its reads may go to a replica (see the module's doc)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = replica_aliases()

    def __call__(self, request):
        may_use_replica = (
            self.replicas
            and request.method in SAFE_METHODS
            and RECENT_WRITE_COOKIE not in request.COOKIES
        )
        alias_token = _read_alias.set(random.choice(self.replicas) if may_use_replica else None)
        wrote_token = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() or request.method not in SAFE_METHODS:
                response.set_cookie(
                    RECENT_WRITE_COOKIE,
                    "1",
                    max_age=settings.READ_YOUR_WRITES_SECONDS,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
        finally:
            _read_alias.reset(alias_token)
            _wrote.reset(wrote_token)
