"""Every catalogue is complete: nothing makemessages would find is untranslated or fuzzy.

The extraction runs on a temporary copy of the project (the real catalogues are never touched),
with the project's own makemessages, which also reads the Jinja2 templates.
"""

import os
import shutil
import subprocess
import sys

import polib
import pytest

from tests.translations import CATALOGUES, REPO, TRANSLATED, require_gettext

SOURCES = ("manage.py", "blogapp", "comments", "templates", "locale")
JINJA2_TEMPLATE = "comments/jinja2/comments/discussion.html"
# Each comment's words, translated in Python where the page writes its comments.
COMMENT_WRITER = "comments/thread_html.py"
# Jinja2-only syntax, which Django's own template reader would miss; put into the copy only.
PROBE = "comments/jinja2/comments/probe.html"
PROBE_SOURCE = """{% trans trimmed count=n %}{{ count }} probe{% pluralize %}
{{ count }} probes{% endtrans %}
{{ ngettext("%(num)s other probe", "%(num)s other probes", n) }}
"""


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The German catalogues as makemessages leaves them, on a copy of the project."""
    require_gettext("xgettext", "msgmerge")
    copy = tmp_path_factory.mktemp("project")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "*.mo")
            shutil.copytree(source, copy / name, ignore=ignored)
        else:
            shutil.copy2(source, copy / name)
    (copy / PROBE).write_text(PROBE_SOURCE, encoding="utf-8")
    # The copy's code, not the checkout's, so its templates are the ones read as Jinja2.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "blogapp.settings.test", "PYTHONPATH": str(copy)}
    subprocess.run(  # noqa: S603 - this interpreter, the project's own manage.py
        [sys.executable, "manage.py", "makemessages", "--no-obsolete",
         *(f"--locale={code}" for code in TRANSLATED)],
        cwd=copy, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    paths = [str(po.relative_to(REPO)) for po in CATALOGUES]
    return {path: polib.pofile(str(copy / path)) for path in paths}


def from_probe(entry):
    return all(path == PROBE for path, _line in entry.occurrences)


def test_every_string_is_translated(extracted):
    problems = {
        path: [
            entry.msgid
            for entry in po
            if (not entry.translated() or entry.fuzzy) and not from_probe(entry)
        ]
        for path, po in extracted.items()
    }
    assert problems == {path: [] for path in extracted}
    assert all(not po.metadata_is_fuzzy for po in extracted.values())


def test_the_jinja2_templates_strings_are_extracted(extracted):
    comments = extracted["comments/locale/de/LC_MESSAGES/django.po"]
    from_template = {
        entry.msgid
        for entry in comments
        if any(path == JINJA2_TEMPLATE for path, _line in entry.occurrences)
    }
    expected = {"Show:", "Oldest first", "No comments yet.", "Pingbacks and trackbacks"}
    assert expected <= from_template
    probes = {(entry.msgid, entry.msgid_plural) for entry in comments if from_probe(entry)}
    assert probes == {
        ("%(count)s probe", "%(count)s probes"),
        ("%(num)s other probe", "%(num)s other probes"),
    }


def test_the_comment_writers_words_are_extracted(extracted):
    """Every word a comment shows is found where the page writes it (a gettext() inside an
    f-string, which xgettext does not read, would leave it out and English on every page)."""
    comments = extracted["comments/locale/de/LC_MESSAGES/django.po"]
    from_writer = {
        entry.msgid
        for entry in comments
        if any(path == COMMENT_WRITER for path, _line in entry.occurrences)
    }
    assert from_writer == {
        "Comment removed.",
        "Unknown author",
        "Author",
        "edited",
        "Your comment is awaiting moderation: others will see it once a moderator approves it.",
        "Reply",
    }


def test_the_committed_catalogues_compile_cleanly():
    for po in CATALOGUES:
        result = subprocess.run(  # noqa: S603
            [shutil.which("msgfmt"), "--check", "--statistics", "-o", os.devnull, str(po)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_german_plural_forms():
    for po in CATALOGUES:
        if po.parent.parent.name != "de":
            continue
        assert polib.pofile(str(po)).metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_pages_show_these_translations():
    """No catalogue that wins over ours (an app earlier in INSTALLED_APPS, e.g. Django's auth)
    changes the wording of one of our strings."""
    from django.utils import translation

    shadowed = []
    for path in CATALOGUES:
        with translation.override(path.parent.parent.name):
            for entry in polib.pofile(str(path)):
                context = entry.msgctxt
                if entry.msgid_plural:
                    shown = [
                        translation.npgettext(context, entry.msgid, entry.msgid_plural, n)
                        if context
                        else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                        for n in (1, 2)
                    ]
                    wanted = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
                elif context:
                    shown = translation.pgettext(context, entry.msgid)
                    wanted = entry.msgstr
                else:
                    shown, wanted = translation.gettext(entry.msgid), entry.msgstr
                if shown != wanted:
                    shadowed.append((entry.msgid, shown))
    assert shadowed == []
