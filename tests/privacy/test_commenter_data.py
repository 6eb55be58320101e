"""``commenter_data export|erase EMAIL``: everything stored about an address, and erasing a
person from their comments while the threads keep their shape."""

import importlib
import json
import logging
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import translation

from comments.cache import discussion_version
from comments.models import Comment
from comments.notifications.models import OutgoingMail, Subscription, Suppression
from comments.privacy import erase_summary
from comments.webhooks.dispatch import dispatch
from comments.webhooks.models import WebhookDelivery
from tests.factories import make_comment, make_post
from tests.html import comment_tree, soup
from tests.privacy.test_ip_retention import database_url
from tests.tree_check import tree_problems

REPO = Path(__file__).resolve().parents[2]
EMAIL = "Alice@Example.com"


def run(*args):
    out, err = StringIO(), StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("commenter_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def people(post, settings):
    """Alice wrote three comments (one held), has a subscription and a mail; Bob replied."""
    first = make_comment(post, author_name="Alice", author_email=EMAIL,
                         author_url="https://alice.example/", ip_address="198.51.100.7",
                         body="My first words")  # fmt: skip
    reply = make_comment(post, parent=first, author_name="Bob", author_email="bob@example.com",
                         ip_address="192.0.2.1", body="Bob answers")  # fmt: skip
    lonely = make_comment(post, author_name="Alice", author_email="alice@example.com",
                          body="Lonely words")  # fmt: skip
    held = make_comment(post, author_name="Alice", author_email="ALICE@example.com",
                        body="Waiting words", status="pending")  # fmt: skip
    subscription = Subscription.objects.create(post=post, email="alice@example.com")
    OutgoingMail.objects.create(key="k1", kind="confirm", to="alice@example.com",
                                subject="Please confirm", body="Confirm here")  # fmt: skip
    # A mail to Bob about Alice's comment carries her name and text.
    OutgoingMail.objects.create(key="k2", kind="comment", to="bob@example.com", comment=first,
                                subject="Alice commented", body="My first words")  # fmt: skip
    Suppression.objects.create(email="alice@example.com")
    # A webhook payload about her first comment (it carries her name, website and text).
    settings.COMMENTS_WEBHOOKS = [{"url": "https://hooks.example/in", "secret": "s"}]
    dispatch("comment.created", [first.pk, reply.pk], "created")
    return {"first": first, "reply": reply, "lonely": lonely, "held": held,
            "subscription": subscription}  # fmt: skip


@pytest.mark.django_db
def test_export_writes_everything_stored_about_the_address(people):
    out, _err = run("export", "alice@EXAMPLE.com")
    data = json.loads(out)
    assert data["email"] == "alice@example.com"
    assert [c["text"] for c in data["comments"]] == [
        "My first words", "Lonely words", "Waiting words",
    ]  # fmt: skip
    first = data["comments"][0]
    assert first["author_name"] == "Alice"
    assert first["author_url"] == "https://alice.example/"
    assert first["ip_address"] == "198.51.100.7"
    assert first["url"].endswith(f"/comment/{people['first'].pk}/")
    assert {c["status"] for c in data["comments"]} == {"approved", "pending"}
    assert [s["id"] for s in data["subscriptions"]] == [people["subscription"].pk]
    assert [m["subject"] for m in data["mail"]] == ["Please confirm"]
    assert data["no_mail_requested_at"] is not None
    [hook] = data["webhook_deliveries"]
    assert hook["body"]["comment"]["id"] == people["first"].pk
    assert hook["body"]["comment"]["author_name"] == "Alice"
    assert "Bob" not in out and "bob@example.com" not in out


@pytest.mark.django_db
def test_export_to_a_file(people, tmp_path):
    target = tmp_path / "alice.json"
    _out, err = run("export", EMAIL, "--output", str(target))
    assert len(json.loads(target.read_text())["comments"]) == 3
    assert "Wrote 3 comments" in err


@pytest.mark.django_db
def test_a_bad_address_is_refused(people):
    with pytest.raises(CommandError, match="Not an email address"):
        run("export", "not-an-address")


@pytest.mark.django_db
def test_erase_keeps_the_text_and_the_thread_but_not_the_person(client, post, people, caplog):
    before = client.get(post.get_absolute_url())  # cached now
    assert "Alice" in before.content.decode()
    with caplog.at_level(logging.INFO, logger="comments.privacy"):
        out, _err = run("erase", EMAIL, "--no-input")
    assert "Erased the personal data of 3 comments" in out
    assert "Erased a commenter's personal data: 3 comments" in caplog.text

    for key in ("first", "lonely", "held"):
        comment = Comment.objects.get(pk=people[key].pk)
        assert (comment.author_name, comment.author_email, comment.author_url) == ("", "", "")
        assert comment.ip_address is None
        assert comment.body == people[key].body  # text kept
        assert comment.status == people[key].status
    bob = Comment.objects.get(pk=people["reply"].pk)
    assert (bob.author_name, bob.ip_address) == ("Bob", "192.0.2.1")
    assert tree_problems() == []

    assert not Subscription.objects.filter(email="alice@example.com").exists()
    assert not OutgoingMail.objects.filter(to="alice@example.com").exists()
    to_bob = OutgoingMail.objects.get(to="bob@example.com")
    assert (to_bob.subject, to_bob.body) == ("", "")
    assert Suppression.objects.filter(email="alice@example.com").exists()  # still no mail
    hooks = {json.loads(w.body)["comment"]["id"]: json.loads(w.body)["comment"]
             for w in WebhookDelivery.objects.all()}  # fmt: skip
    alices = hooks[people["first"].pk]
    assert (alices["author_name"], alices["author_url"]) == ("", "")
    assert alices["body"] == "My first words"  # the text kept, as on the page
    assert hooks[people["reply"].pk]["author_name"] == "Bob"

    page = client.get(post.get_absolute_url())  # the cached page was replaced
    html = page.content.decode()
    assert "Alice" not in html and "alice.example" not in html
    assert "My first words" in html
    tree = comment_tree(page)
    assert [(node[0], [child[0] for child in node[3]]) for node in tree] == [
        (people["first"].pk, [people["reply"].pk]),
        (people["lonely"].pk, []),
    ]
    assert json.loads(run("export", EMAIL)[0])["comments"] == []


@pytest.mark.django_db
def test_erase_with_the_text_leaves_placeholders_where_replies_hang(client, post, people):
    run("erase", EMAIL, "--no-input", "--remove-text")
    first = Comment.objects.get(pk=people["first"].pk)
    assert (first.body, first.body_html, first.status) == ("", "", "removed")
    [hook] = [json.loads(w.body)["comment"] for w in WebhookDelivery.objects.all()
              if json.loads(w.body)["comment"]["id"] == first.pk]  # fmt: skip
    assert (hook["author_name"], hook["body"]) == ("", "")
    page = client.get(post.get_absolute_url())
    html = page.content.decode()
    assert "Alice" not in html
    tree = comment_tree(page)
    # Alice's comment with Bob's reply stays as a placeholder; the lonely one is gone.
    assert [(node[0], [child[0] for child in node[3]]) for node in tree] == [
        (people["first"].pk, [people["reply"].pk])
    ]
    placeholder = soup(page).select_one(f"#comment-{people['first'].pk}")
    assert "Comment removed." in placeholder.get_text()
    assert "Bob answers" in html
    assert tree_problems() == []


@pytest.mark.django_db
def test_dry_run_changes_nothing(people):
    out, _err = run("erase", EMAIL, "--dry-run")
    assert "Would erase the personal data of 3 comments" in out
    assert "and delete 1 subscription and 1 mail." in out  # plurals by count
    assert Comment.objects.filter(author_name="Alice").count() == 3
    assert Subscription.objects.filter(email="alice@example.com").exists()


def _erase_process(stdin, *extra):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "blogapp.settings.test",
           "DATABASE_URL": database_url()}  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "commenter_data", "erase", EMAIL, *extra],
        cwd=REPO, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_from_a_terminal_it_asks_first_and_from_a_script_it_does_not():
    post = make_post()
    make_comment(post, author_name="Alice", author_email=EMAIL, body="Hello")

    # A terminal: the prompt, and anything but "yes" erases nothing.
    controller, terminal = os.openpty()
    process = _erase_process(terminal)
    os.write(controller, b"no\n")
    out, err = process.communicate(timeout=60)
    os.close(terminal)
    os.close(controller)
    assert "Type 'yes' to go on" in out.decode()
    assert process.returncode == 1 and b"Nothing was erased" in err
    assert Comment.objects.filter(author_name="Alice").exists()

    # The terminal with --no-input: no prompt.
    controller, terminal = os.openpty()
    process = _erase_process(terminal, "--no-input", "--dry-run")
    out, _err = process.communicate(timeout=60)
    os.close(terminal)
    os.close(controller)
    assert "Type 'yes'" not in out.decode()

    # No terminal (a script, cron): no prompt, erased.
    process = _erase_process(subprocess.DEVNULL)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Type 'yes'" not in out.decode()
    assert "Erased the personal data of 1 comment" in out.decode()
    assert not Comment.objects.filter(author_name="Alice").exists()


