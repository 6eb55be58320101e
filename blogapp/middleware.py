"""How the site answers when its database fails under a request (README "When things fail")."""

import codecs
import logging
import string

from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import BadRequest
from django.db import DatabaseError, InterfaceError, OperationalError
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)


class SessionSavedIfPossibleMiddleware(SessionMiddleware):
    """Django's session middleware, except that a session that cannot be saved (the database
    went away after the view did its work) costs the visitor that session change, not the
    answer: the comment they just posted, committed already, is not reported as lost."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (DatabaseError, InterfaceError):  # a closed connection is no DatabaseError
            logger.exception("The session of %s could not be saved", request.path)
            return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 ("try again in a moment", with
    Retry-After), not 500: the page is whole again as soon as PostgreSQL is back."""

    RETRY_AFTER = "5"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.exception("The database is unavailable for %s", request.path)
        response = TemplateResponse(request, "503.html", status=503)
        response["Retry-After"] = self.RETRY_AFTER
        return response.render()


_ASCII = string.printable


def _decodes_forms(charset):
    """Could a browser have sent a form in ``charset``? Forms are only ever sent in
    ASCII-compatible text encodings (UTF-8, Latin-1, Windows-125x…): not UTF-16, UTF-32 or
    UTF-7, nor codecs that are no text encoding at all (base64, rot13, zlib)."""
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return True  # unknown: Django ignores it and decodes as UTF-8
    if not getattr(info, "_is_text_encoding", True):
        return False
    try:
        return _ASCII.encode(info.name) == _ASCII.encode("ascii")
    except (UnicodeError, ValueError):
        return False


class RequestCharsetMiddleware:
    """A request body declared in a charset no form is sent in answers 400 before anything
    reads it (the CSRF check, the comment form, the admin login): decoding it would raise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset") if request.content_type else None
        if charset and not _decodes_forms(charset):
            raise BadRequest(f"A request body in {charset!r} cannot be read.")
        return self.get_response(request)
