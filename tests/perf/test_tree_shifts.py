"""A reply goes into its parent's room for replies and rewrites no other row; without room
it shifts lft/rght of the comments after it in its thread, and on PostgreSQL no index holds
those columns, so the shift rewrites rows in place (HOT updates, no index entries)."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from comments.bulk import comments_bulk_import
from comments.models import Comment
from comments.records import CommentRecord, PostComments
from comments.services import comment_create
from comments.tree import PAIR
from tests.factories import make_comment
from tests.tree_check import room_left, stored_tree_fields, tree_problems, use_up_room

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def indexed_columns():
    """Every column any index of the comment table uses: keys, INCLUDE columns, expressions
    and predicates (any of them keeps an update from being HOT)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT a.attname
            FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid
            WHERE i.indrelid = %s::regclass
              AND (a.attnum = ANY(i.indkey)
                   OR pg_get_expr(i.indexprs, i.indrelid) ~ ('\\m' || a.attname || '\\M')
                   OR pg_get_expr(i.indpred, i.indrelid) ~ ('\\m' || a.attname || '\\M'))
              AND a.attnum > 0
            """,
            [Comment._meta.db_table],
        )
        return {row[0] for row in cursor.fetchall()}


def updates_so_far():
    """(row updates, of which HOT) on the comment table in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(%s::regclass), "
            "pg_stat_get_xact_tuples_hot_updated(%s::regclass)",
            [Comment._meta.db_table, Comment._meta.db_table],
        )
        return cursor.fetchone()


def test_no_index_holds_the_tree_position_columns():
    columns = indexed_columns()
    assert "tree_id" in columns and "post_id" in columns  # the query sees the indexes at all
    assert not columns & {"lft", "rght"}


@pytest.mark.django_db(transaction=True)
def test_a_reply_into_a_comment_with_room_rewrites_no_other_row(post):
    root = make_comment(post)
    first = make_comment(post, parent=root)
    for _ in range(5):
        make_comment(post, parent=root)
    assert room_left(first) >= PAIR
    before = stored_tree_fields(post=post)

    with transaction.atomic():
        updated_before, _ = updates_so_far()
        reply = comment_create(post=post, parent_id=first.pk, author_name="Ann", body="Room.")
        updated, _ = updates_so_far()

    assert updated == updated_before
    assert stored_tree_fields(post=post) == {
        **before,
        reply.pk: stored_tree_fields(pk=reply.pk)[reply.pk],
    }
    assert tree_problems(post=post) == []


@pytest.mark.django_db(transaction=True)
def test_a_reply_into_a_comment_without_room_shifts_its_thread_without_touching_an_index(post):
    root = make_comment(post)
    first = make_comment(post, parent=root)
    later = [make_comment(post, parent=root) for _ in range(5)]
    use_up_room(post, first)
    with connection.cursor() as cursor:
        # Room on the page for the new row versions (a busy table gets it from pruning).
        cursor.execute(f"VACUUM {Comment._meta.db_table}")

    with transaction.atomic():  # read this transaction's own statistics before it ends
        updated_before, hot_before = updates_so_far()
        comment_create(post=post, parent_id=first.pk, author_name="Ann", body="In the middle.")
        updated, hot = updates_so_far()

    # The rght of the root and of the parent, and the later replies' lft and rght, moved
    # (the parent's own replies lie inside it and stay).
    assert updated - updated_before == len(later) + 2
    assert hot - hot_before == updated - updated_before
    assert room_left(first) >= PAIR  # the shift opened room for more than this reply
    assert tree_problems(post=post) == []


def fill_factor():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT option_value FROM pg_options_to_table("
            "(SELECT reloptions FROM pg_class WHERE oid = %s::regclass)) "
            "WHERE option_name = 'fillfactor'",
            [Comment._meta.db_table],
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 100


@pytest.mark.django_db(transaction=True)
def test_a_reply_into_an_imported_tree_is_shifted_in_place(post):
    # An import packs its rows with COPY; the table's fill factor leaves room on each page.
    assert fill_factor() < 100
    when = datetime(2020, 5, 1, tzinfo=UTC)
    records = [
        CommentRecord(
            source_id="0",
            parent_source_id=None,
            author_name="Root",
            body="The root.",
            created_at=when,
        )
    ]
    records += [
        CommentRecord(
            source_id=str(i),
            parent_source_id=str(max(0, i - 1 - i % 7)),
            author_name=f"Author {i}",
            body=f"Comment number {i}, long enough to look like a real one. " * 4,
            created_at=when,
        )
        for i in range(1, 2000)
    ]
    with transaction.atomic():
        comments_bulk_import(
            batches=[[PostComments(post_id=post.pk, source="test", comments=records)]],
            use_copy=True,
        )
    early = Comment.objects.get(source="test", source_id="3")
    assert room_left(early) >= PAIR  # imported approved comments keep room for replies
    use_up_room(post, early)

    with transaction.atomic():
        updated_before, hot_before = updates_so_far()
        comment_create(post=post, parent_id=early.pk, author_name="Ann", body="Near the top.")
        updated, hot = updates_so_far()

    shifted = updated - updated_before
    assert shifted > 1900  # nearly the whole thread moved
    assert (hot - hot_before) / shifted >= 0.8
    assert tree_problems(post=post) == []
