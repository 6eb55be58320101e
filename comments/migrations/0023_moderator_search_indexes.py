from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The moderators' search (comments.admin_search), PostgreSQL only like the site search:
# - a trigram index over the people fields as one text, the expression of
#   ``admin_search.people_text()`` (the two must stay alike, or PostgreSQL cannot use it);
# - the search vector's index for every status instead of the approved comments only: the
#   site search still asks for approved comments, moderators ask for all.
# What they cost: an import writes ~15 trigram entries and one more vector entry per comment
# that is not approved; a reply's lft/rght shift touches neither column, so it stays a HOT
# update (neither index holds a tree column).
ADD_INDEXES = """
CREATE INDEX comment_people_trgm_idx ON comments_comment USING gin (
    (author_name || ' ' || author_email || ' ' || author_url || ' '
     || COALESCE(host(ip_address), '')) gin_trgm_ops
);
DROP INDEX comment_search_idx;
CREATE INDEX comment_search_idx ON comments_comment USING gin (search_vector);
"""
REMOVE_INDEXES = """
DROP INDEX comment_people_trgm_idx;
DROP INDEX comment_search_idx;
CREATE INDEX comment_search_idx ON comments_comment USING gin (search_vector)
    WHERE status = 'approved';
"""


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_INDEXES, params=None)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE_INDEXES, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0022_discussion_state"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(add_indexes, remove_indexes),
    ]
