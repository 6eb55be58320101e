"""The discussion's counted phrases ("3 replies"), translated once per count and render.

A big thread prints a reply count for thousands of comments but only a few distinct counts;
asking gettext for each comment would cost more than the markup around it.
"""

from django.utils.formats import number_format
from django.utils.translation import ngettext


class PerCount(dict):
    """``labels[n]``: ``phrase(n)``, computed the first time n is asked for, then reused."""

    def __init__(self, phrase):
        super().__init__()
        self.phrase = phrase

    def __missing__(self, count):
        label = self[count] = self.phrase(count)
        return label


def _count(count):
    return {"count": number_format(count, force_grouping=True)}


def count_labels():
    """Fresh per-count labels in the active language, for one render of a discussion."""
    return {
        "replies": PerCount(
            lambda n: ngettext("%(count)s reply", "%(count)s replies", n) % _count(n)
        ),
        "continue_thread": PerCount(
            lambda n: (
                ngettext(
                    "Continue this thread (%(count)s reply) →",
                    "Continue this thread (%(count)s replies) →",
                    n,
                )
                % _count(n)
            )
        ),
    }
