"""'Save my name, email and website in this browser': a signed cookie of the commenter's own.

The cookie is read where the comment form is rendered, which is never cached (only the
discussion above it is), so one reader's details never reach another. It is HttpOnly (no
script reads it), SameSite=Lax, signed (it cannot be forged into the form of someone else),
and kept for a year; unticking the box on the next comment deletes it.
"""

import json

from django.conf import settings

COOKIE = "comments_author"
SALT = "comments.remember"
MAX_AGE = 60 * 60 * 24 * 365
FIELDS = ("name", "email", "url")


def remembered_author(request):
    """{'name', 'email', 'url'} saved by this browser, or None."""
    raw = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {field: str(data.get(field, "")) for field in FIELDS}


def remember_author(response, cleaned_data):
    """Save the commenter's name, email and website in their browser."""
    value = json.dumps({field: cleaned_data.get(field) or "" for field in FIELDS})
    response.set_signed_cookie(
        COOKIE,
        value,
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_author(request, response):
    """Forget what this browser had saved (the box was unticked)."""
    if COOKIE in request.COOKIES:
        response.delete_cookie(COOKIE, samesite="Lax")


def apply_choice(request, response, cleaned_data):
    """After a comment is posted: remember or forget, as the box says."""
    if cleaned_data.get("remember"):
        remember_author(response, cleaned_data)
    else:
        forget_author(request, response)
    return response
