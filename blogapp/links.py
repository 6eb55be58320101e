"""Links that survive a migration: the old addresses of imported posts and comments.

An import remembers each post's old addresses (``OldLink``: WXR ``link``, ``guid`` and
``?p=<id>``; a Disqus thread's ``link``). ``OldLinkMiddleware`` sends a request for one of them
to the post with a 301 when readers may see the post, and only looks when nothing else
answered (a 404) or for WordPress's ``/?p=<id>`` and ``/?page_id=<id>`` (a 404 when no post
had the id), so the site's own pages never pay for it.
Old comment anchors (``#comment-<old id>``) never reach the server: the post page's script
(``static/js/old-links.js``) asks ``old_comment`` where that comment lives now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qs, unquote, urlsplit

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from comments.selectors import comment_id_by_source

from .importers.detect import comment_source_id
from .models import OldLink, Post

PATH_MAX_LENGTH = 500
URL_MAX_LENGTH = 1000
# The query string of the redirect: tells the page script that an anchor is an old one.
FROM_OLD_LINK = "via=old-link"
REPEATED_SLASHES = re.compile(r"/{2,}")
# WordPress's query parameters that name an item by id: a post's, a page's.
WORDPRESS_ID_PARAMETERS = ("p", "page_id")
# An address under a WordPress post's: a page of its comments, or its comment feed.
WORDPRESS_POST_SUFFIX = re.compile(r"(?P<post>/.+?)/(?:comment-page-\d+|(?P<feed>feed(?:/\w+)?))")


def normal_path(path: str) -> str:
    """A decoded path in the one form stored addresses and requests are compared in: one
    leading slash, no repeated slashes (WordPress wrote ``//greek/…`` links), no trailing one."""
    path = REPEATED_SLASHES.sub("/", "/" + path)
    return path.rstrip("/") or "/"


def wordpress_id(query: str) -> str | None:
    """The WordPress id a query names (``p=<id>``, or a page's ``page_id=<id>``), or None.

    WordPress numbers posts and pages in one sequence and answers ``?p=`` with a page too,
    so both parameters name the same item and share one key."""
    if not query:
        return None
    values = parse_qs(query)
    for name in WORDPRESS_ID_PARAMETERS:
        item_id = values.get(name, [""])[0].strip()
        if item_id.isdigit():
            return item_id
    return None


def old_path(path: str, query: str = "", *, decoded: bool = False) -> str:
    """The lookup key of an address: its normal decoded path (``normal_path``), and
    ``?p=<id>`` when the query names a WordPress post or page (``wordpress_id``). A request's
    path is decoded already (``decoded``): decoding it again would read an escaped ``%25`` as
    an escape of its own."""
    path = normal_path(path if decoded else unquote(path or "/"))
    item_id = wordpress_id(query)
    if item_id:
        path += f"?p={item_id}"
    return path


def old_path_of_url(url: str) -> str | None:
    """The key of an absolute or relative URL; None when it names no post (the home page)."""
    parts = urlsplit(url.strip())
    key = old_path(parts.path, parts.query)
    if key == "/" or len(key) > PATH_MAX_LENGTH or "\x00" in key:
        return None
    return key


def remember_old_links(links: Iterable[tuple[int, str]]) -> int:
    """Map each ``(post id, old URL)``; a path mapped already keeps its post. Returns how
    many were new (re-importing the same file adds none)."""
    new = {}
    for post_id, url in links:
        key = old_path_of_url(url) if url else None
        if key and key not in new:
            new[key] = OldLink(path=key, url=url.strip()[:URL_MAX_LENGTH], post_id=post_id)
    if not new:
        return 0
    for key in OldLink.objects.filter(path__in=new).values_list("path", flat=True):
        del new[key]
    OldLink.objects.bulk_create(new.values(), ignore_conflicts=True)
    return len(new)


def old_link_target(path: str, query: str) -> str | None:
    """Where an old address lives now, or None: also for a post readers cannot see (a draft,
    private, password-protected or scheduled), whose new slug a redirect would give away.

    WordPress's addresses under a post's own lead where they lead on WordPress: a page of its
    comments (``…/comment-page-2/``) to the post, its comment feed (``…/feed/``) to the post's
    comment feed here."""
    key = old_path(path, query, decoded=True)
    if "\x00" in key or len(key) > PATH_MAX_LENGTH:  # never stored; PostgreSQL refuses NUL
        return None
    under = WORDPRESS_POST_SUFFIX.fullmatch(key)
    keys = [key, under["post"]] if under else [key]
    link = (
        OldLink.objects.filter(path__in=keys, post__in=Post.objects.published())
        .select_related("post")
        .only("path", "post__slug")
        .order_by("-path")  # the address itself before the post it may be under
        .first()
    )
    if link is None:
        return None
    if link.path != key and under["feed"]:
        return reverse("blogapp:post_comments_feed", kwargs={"slug": link.post.slug})
    return f"{link.post.get_absolute_url()}?{FROM_OLD_LINK}"


class OldLinkMiddleware:
    """301 from an old address to its post, looked up only when nothing here answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WordPress's /?p=<id> and /?page_id=<id> reach the home page, which answers: check
        # them first. An id nobody here knows is a dead link: a 404 tells the reader so,
        # where the home page would pass for the post they followed.
        if request.path_info == "/":
            query = request.META.get("QUERY_STRING", "")
            if wordpress_id(query):
                target = old_link_target(request.path_info, query)
                if target:
                    return HttpResponsePermanentRedirect(target)
                raise Http404("No post here had that WordPress id.")
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = old_link_target(request.path_info, request.META.get("QUERY_STRING", ""))
            if target:
                return HttpResponsePermanentRedirect(target)
        return response


@require_GET
def old_comment(request, slug, old_id):
    """Where the comment the post's original site called ``old_id`` is now, as JSON
    (``{"permalink": "/comment/<id>/"}``), or 404."""
    post = get_object_or_404(Post.objects.published().only("pk", "source", "source_id"), slug=slug)
    source_id = "\x00" not in old_id and comment_source_id(post.source, post.source_id, old_id)
    comment_id = source_id and comment_id_by_source(
        post_id=post.pk, source=post.source, source_id=source_id
    )
    if not comment_id:
        raise Http404("No comment of this post had that id.")
    permalink = reverse("comments:permalink", kwargs={"comment_id": comment_id})
    return JsonResponse({"permalink": permalink})
