"""On PostgreSQL, make the database itself refuse a reply whose parent is on another post.

A composite foreign key (post_id, parent_id) -> (post_id, id) does it; it needs a unique
(id, post_id) to point at. Other databases rely on the model and form checks.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE comments_comment ADD CONSTRAINT comment_id_post_unique UNIQUE (id, post_id)",
    "ALTER TABLE comments_comment ADD CONSTRAINT comment_parent_same_post "
    "FOREIGN KEY (parent_id, post_id) REFERENCES comments_comment (id, post_id) "
    "DEFERRABLE INITIALLY DEFERRED",
]
BACKWARD = [
    "ALTER TABLE comments_comment DROP CONSTRAINT IF EXISTS comment_parent_same_post",
    "ALTER TABLE comments_comment DROP CONSTRAINT IF EXISTS comment_id_post_unique",
]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
