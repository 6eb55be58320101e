from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# The site search's index over posts (blogapp.search.post_vector: the title weighted above
# the text). PostgreSQL only (SQLite has no GIN), so made here, not in Post.Meta.
SEARCH_INDEX = "post_search_idx"


def search_index():
    config = settings.COMMENTS_SEARCH_CONFIG
    vector = SearchVector("title", weight="A", config=config) + SearchVector(
        "body", weight="B", config=config
    )
    return GinIndex(vector, name=SEARCH_INDEX)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("blogapp", "Post"), search_index())


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("blogapp", "Post"), search_index())


class Migration(migrations.Migration):

    dependencies = [
        ("blogapp", "0002_translatable_names"),
    ]

    operations = [
        migrations.RunPython(add_search_index, remove_search_index, elidable=False),
    ]
