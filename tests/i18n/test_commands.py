"""The management commands speak the operator's language, from the environment as gettext does."""

from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.utils import translation

from comments.management.language import environment_language
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "importers/fixtures"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "de_AT.UTF-8"}, "de"),
        ({"LANG": "de_DE.UTF-8", "LC_ALL": "C.UTF-8"}, None),
        ({"LANG": "fr_FR.UTF-8"}, None),
        ({}, None),
    ],
)
def test_language_from_the_environment(monkeypatch, env, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert environment_language() == expected


def test_import_report_in_german(monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    out = StringIO()
    with translation.override("en"):
        call_command("import_archive", str(FIXTURES / "text-v1.txt"), stdout=out, stderr=StringIO())
        assert translation.get_language() == "en"  # the command's language does not leak
    assert "Beiträge: 1 angelegt, 0 unverändert; Kommentare:" in out.getvalue()


def test_import_error_in_german(monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    with pytest.raises(CommandError, match="Zeile 11: Einrückung springt von Ebene 0 auf Ebene 3"):
        call_command("import_archive", str(FIXTURES / "text-indent-jump.txt"), stdout=StringIO())


def test_the_comments_commands_speak_german_too(monkeypatch, post, tmp_path):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    out = StringIO()
    call_command("spamfilter", "reset", "--dry-run", stdout=out)
    assert out.getvalue() == "würde 0 Spam und 0 Ham vergessen (Probelauf)\n"
    make_comment(post, author_email="ada@example.com")
    err = StringIO()
    target = tmp_path / "ada.json"
    call_command("commenter_data", "export", "ada@example.com", "-o", str(target), stderr=err)
    assert err.getvalue() == (
        f"1 Kommentar, 0 Abonnements und 0 Mails nach {target} geschrieben.\n"
    )
    with pytest.raises(CommandError, match="Keine E-Mail-Adresse: 'ada'"):
        call_command("commenter_data", "erase", "ada", stdout=StringIO())


OWN_COMMANDS = sorted(
    name
    for name, app in get_commands().items()
    if app in ("blogapp", "comments") and name != "makemessages"
)


@pytest.mark.parametrize("name", OWN_COMMANDS)
def test_every_command_prints_its_help(name):
    """``--help`` as an operator types it: the command's description and its options."""
    command = load_command_class(get_commands()[name], name)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_status, redirect_stdout(out):
        command.run_from_argv(["manage.py", name, "--help"])
    assert exit_status.value.code == 0
    assert out.getvalue().startswith(f"usage: manage.py {name}")
    assert " ".join(str(command.help).split()[:3]) in " ".join(out.getvalue().split())


def test_help_in_german(monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    out = StringIO()
    command = load_command_class("comments", "comments_make_room")
    with pytest.raises(SystemExit), redirect_stdout(out):
        command.run_from_argv(["manage.py", "comments_make_room", "--help"])
    text = " ".join(out.getvalue().split())
    assert "Ohne Platz für Antworten gespeicherte Threads neu nummerieren, mit Platz." in text
    assert "Die neu zu nummerierenden Threads zählen; nichts ändern." in text
