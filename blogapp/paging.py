"""Paging a long list in the order an index holds."""

from django.core.paginator import Paginator


class KeysFirstPaginator(Paginator):
    """Reads a page's keys first, then its rows by key; pages nearer the end from the end.

    For an OFFSET far down a long list PostgreSQL reads every row before it and, thinking the
    index's random reads dearer, sorts the whole table instead: the last of 1,000 pages of
    posts took 30 ms that way against 3 ms for its keys alone (an index-only scan of
    ``post_listing_idx``). The rows of the page are then ten lookups by primary key.

    An OFFSET still reads every key it skips, so the later half of the pages reads the index
    backwards and skips the keys after the page instead: the last page costs what the first
    does, however long the list grows. This needs an ordering that no two rows tie on (end it
    with the primary key), so that both directions cut the same pages.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self._keys_between(bottom, top)
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)

    def _keys_between(self, bottom, top):
        keys = self.object_list.values_list("pk", flat=True)
        after = self.count - top
        if after < bottom and self.object_list.ordered:
            backwards = list(keys.reverse()[after : self.count - bottom])
            backwards.reverse()
            return backwards
        return list(keys[bottom:top])
