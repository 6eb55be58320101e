"""The site's page for a form whose CSRF check failed (``CSRF_FAILURE_VIEW``).

Django's own page is English, bare, and drops what was typed. A reader usually meets it when
the CSRF cookie is gone (cookies blocked, or cleared while the page stayed open). A comment
or a comment's edit sent from this site's own page (its ``Origin`` is the site's) is shown
again with its text and a fresh token, ready to send once more. A request from anywhere else
may be forged: its page shows nothing the request carried.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import Resolver404, resolve

from comments.views import comment_not_verified, edit_not_verified

# The forms whose text is shown again, by view name; each view takes the form URL's kwargs.
FORMS_KEPT = {"comments:post_comment": comment_not_verified, "comments:edit": edit_not_verified}


def csrf_failure(request, reason=""):
    if _sent_from_this_site(request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and match.view_name in FORMS_KEPT:
            return FORMS_KEPT[match.view_name](request, **match.kwargs)
    return render(request, "403_csrf.html", status=403)


def _sent_from_this_site(request):
    """The browser says the form was on one of this site's pages (as Django's own origin
    check decides it)."""
    origin = request.headers.get("Origin")
    if not origin:
        return False
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
