"""django-tasks-db, the task queue (``TASKS``), installed under a name in the site's languages:
the library's app names itself in English only."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskQueueConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
