"""/healthz (the process answers), /readyz (ready to serve) and the worker's queue_health."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import tasks

pytestmark = pytest.mark.django_db


def waiting_task(age_seconds):
    """A task ready to run that has waited ``age_seconds`` (as if no worker ran)."""
    result = tasks.deliver_mail.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(seconds=age_seconds)
    )


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["blog.example"])
def test_probes_answer_over_plain_http_by_the_container_address(client):
    # A probe from docker-compose or a load balancer: plain HTTP, the container's own address.
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # the rest: as before


def test_readyz_is_ready_with_a_moving_queue(client):
    waiting_task(age_seconds=5)
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["database"] == "ok" and body["cache"] == "ok" and body["queue"] == "ok"
    assert 4 <= body["queue_oldest_seconds"] < 60


def test_readyz_is_unavailable_when_the_queue_is_stuck(client, settings):
    settings.READYZ_QUEUE_MAX_AGE = 60
    waiting_task(age_seconds=600)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["queue"] == "stalled"


def test_a_task_scheduled_for_later_is_not_waiting(client, settings):
    settings.READYZ_QUEUE_MAX_AGE = 60
    result = tasks.deliver_mail.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(hours=2)
    )
    assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("fault", ["stopped", "stalled"])
def test_readyz_without_redis_is_ready_and_says_degraded(client, own_redis, fault):
    own_redis.stop() if fault == "stopped" else own_redis.stall()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["cache"] == "degraded"


def test_queue_health_for_the_worker_container(settings):
    out = io.StringIO()
    call_command("queue_health", stdout=out)
    assert '"queue": "ok"' in out.getvalue()
    settings.READYZ_QUEUE_MAX_AGE = 60
    waiting_task(age_seconds=600)
    with pytest.raises(CommandError, match="not healthy"):
        call_command("queue_health", stdout=io.StringIO())
    quiet = io.StringIO()
    with pytest.raises(CommandError):
        call_command("queue_health", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""
