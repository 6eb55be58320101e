"""Jinja2 templates' translatable strings, written as Python that xgettext reads.

Django's ``makemessages`` turns Django templates into Python-like text for xgettext; it cannot
parse Jinja2 (``{{ _("...") }}``, ``{% trans %}``). Jinja2 itself can: ``extract_translations``
finds every gettext call and trans block. Each is written back as a call on the same line
number, so the catalogue's ``#:`` references point into the template.
"""

from collections import defaultdict

# Jinja2's function names -> the ones Django's xgettext keywords know.
FUNCTIONS = {
    "_": "gettext",
    "gettext": "gettext",
    "ngettext": "ngettext",
    "pgettext": "pgettext",
    "npgettext": "npgettext",
}


def _call(function, message):
    strings = (message,) if isinstance(message, str) else message
    # Jinja2 gives None for arguments that are not string literals (an ngettext count).
    args = ", ".join("None" if string is None else repr(string) for string in strings)
    return f"{FUNCTIONS.get(function, function)}({args})"


def jinja_source_as_python(environment, source):
    """Python source with one gettext call per translatable string of ``source``, each on the
    line the template has it on."""
    calls = defaultdict(list)
    for lineno, function, message in environment.extract_translations(source):
        calls[lineno].append(_call(function, message))
    last = max(calls, default=0)
    return "".join("; ".join(calls.get(line, ())) + "\n" for line in range(1, last + 1))
