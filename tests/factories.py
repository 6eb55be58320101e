"""Small builders for test data, through the real models and the real write service."""

import itertools
from datetime import timedelta

from django.utils import timezone

from blogapp.models import Post
from comments.models import Comment
from comments.services import comment_create

_counter = itertools.count(1)


def make_post(**fields):
    n = next(_counter)
    defaults = {
        "title": f"Post {n}",
        "slug": f"post-{n}",
        "body": "<p>Body</p>",
        "author_name": "Editor",
        "published_at": timezone.now() - timedelta(days=1),
        "status": Post.Status.PUBLISHED,
    }
    defaults.update(fields)
    return Post.objects.create(**defaults)


def make_comment(post, parent=None, **fields):
    defaults = {
        "author_name": "Reader",
        "body": "A comment.",
        "status": Comment.Status.APPROVED,
    }
    defaults.update(fields)
    return comment_create(post=post, parent_id=parent.pk if parent else None, **defaults)


def make_thread(post, size):
    """``size`` approved comments straight through the model (no service checks, for speed):
    about 30% top level, the rest replies spread over the comments made before them."""
    made = []
    for i in range(size):
        parent = made[(i * 7) % len(made)] if made and i % 3 else None
        comment = Comment(post=post, parent=parent, author_name=f"A{i}", body="x",
                          body_html="<p>x</p>", status="approved")  # fmt: skip
        comment.save()
        made.append(comment)
    return made
