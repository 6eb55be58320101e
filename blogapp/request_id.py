"""A request id for every request: on its log lines and in its response (X-Request-ID).

A load balancer or proxy in front may send one (``X-Request-ID``); it is kept only if it looks
like an id (1-128 letters, digits, ``.``, ``_``, ``-``), so a client cannot write whatever
it likes into the logs. Otherwise a new one is made. Every log line written while the request
runs carries it (``RequestIdFilter`` on the handlers, see LOGGING), and so does one line per
request on the ``blogapp.requests`` logger: method, path, status, duration.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._-]{1,128}")
NO_REQUEST = "-"

_current = ContextVar("request_id", default=NO_REQUEST)
request_log = logging.getLogger("blogapp.requests")


def current_request_id():
    """The id of the request this code runs for, or "-" outside a request."""
    return _current.get()


def incoming_or_new(value):
    if value and SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so everything after it (and its log lines) knows the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_or_new(request.headers.get(HEADER))
        request.request_id = request_id
        # Kept until the response is closed (request_finished below), so that what Django logs
        # after this middleware has returned (an unhandled error's traceback) has it too.
        _current.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished, dispatch_uid="blogapp.request_id.forget")
def _forget_request_id(**kwargs):
    _current.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (a logging filter on the handlers)."""

    def filter(self, record):
        record.request_id = _current.get()
        return True