@pytest.mark.parametrize(
    "language, counts, sentence",
    [
        ("en", (1, 1, 1),
         "Erased the personal data of 1 comment (1 subscription and 1 mail deleted)."),
        ("en", (3, 0, 2),
         "Erased the personal data of 3 comments (0 subscriptions and 2 mails deleted)."),
        ("de", (1, 1, 1),
         "Personenbezogene Daten von 1 Kommentar gelöscht (1 Abonnement und 1 Mail gelöscht)."),
        ("de", (3, 2, 0),
         "Personenbezogene Daten von 3 Kommentaren gelöscht (2 Abonnements und 0 Mails "
         "gelöscht)."),
    ],
)  # fmt: skip
def test_the_erase_summary_gives_each_number_its_own_plural(language, counts, sentence):
    comments, subscriptions, mails = counts
    with translation.override(language):
        summary = erase_summary(
            {"comments": comments, "subscriptions": subscriptions, "mails": mails}
        )
    assert summary == sentence


def avatars(page):
    """{comment id: its avatar's address} on a discussion page."""
    return {
        int(li["id"].removeprefix("comment-")): li.select_one("img.avatar")["src"]
        for li in soup(page).select("li.comment")
        if li.select_one(":scope > article img.avatar")
    }


@pytest.mark.django_db
def test_erased_comments_get_the_neutral_avatar_of_an_anonymous_one(client, post, people):
    anonymous = make_comment(post, author_name="", body="Nobody in particular")
    shown = avatars(client.get(post.get_absolute_url()))
    first, lonely = people["first"].pk, people["lonely"].pk
    assert shown[first] == shown[lonely] != shown[anonymous.pk]  # Alice's own, alike

    run("erase", EMAIL, "--no-input")
    shown = avatars(client.get(post.get_absolute_url()))
    # Nothing on the page ties her comments together any more, nor to her.
    assert shown[first] == shown[lonely] == shown[anonymous.pk]
    assert shown[people["reply"].pk] != shown[anonymous.pk]  # Bob keeps his
    keys = set(Comment.objects.filter(author_name="").values_list("avatar_key", flat=True))
    assert keys == {anonymous.avatar_key}


@pytest.mark.django_db
def test_comments_erased_before_get_the_neutral_avatar_too(post, people):
    migration = importlib.import_module("comments.migrations.0027_erased_comments_neutral_avatar")
    anonymous = make_comment(post, author_name="", body="Nobody in particular")
    # Erased by an earlier version: the person gone, the avatar drawn from their address kept.
    Comment.objects.filter(author_email__iexact=EMAIL).update(author_name="", author_email="")
    assert Comment.objects.exclude(avatar_key=anonymous.avatar_key).filter(author_name="").exists()
    version = discussion_version(post.pk)
    migration.neutral_avatars(django_apps, None)
    keys = set(Comment.objects.filter(author_name="").values_list("avatar_key", flat=True))
    assert keys == {anonymous.avatar_key}
    assert discussion_version(post.pk) == version + 1  # its cached pages are not read again
    assert Comment.objects.get(pk=people["reply"].pk).avatar_key != anonymous.avatar_key
