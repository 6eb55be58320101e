"""The moderators' search in the admin's comment list, and its bounded result count.

On PostgreSQL a search term is looked for, in one query served by two GIN indexes (migration
0023), in:
- the people fields (name, email, website and IP address as one text) as a case-insensitive
  substring, through a trigram index (``comment_people_trgm_idx``): "gmail", "203.0.113.",
  "Smith" all find their comments;
- the comment's text by its words, through the site search's stored vector, indexed for every
  status here (a moderator looks for pending and spam comments too).

Django's own admin search (``ILIKE '%…%'`` over each field, word by word) reads the whole table
for every term, twice (count and page): seconds at a million comments. On SQLite the admin
keeps it.

The changelist counts at most ``COUNT_CAP`` comments (``CappedCountPaginator``), and a search
at most ``SEARCH_COUNT_CAP`` matches: a word found in half a million comments is counted as
"more than 1,000", and its pages reach the 1,000th. A search checks each row it counts (its
people text and its vector, ~4 µs a row here), so counting to 10,000 matches took 41 ms of a
200 ms page (``bench/scale.py``'s "admin search, many matches"); counting the queue's rows
reads an index only, and keeps the larger cap.
"""

from django.core.paginator import Paginator
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from .search import search_query, stored_vector, uses_full_text_search

COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000


def people_text():
    """Name, email, website and IP address as one text: the expression the trigram index
    holds, written the same way here and in migration 0023 so PostgreSQL can use it."""
    host = Coalesce(Func(F("ip_address"), function="host"), Value(""))
    return Func(
        F("author_name"),
        Value(" "),
        F("author_email"),
        Value(" "),
        F("author_url"),
        Value(" "),
        host,
        arg_joiner=" || ",
        template="(%(expressions)s)",
        output_field=TextField(),
    )


def like_pattern(text):
    """``text`` as a substring pattern for LIKE: its own ``%``, ``_`` and ``\\`` are literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def comments_found(queryset, text):
    """The comments of ``queryset`` whose people fields contain ``text`` or whose text has its
    words (web-search syntax, as the site search). ``None`` where the database has no such
    indexes: the caller keeps the admin's own search."""
    text = text.strip()
    if not uses_full_text_search() or not text:
        return None
    in_people = Func(
        people_text(),
        Value(like_pattern(text)),
        arg_joiner=" ILIKE ",
        template="(%(expressions)s)",
        output_field=BooleanField(),
    )
    return queryset.alias(document=stored_vector()).filter(
        Q(in_people) | Q(document=search_query(text))
    )


def capped_count(queryset, cap=None):
    """``(rows, capped)``: the rows of ``queryset`` counted up to ``cap`` (``COUNT_CAP``
    unless given), and whether there are more. PostgreSQL stops reading at the cap."""
    cap = COUNT_CAP if cap is None else cap
    found = queryset.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


class CappedCountPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows (``capped`` says it stopped there):
    counting every match of a common word would read them all."""

    capped = False

    def __init__(self, *args, cap=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self):
        count, self.capped = capped_count(self.object_list, self.cap)
        return count
