"""``{% canonical_url %}``: the one address search engines should index a page under."""

from django import template
from django.http import QueryDict

from comments.selectors import NEWEST, PAGE_PARAM, SORT_PARAM

register = template.Library()

LIST_PAGE_PARAM = "page"  # ?page=N of the post list and the archive


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's absolute address with only what picks its content (``sort=newest``, the
    discussion's ``cpage``, the list's ``page``; page 1 is the bare address), in the order
    the site's own links use. Without it ``?via=old-link``, ``?replyto=``, tracking parameters
    and ``?cpage=1`` would each be a page of their own to a search engine."""
    request = context["request"]
    kept = QueryDict(mutable=True)
    if request.GET.get(SORT_PARAM) == NEWEST:
        kept[SORT_PARAM] = NEWEST
    for name in (PAGE_PARAM, LIST_PAGE_PARAM):
        value = request.GET.get(name, "")
        if value not in ("", "1"):
            kept[name] = value
    query = kept.urlencode()
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
