"""Commenters' avatars: an identicon drawn on this server from a keyed hash, stored at write time.

A comment stores ``avatar_key`` when it is written (``comment_create``, ``comments.bulk``), so
the page prints a stored string and does no hashing per comment. The key is an HMAC of the
normalised email (or, without one, the name) under a key derived from ``SECRET_KEY``: nobody
without the secret can tell which address it came from, unlike Gravatar's plain hash.

With ``COMMENTS_AVATAR_GRAVATAR`` on, a comment with an email written meanwhile stores
Gravatar's own hash instead (marked by a ``g`` prefix), and its avatar address redirects to
Gravatar; turned off again, those comments get an identicon drawn from that hash.
"""

import functools
import hashlib

from django.conf import settings
from django.utils.crypto import salted_hmac

GRAVATAR_PREFIX = "g"
KEY_LENGTH = 32  # hex digits of the HMAC kept: plenty to tell commenters apart
GRID = 5  # cells per side of the identicon, mirrored left to right
CELL = 8  # SVG units per cell
MARGIN = 4


def avatar_key(*, email="", name=""):
    """The stored avatar key of a commenter with this email (or name)."""
    return _avatar_key(
        email.strip().lower(), name.strip(), settings.SECRET_KEY, settings.COMMENTS_AVATAR_GRAVATAR
    )


def neutral_avatar_key():
    """The avatar of a comment with neither email nor name: an anonymous one, or one whose
    author's data was erased, which must no longer look like that person's other comments."""
    return avatar_key()


# An import computes a key per comment, mostly for the same few commenters: remember them.
@functools.lru_cache(maxsize=4096)
def _avatar_key(email, name, secret, gravatar):
    if email and gravatar:
        return GRAVATAR_PREFIX + hashlib.sha256(email.encode()).hexdigest()
    identity = f"email:{email}" if email else f"name:{name.casefold()}"
    digest = salted_hmac("comments.avatar", identity, secret=secret, algorithm="sha256")
    return digest.hexdigest()[:KEY_LENGTH]


def gravatar_url(key, *, size=80):
    """Gravatar's address for a key stored while Gravatar was on, else None."""
    if not key.startswith(GRAVATAR_PREFIX):
        return None
    return f"https://www.gravatar.com/avatar/{key[1:]}?s={size}&d=identicon"


def identicon_svg(key):
    """A symmetric 5×5 pattern in one colour, both taken from the key's hex digits."""
    digest = hashlib.sha256(key.encode()).digest()  # any key (even a short one) gives 32 bytes
    hue = int.from_bytes(digest[:2], "big") % 360
    cells = []
    for row in range(GRID):
        for column in range((GRID + 1) // 2):
            if digest[2 + row * 3 + column] % 2:
                for x in {column, GRID - 1 - column}:
                    cells.append(
                        f'<rect x="{MARGIN + x * CELL}" y="{MARGIN + row * CELL}" '
                        f'width="{CELL}" height="{CELL}"/>'
                    )
    size = GRID * CELL + 2 * MARGIN
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}">'
        f'<rect width="{size}" height="{size}" fill="hsl({hue},45%,92%)"/>'
        f'<g fill="hsl({hue},55%,42%)">{"".join(cells)}</g></svg>'
    )
