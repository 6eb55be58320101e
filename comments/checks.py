"""System checks of the comments app's stored data (run by ``migrate`` and by
``manage.py check --database default``; never by ``runserver`` or a plain ``check``)."""

from django.core.checks import Tags, Warning, register
from django.db import connection

from .models import Comment
from .tree import packed_threads

OLDEST_THREADS = 1000


@register(Tags.database)
def check_packed_threads(app_configs=None, databases=None, **kwargs):
    """Threads numbered without room for replies (stored by a version before it): nearly
    every reply into one rewrites the rest of the thread until ``comments_make_room`` runs."""
    if not databases or "default" not in databases:
        return []
    if Comment._meta.db_table not in connection.introspection.table_names():
        return []  # before the first migration
    # The oldest threads are the ones a version without room wrote: looking at those keeps
    # the check to an index range (the whole table took ~2 s at 1,000,000 comments).
    count = packed_threads(oldest=OLDEST_THREADS).count()
    if not count:
        return []
    return [
        Warning(
            f"{count} of the {OLDEST_THREADS:,} oldest comment threads are numbered without "
            "room for replies: nearly every reply into one of them rewrites the rest of its "
            "thread.",
            hint="Run 'python manage.py comments_make_room' once.",
            obj="comments.Comment",
            id="comments.W001",
        )
    ]
