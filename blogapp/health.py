"""Health endpoints for load balancers and orchestrators (README "When things fail").

- ``/healthz``: the process answers. No database, no cache: a liveness probe must not restart
  a web worker because PostgreSQL is down.
- ``/readyz``: ready to serve: PostgreSQL answers, Redis answers or the site knowingly runs
  without it (degraded, still 200), and the task queue's oldest waiting task is younger than
  ``READYZ_QUEUE_MAX_AGE`` seconds (else the workers are down or overwhelmed). 200 or 503 with
  a small JSON body saying which check failed.

The worker's container checks the same queue with ``manage.py queue_health``.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, connection
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OSError


class HealthMiddleware:
    """Answers ``/healthz`` and ``/readyz`` first of all, before the host check and the HTTPS
    redirect: a load balancer or docker-compose probes the container by its own address, over
    plain HTTP, and must get the answer, not a 400 or a 301."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path)
        if probe is None:
            return self.get_response(request)
        response = probe()
        add_never_cache_headers(response)
        return response


def healthz():
    return JsonResponse({"status": "ok"})


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except (DatabaseError, InterfaceError):  # a closed connection is no DatabaseError
        return False


def _cache_state():
    """ "ok", or "degraded" when the shared cache fails (the site works without it)."""
    try:
        cache.get("readyz-probe")
    except (RedisError, OSError):
        return "degraded"
    return "ok"


def _oldest_waiting_task_age():
    """Seconds the oldest task ready to run has waited (0 when the queue is empty)."""
    from django_tasks_db.models import DBTaskResult, TaskResultStatus, get_date_max

    now = timezone.now()
    oldest = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .exclude(run_after__gt=now, run_after__lt=get_date_max())
        .annotate(
            # A task scheduled for later (a retry's backoff) waits from then on.
            waiting_since=Case(
                When(run_after=get_date_max(), then=F("enqueued_at")),
                default=Greatest(F("enqueued_at"), F("run_after")),
            )
        )
        .aggregate(oldest=Min("waiting_since"))["oldest"]
    )
    return 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())


def readiness():
    """(ready?, the checks' results)."""
    began = time.monotonic()
    checks = {"database": "ok" if _database_answers() else "failing", "cache": _cache_state()}
    ready = checks["database"] == "ok"
    if ready:
        try:
            age = _oldest_waiting_task_age()
        except (DatabaseError, InterfaceError):
            checks["database"], ready = "failing", False
        else:
            checks["queue_oldest_seconds"] = round(age, 1)
            checks["queue"] = "ok" if age < settings.READYZ_QUEUE_MAX_AGE else "stalled"
            ready = checks["queue"] == "ok"
    checks["status"] = "ready" if ready else "unavailable"
    checks["seconds"] = round(time.monotonic() - began, 3)
    return ready, checks


def readyz():
    ready, checks = readiness()
    return JsonResponse(checks, status=200 if ready else 503)


PROBES = {"/healthz": healthz, "/readyz": readyz}
