"""Keep lft and rght out of every index, so that shifting a thread touches no index.

A reply makes django-mptt add 2 to lft and/or rght of every comment after it in its thread.
While an index holds one of those columns, each shifted row is a new row version with new
entries in all of the table's indexes; without, PostgreSQL rewrites it in place (a HOT update)
and the indexes are untouched. The thread index no longer holds lft (queries sort the rows of
one thread by lft, which is cheap), and on PostgreSQL django-mptt's own (tree_id, lft) index,
which django-mptt adds to every tree model's state, is replaced by one on tree_id alone.
Other databases keep django-mptt's index.
"""

from django.db import migrations, models

MPTT_INDEX = "comments_comment_tree_id_l4b1c"  # django-mptt's (tree_id, lft), see 0001
TREE_INDEX = "comment_tree_idx"


def _swap_index(schema_editor, *, drop, create, columns):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(drop)}")
    schema_editor.execute(f"CREATE INDEX {quote(create)} ON comments_comment ({columns})")


def replace_mptt_index(apps, schema_editor):
    _swap_index(schema_editor, drop=MPTT_INDEX, create=TREE_INDEX, columns="tree_id")


def restore_mptt_index(apps, schema_editor):
    _swap_index(schema_editor, drop=TREE_INDEX, create=MPTT_INDEX, columns="tree_id, lft")


class Migration(migrations.Migration):
    dependencies = [
        ("blogapp", "0001_initial"),
        ("comments", "0009_form_check_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="comment", name="comment_thread_idx"),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["post", "tree_id"],
                include=("level", "status", "kind"),
                name="comment_thread_idx",
            ),
        ),
        migrations.RunPython(replace_mptt_index, restore_mptt_index),
    ]
