"""``{{ name|isolated }}``: a name a reader typed, set apart in its own direction inside a
sentence of the page's language."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def isolated(text):
    """``text`` escaped, in ``<bdi>``: an Arabic or Hebrew name in an English sentence (or an
    English one in a right-to-left page) keeps its own order and leaves the sentence's words
    in theirs ("Reply to <bdi>…</bdi>" rather than the name's direction running into "to")."""
    return format_html("<bdi>{}</bdi>", text)
