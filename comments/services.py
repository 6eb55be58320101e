"""The one write path for comments, used by the public form, the admin and tests."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import moderation
from .cache import discussion_changed
from .locks import lock_new_threads, lock_thread
from .models import Comment
from .text import render_plain_text


class CommentRejected(ValidationError):
    """A comment that the rules of the post or the thread refuse."""


def _replyable_parent(*, post, parent_id):
    """Lock the parent's thread and return the parent as it is now, or refuse."""
    refusal = CommentRejected(
        "The comment you are replying to does not exist or can no longer be replied to.",
        code="invalid_parent",
    )
    tree_id = (
        Comment.objects.filter(pk=parent_id, post=post).values_list("tree_id", flat=True).first()
    )
    if tree_id is None:
        raise refusal
    lock_thread(tree_id)
    # Re-read under the lock: lft/rght may have moved, the status may have changed.
    parent = Comment.objects.replyable().filter(pk=parent_id, post=post).first()
    if parent is None:
        raise refusal
    return parent


@transaction.atomic
def comment_create(
    *,
    post,
    body,
    author_name,
    author_email="",
    author_url="",
    parent_id=None,
    ip_address=None,
    status=None,
    kind=Comment.Kind.COMMENT,
    created_at=None,
):
    """Create a comment (a reply when ``parent_id`` is given) and return it.

    ``status`` defaults to what the moderation policy decides. Raises ``CommentRejected``
    when the post is closed or the parent cannot be replied to; nothing is stored then.
    """
    if not post.is_published or not post.comments_open:
        raise CommentRejected("Comments are closed on this post.", code="closed")

    if parent_id is not None:
        parent = _replyable_parent(post=post, parent_id=parent_id)
    else:
        parent = None
        lock_new_threads()

    if status is None:
        status = moderation.initial_status(post=post, author_email=author_email, body=body)

    comment = Comment(
        post=post,
        parent=parent,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        ip_address=ip_address,
        body=body,
        body_html=render_plain_text(body),
        created_at=created_at or timezone.now(),
        status=status,
        kind=kind,
    )
    # The database enforces the constraints; mptt fills in the tree fields on save.
    comment.full_clean(
        exclude=["lft", "rght", "tree_id", "level"],
        validate_unique=False,
        validate_constraints=False,
    )
    comment.save()
    transaction.on_commit(lambda: discussion_changed(post.pk))
    return comment
