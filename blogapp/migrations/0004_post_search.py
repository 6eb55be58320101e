from django.conf import settings
from django.db import migrations

# The site search over posts (blogapp.search): the title (weight A) and the text (weight B) as
# a tsvector in the configured language, in a stored generated column with a GIN index.
# PostgreSQL only (SQLite has neither), so not a model field; Django never writes it.
ADD_SEARCH = """
ALTER TABLE blogapp_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(%(config)s::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector(%(config)s::regconfig, coalesce(body, '')), 'B')
) STORED;
CREATE INDEX post_search_idx ON blogapp_post USING gin (search_vector);
"""
REMOVE_SEARCH = "ALTER TABLE blogapp_post DROP COLUMN IF EXISTS search_vector"


def add_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        config = schema_editor.quote_value(settings.COMMENTS_SEARCH_CONFIG)
        schema_editor.execute(ADD_SEARCH % {"config": config}, params=None)


def remove_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE_SEARCH)


class Migration(migrations.Migration):

    dependencies = [
        ("blogapp", "0003_post_author"),
    ]

    operations = [
        migrations.RunPython(add_search, remove_search, elidable=False),
    ]
