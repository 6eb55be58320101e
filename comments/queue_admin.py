"""The task queue's rows in the admin, in the site's languages.

django-tasks-db registers an admin for its rows but ships no translations, and writes some of
its column names as plain English. This admin is the library's with those columns named
through gettext; the library's own translatable words (its model's and fields' names, the
statuses) are listed below so that this app's catalogue carries their translations: Django
looks a word up in every catalogue, whichever app wrote the call.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

LIBRARY_WORDS = (
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)


class TaskResultAdmin(DBTaskResultAdmin):
    @admin.display(description=_("task"), ordering="task_path")
    def task(self, obj):
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)

    list_display = tuple(
        "task" if name == "task_name" else name for name in DBTaskResultAdmin.list_display
    )


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
