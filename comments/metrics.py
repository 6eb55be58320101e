"""Prometheus counters of the comments app: writes, moderation, the discussion cache, the queue.

Counting is cheap and always on; whether anyone can read the figures is the site's choice
(``METRICS_TOKEN``, see the README's Operations section). Under gunicorn the site sets
``PROMETHEUS_MULTIPROC_DIR``, and prometheus-client then keeps each worker's counts in files
that the metrics endpoint adds up.
"""

from django.db import transaction
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily

COMMENTS_WRITTEN = Counter(
    "comments_written",
    "Comments stored: through comment_create (form, services) or an import, by status.",
    ["source", "status"],
)
MODERATION_CHANGES = Counter(
    "comments_moderated",
    "Comments whose status a moderation action changed, by the new status.",
    ["status"],
)
DISCUSSION_CACHE = Counter(
    "comments_discussion_cache",
    "Look-ups of a rendered discussion page in the cache: hit or miss.",
    ["result"],
)


def count_on_commit(counter, amount=1, **labels):
    """Count once the transaction commits: a rolled-back write or decision counts nothing."""
    if amount:
        child = counter.labels(**labels)
        transaction.on_commit(lambda: child.inc(amount))


class TaskQueueCollector:
    """The background task queue, read from django-tasks-db's table when metrics are scraped:
    tasks waiting to run (``comments_task_queue_depth``) and the oldest one's age."""

    def collect(self):
        from django.db.models import Count, Min
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        now = timezone.now()
        waiting = DBTaskResult.objects.ready()  # due now: what a free worker would take
        figures = waiting.aggregate(n=Count("pk"), oldest=Min("enqueued_at"))
        depth = GaugeMetricFamily(
            "comments_task_queue_depth", "Background tasks due and waiting for a worker."
        )
        depth.add_metric([], figures["n"])
        yield depth
        age = GaugeMetricFamily(
            "comments_task_queue_oldest_seconds",
            "Seconds the oldest due task has waited (0 with none waiting).",
        )
        oldest = figures["oldest"]
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0)
        yield age
