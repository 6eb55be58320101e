"""The Prometheus metrics endpoint, ``/metrics``: off unless ``METRICS_TOKEN`` is set.

Then django-prometheus's middleware counts every request (by view, method and status, with
latency histograms), the comments app counts its writes, moderation changes and discussion
cache look-ups (``comments/metrics.py``), and the task queue's depth is read when scraped.
The endpoint answers only a request that carries ``Authorization: Bearer <METRICS_TOKEN>``;
anyone else gets the same 404 as for a page that does not exist, whether metrics are on or not.

Under gunicorn every worker counts on its own: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
directory (gunicorn.conf.py then tells prometheus-client when a worker exits) and the endpoint
adds up every worker's counts.
"""

import hmac
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from comments.metrics import TaskQueueCollector

# Read from the database when scraped, so never summed over processes: a registry of its own.
_queue_registry = CollectorRegistry()  # never collects on register: that would query at import
_queue_registry.register(TaskQueueCollector())


def _authorised(request):
    token = settings.METRICS_TOKEN
    if not token:
        return False
    sent = request.headers.get("Authorization", "")
    return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def _process_metrics():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@never_cache
def metrics(request):
    if not _authorised(request):
        raise Http404
    body = _process_metrics() + generate_latest(_queue_registry)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
