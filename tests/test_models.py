import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from blogapp.models import Post
from comments.models import Comment
from comments.tree import REPLY_ROOM
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_each_top_level_comment_roots_its_own_tree(post):
    first = make_comment(post)
    second = make_comment(post)
    reply = make_comment(post, parent=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.tree_id != second.tree_id
    assert reply.tree_id == first.tree_id
    # Each approved comment keeps room for replies (comments.tree): the thread's first
    # comment spans 1..18, and its reply took a quarter of that room, 2..5 (room for one).
    assert (first.lft, first.rght) == (1, 2 + 2 * REPLY_ROOM)
    assert (reply.level, reply.lft, reply.rght) == (1, 2, 5)


def test_a_reply_only_shifts_its_own_thread(post):
    first = make_comment(post)
    second = make_comment(post)
    before = Comment.objects.values_list("lft", "rght").get(pk=second.pk)
    for _ in range(3):
        make_comment(post, parent=first)
    assert Comment.objects.values_list("lft", "rght").get(pk=second.pk) == before


def test_replies_are_kept_in_tree_order(post):
    root = make_comment(post, body="root")
    a = make_comment(post, parent=root, body="a")
    b = make_comment(post, parent=root, body="b")
    a1 = make_comment(post, parent=a, body="a1")
    order = list(Comment.objects.filter(post=post).values_list("body", flat=True))
    assert order == ["root", "a", "a1", "b"]
    root.refresh_from_db()
    assert [c.pk for c in root.get_descendants()] == [a.pk, a1.pk, b.pk]


def test_visible_returns_only_approved_but_objects_returns_everything(post):
    shown = make_comment(post)
    for status in ("pending", "spam", "removed"):
        make_comment(post, status=status)
    assert list(Comment.objects.visible()) == [shown]
    assert Comment.objects.count() == 4


def test_model_refuses_a_parent_from_another_post(post):
    other = make_post()
    foreign_parent = make_comment(other)
    reply = Comment(post=post, parent=foreign_parent, author_name="x", body="y")
    with pytest.raises(ValidationError) as excinfo:
        reply.full_clean(exclude=["lft", "rght", "tree_id", "level"])
    assert "parent" in excinfo.value.message_dict


@pytest.mark.postgres
def test_database_refuses_a_parent_from_another_post(post):
    other = make_post()
    foreign_parent = make_comment(other)
    reply = make_comment(post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=reply.pk).update(parent=foreign_parent, level=1)
        # The key is deferred like Django's own; check it now rather than at commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS comment_parent_same_post IMMEDIATE")


@pytest.mark.parametrize(
    "field, value", [("status", "published"), ("kind", "tweet")], ids=["status", "kind"]
)
def test_database_refuses_unknown_status_and_kind(post, field, value):
    comment = make_comment(post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(**{field: value})


def test_database_refuses_unknown_post_status():
    post = make_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(status="archived")


def test_absolute_urls(post):
    comment = make_comment(post)
    assert post.get_absolute_url() == f"/posts/{post.slug}/"
    assert comment.get_absolute_url() == f"/comment/{comment.pk}/"


def test_post_body_is_sanitised_when_saved():
    post = make_post(
        body='<p onclick="x()">Hi<script>alert(1)</script></p><a href="javascript:x">l</a>'
    )
    assert "script" not in post.body_html
    assert "onclick" not in post.body_html
    assert "javascript:" not in post.body_html
    assert post.body_html.startswith("<p>Hi</p>")


def test_published_excludes_drafts_and_scheduled_posts():
    from datetime import timedelta

    from django.utils import timezone

    live = make_post()
    make_post(status=Post.Status.DRAFT)
    make_post(published_at=timezone.now() + timedelta(days=1))
    assert list(Post.objects.published()) == [live]


@pytest.mark.postgres
def test_database_refuses_a_parent_that_does_not_exist(post):
    reply = make_comment(post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=reply.pk).update(parent_id=reply.pk + 10_000, level=1)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS comment_parent_same_post IMMEDIATE")
