"""The task queue's backend (comments.queue_backend): django-tasks-db's, with its own enqueue.
Its rows must be the rows the library writes, run by the library's worker."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend as LibraryBackend
from django_tasks_db.models import DBTaskResult

from comments.events import handle_event
from comments.notifications.sending import deliver_mail
from comments.queue_backend import DatabaseBackend

pytestmark = pytest.mark.django_db

ARGS = (None, [7, 9], "", "approved", False, False)  # handle_event with nothing to do


def library_backend():
    return LibraryBackend("default", {"QUEUES": ["default"]})


def stored(result):
    """The task's row as plain values, without what differs on every call."""
    row = model_to_dict(DBTaskResult.objects.get(pk=result.id))
    return {k: v for k, v in row.items() if k not in {"id", "enqueued_at"}}


def test_the_sites_backend_is_this_one():
    assert isinstance(task_backends["default"], DatabaseBackend)


@pytest.mark.parametrize(
    "task, args",
    [
        (handle_event, ARGS),
        # A delayed task of another priority and queue settings: every column is taken over.
        (deliver_mail.using(run_after=timezone.now() + timedelta(minutes=5), priority=3), (42,)),
    ],
)
def test_a_task_is_stored_as_the_library_stores_it(task, args):
    ours = task_backends["default"].enqueue(task, list(args), {})
    theirs = library_backend().enqueue(task, list(args), {})

    assert stored(ours) == stored(theirs)
    assert stored(ours)["status"] == "READY"
    row = DBTaskResult.objects.get(pk=ours.id)
    assert timezone.now() - timedelta(minutes=1) < row.enqueued_at <= timezone.now()
    # What enqueue returns reads as the library's own result for the row.
    again = task_backends["default"].get_result(ours.id)
    assert (ours.id, ours.status, ours.args, ours.kwargs, ours.backend) == (
        again.id,
        again.status,
        again.args,
        again.kwargs,
        again.backend,
    )
    assert ours.task.module_path == again.task.module_path
    assert ours.db_result.pk == row.pk


def test_the_enqueued_signal_gets_the_result():
    heard = []

    def receiver(sender, task_result, **kwargs):
        heard.append(task_result)

    task_enqueued.connect(receiver)
    try:
        result = handle_event.enqueue(*ARGS)
    finally:
        task_enqueued.disconnect(receiver)
    assert heard == [result]


def test_a_rolled_back_transaction_leaves_no_task():
    with transaction.atomic():
        handle_event.enqueue(*ARGS)
        assert DBTaskResult.objects.count() == 1
        transaction.set_rollback(True)
    assert DBTaskResult.objects.count() == 0


def test_the_librarys_worker_runs_it(worker):
    result = handle_event.enqueue(*ARGS)
    worker()
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=result.id).finished_at is not None
