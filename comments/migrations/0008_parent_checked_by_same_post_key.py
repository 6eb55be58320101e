"""On PostgreSQL, let the composite key (parent_id, post_id) alone check a reply's parent.

The composite foreign key from 0002 already guarantees that the parent exists (and is on the
same post), so Django's own single-column key on parent_id only doubles the work of every
insert and import. Other databases keep Django's key.
"""

from django.db import migrations

FIND_PARENT_KEY = """
    SELECT conname FROM pg_constraint
    WHERE conrelid = 'comments_comment'::regclass AND contype = 'f'
      AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
                          WHERE attrelid = 'comments_comment'::regclass
                            AND attname = 'parent_id')]::smallint[]
"""
RESTORE_PARENT_KEY = (
    "ALTER TABLE comments_comment ADD CONSTRAINT comments_comment_parent_id_fk "
    "FOREIGN KEY (parent_id) REFERENCES comments_comment (id) DEFERRABLE INITIALLY DEFERRED"
)


def drop_single_column_parent_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FIND_PARENT_KEY)
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(
            f"ALTER TABLE comments_comment DROP CONSTRAINT {schema_editor.quote_name(name)}"
        )


def restore_single_column_parent_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE_PARENT_KEY)


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_thread_index_covers_paging")]

    operations = [
        migrations.RunPython(drop_single_column_parent_key, restore_single_column_parent_key)
    ]
