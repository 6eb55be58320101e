"""The loader's reader thread: it parses, the loading thread does every database call."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from blogapp.importers import CommentRecord, ImportFormatError, PostRecord
from blogapp.importers.loader import Loader
from blogapp.models import Post
from comments.models import Comment

pytestmark = pytest.mark.django_db

WHEN = datetime(2020, 5, 1, 8, 0, tzinfo=UTC)


def post_record(n, parent=None):
    comment = CommentRecord(
        source_id=f"c{n}", parent_source_id=parent, body=f"Comment {n}", created_at=WHEN
    )
    return PostRecord(
        source="wxr", source_id=f"p{n}", title=f"Post {n}", slug=f"p{n}", published_at=WHEN,
        comments=[comment],
    )  # fmt: skip


def test_only_the_loading_thread_touches_the_database(monkeypatch):
    parsing_threads, cursor_threads = set(), set()
    real_cursor = BaseDatabaseWrapper.cursor

    def cursor(connection):
        cursor_threads.add(threading.current_thread())
        return real_cursor(connection)

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", cursor)

    def records():
        for n in range(6):
            parsing_threads.add(threading.current_thread())
            yield post_record(n)

    with transaction.atomic():
        stats = Loader(batch_comments=2).load(records())  # one post a batch
    assert stats.comments_created == 6 and stats.posts_created == 6
    assert cursor_threads == {threading.current_thread()}
    assert threading.current_thread() not in parsing_threads
    assert not [t for t in threading.enumerate() if t.name.startswith("import-read")]


def test_parser_warnings_are_reported_in_file_order():
    loader = Loader(batch_comments=2)

    def records():
        for n in range(4):
            loader.warn(f"parser: post {n}")
            yield post_record(n, parent="lost")
        loader.warn("parser: end of file")

    with transaction.atomic():
        loader.load(records())
    kinds = [
        "lost parent" if "'lost' is not in the file" in w else w for w in loader.stats.warnings
    ]
    assert kinds == [
        "parser: post 0", "lost parent", "parser: post 1", "lost parent",
        "parser: post 2", "lost parent", "parser: post 3", "lost parent",
        "parser: end of file",
    ]  # fmt: skip


def test_a_parser_error_in_a_later_batch_is_raised_here_and_nothing_stays():
    def records():
        yield post_record(0)
        yield post_record(1)
        raise ImportFormatError("broken", path="archive.xml", line=9)

    with pytest.raises(ImportFormatError, match="line 9"), transaction.atomic():
        Loader(batch_comments=2).load(records())
    assert not Post.objects.exists() and not Comment.objects.exists()
    assert not [t for t in threading.enumerate() if t.name.startswith("import-read")]


def test_an_error_while_writing_stops_the_reader_and_closes_the_parser(monkeypatch):
    closed = threading.Event()

    def records():
        try:
            for n in range(100):
                yield post_record(n)
        finally:
            closed.set()

    def fail(self, batch):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Loader, "_resolve_posts", fail)
    with pytest.raises(RuntimeError, match="went away"), transaction.atomic():
        Loader(batch_comments=2).load(records())
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name.startswith("import-read")]
