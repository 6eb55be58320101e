"""Character checks for everything a reader types into the comment form.

Control characters have no business in a name, an address or a comment: they break pages,
logs and exports, and bidirectional overrides make text read differently from what it is
("Trojan source"). Ordinary right-to-left text needs none of them.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = frozenset("\n\r\t")
# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). LRM/RLM stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
NONCHARACTERS = frozenset("\ufffe\uffff")


def _forbidden(char, *, allow_line_breaks):
    if char in LINE_BREAKS:
        return not allow_line_breaks
    if char in BIDI_CONTROLS or char in NONCHARACTERS:
        return True
    return unicodedata.category(char) in ("Cc", "Cs")


def reject_control_characters(value, *, allow_line_breaks=False):
    """Raise ValidationError when ``value`` holds a control or direction-override character."""
    for char in value:
        if _forbidden(char, allow_line_breaks=allow_line_breaks):
            raise ValidationError(
                _("Remove the invisible control character (U+%(code)04X) from this field."),
                code="control_character",
                params={"code": ord(char)},
            )


def has_visible_text(value):
    """False for text made only of spaces and invisible formatting characters."""
    return any(
        not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc", "Zs")
        for char in value
    )


def single_line_text(value):
    """Validator for names and addresses: no control characters, no line breaks."""
    reject_control_characters(value)


def multi_line_text(value):
    """Validator for comment text: line breaks and tabs allowed, other controls not."""
    reject_control_characters(value, allow_line_breaks=True)
