"""The task queue's backend: django-tasks-db's, with a cheaper ``enqueue``.

A comment's write enqueues its one task inside its transaction (``comments.events``), so the
enqueue is part of every reply's cost. django-tasks-db's ``enqueue`` writes the row through
the ORM's ``create()`` and then builds the returned ``TaskResult`` twice (once more for the
``task_enqueued`` signal), importing and validating the task again each time. This one writes
the same row with one ``INSERT`` whose SQL is made once per database, and builds the result
once: 171-228 µs of CPU a call where the library's took 310-344 µs (bench/enqueue.py;
bench/README, "The task queue's enqueue"). ``enqueue_in`` lets the comment's write send that
``INSERT`` in the same round trip as its other last statements (``comments.statements``).

Everything else (the table, its defaults, the worker that claims and runs the rows, reading
results) is django-tasks-db's, untouched.
"""

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.backend import TaskResult
from django_tasks_db.compat import TaskResultStatus, normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import normalize_uuid


class DatabaseBackend(LibraryDatabaseBackend):
    """Set as ``TASKS["default"]["BACKEND"]``; takes the library's options."""

    def enqueue(self, task, args, kwargs):
        return self.enqueue_in(None, task, args, kwargs)

    def enqueue_in(self, batch, task, args, kwargs):
        """``enqueue``, its row written with the other statements of ``batch``
        (``comments.statements``) when one is given: the task exists once the batch is sent,
        in the same transaction."""
        self.validate_task(task)
        db_result = _stored(
            batch,
            id=self._get_id(),
            enqueued_at=timezone.now(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # What the library's pre_save receiver puts in for "no time set".
            run_after=task.run_after or get_date_max(),
            backend_name=self.alias,
        )
        result = TaskResult(
            db_result=db_result,
            task=task,
            id=normalize_uuid(db_result.id),
            status=TaskResultStatus.READY,
            enqueued_at=db_result.enqueued_at,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=db_result.args_kwargs["args"],
            kwargs=db_result.args_kwargs["kwargs"],
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_enqueued.send(type(self), task_result=result)
        return result


_insert_sql = {}  # database vendor -> the INSERT of one row, every column


def _stored(batch, **values):
    """Insert one task row (the model's defaults for the columns not given), now or with
    ``batch``, and return it as a model instance, as read back from the database."""
    alias = router.db_for_write(DBTaskResult)
    connection = connections[alias]
    fields = DBTaskResult._meta.concrete_fields
    row = [values[f.attname] if f.attname in values else f.get_default() for f in fields]
    sql = _insert_sql.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        table = quote(DBTaskResult._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names only
        _insert_sql[connection.vendor] = sql
    params = [f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)]
    if batch is not None and alias == DEFAULT_DB_ALIAS:  # a batch writes to the default database
        batch.add(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return DBTaskResult.from_db(alias, [f.attname for f in fields], row)
