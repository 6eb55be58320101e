"""What an export must carry over: every post and comment, compared without database ids."""

from django.db import connection

from blogapp.models import OldLink, Post
from comments.models import Comment

POST_FIELDS = (
    "slug", "title", "body", "body_html", "author_name", "published_at", "status",
    "comments_open", "listed",
)  # fmt: skip
COMMENT_FIELDS = (
    "author_name", "author_email", "author_url", "ip_address", "body", "body_html",
    "created_at", "status", "kind", "level", "edited_at", "date_only",
)  # fmt: skip


def fingerprint(*, personal_data=True):
    """Per post (by slug): its fields and its comments in tree order, each with the position
    of its parent in that list (so parent links and sibling order are compared too)."""
    site = []
    for post in Post.objects.order_by("slug").values_list("pk", *POST_FIELDS):
        rows = list(
            Comment.objects.filter(post_id=post[0])
            .order_by("tree_id", "lft")
            .values_list("pk", "parent_id", *COMMENT_FIELDS)
        )
        position = {row[0]: index for index, row in enumerate(rows)}
        comments = []
        for _pk, parent, *fields in rows:
            if not personal_data:
                fields[1] = ""  # author_email
                fields[3] = None  # ip_address
            comments.append((position.get(parent), *fields))
        site.append((post[1:], comments))
    return site


def empty_database():
    """Posts, comments and old links gone, as in a new database (ids keep counting up)."""
    tables = [model._meta.db_table for model in (OldLink, Comment, Post)]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks left pending
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
