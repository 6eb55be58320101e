"""A reader's search words read as web-search syntax, for the search without PostgreSQL.

PostgreSQL reads them with ``websearch_to_tsquery``: words must all be found, ``"a phrase"``
as written, ``a or b`` either, ``-word`` not at all. The fallback (``make run``'s SQLite)
reads the same syntax and matches each term where a word begins (``comments.search``), a
phrase's words in a row, without stemming.
"""

import re
from dataclasses import dataclass

from django.db.models import Q

# A quoted phrase (its closing quote may be missing), or a run of other characters.
_TOKEN = re.compile(r'-?"[^"]*"?|[^\s"]+')


@dataclass(frozen=True)
class WebSearch:
    wanted: tuple  # each item a tuple of alternatives (words or phrases), one of which must match
    unwanted: tuple  # words or phrases that must not match

    @property
    def terms(self):
        """Every word or phrase looked for: what a snippet marks."""
        return [term for alternatives in self.wanted for term in alternatives]

    def condition(self, match):
        """The Q that matches it, ``match(term)`` being the Q of one term; None when nothing
        is looked for."""
        if not self.wanted:
            return None
        condition = Q()
        for alternatives in self.wanted:
            either = Q()
            for term in alternatives:
                either |= match(term)
            condition &= either
        for term in self.unwanted:
            condition &= ~match(term)
        return condition


def parse(text):
    """``text`` as a ``WebSearch``: ``or`` joins the terms on either side of it, ``-`` before
    a term excludes it, quotes keep a phrase together; a stray quote is ignored."""
    wanted, unwanted = [], []
    joining = False
    for token in _TOKEN.findall(text):
        if token.casefold() == "or":
            joining = bool(wanted)
            continue
        excluded = token.startswith("-") and len(token) > 1
        term = " ".join(token.removeprefix("-").strip('"').split())
        if not term:
            continue
        if excluded:
            unwanted.append(term)
        elif joining:
            wanted[-1].append(term)
        else:
            wanted.append([term])
        joining = False
    return WebSearch(tuple(tuple(group) for group in wanted), tuple(unwanted))
