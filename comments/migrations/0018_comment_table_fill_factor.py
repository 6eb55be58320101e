"""Leave half of every comment table page free, so a reply's shift stays on the page.

A reply adds 2 to lft and/or rght of every comment after it in its thread. No index holds those
columns (0010), so each shifted row can be rewritten in place, a HOT update with no index entry,
but only if its page has room for the new row version. Pages filled to the brim (an import
writes them so: COPY and bulk inserts pack rows tight) have none, and every shifted row then
moves to another page with new entries in every index of the table. The rows a shift rewrites
are consecutive in the thread, and an import writes a thread's rows side by side, so a page must
have room for a new version of every row it holds: a fill factor of 50. Inserts (an import's
COPY included) then stop at half a page. Measured on imported single trees: the first reply's
shift was 0 % HOT at the default (100), 40-90 % at 70 (depending on the comments' length) and
100 % at 50; the price is a heap twice its packed size (indexes are not affected). Only pages
written from now on are affected: rewrite old ones with VACUUM FULL comments_comment (or
pg_repack) when the site is quiet.
"""

from django.db import migrations

FILL_FACTOR = 50


def set_fill_factor(fill_factor):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            table = schema_editor.quote_name("comments_comment")
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = %s)", [fill_factor])

    return apply


class Migration(migrations.Migration):
    dependencies = [("comments", "0017_subscription_threads_and_html")]

    operations = [migrations.RunPython(set_fill_factor(FILL_FACTOR), set_fill_factor(100))]
