"""The admin's privacy actions (permission-checked, logged) and the note beside the form."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client, TestCase

from comments.models import Comment
from comments.notifications.models import Subscription
from tests.factories import make_comment
from tests.html import soup
from tests.moderation.conftest import CHANGELIST, admin_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(post):
    comments = [
        make_comment(
            post,
            author_name="Alice",
            author_email="alice@example.com",
            ip_address="198.51.100.7",
            body=f"Words {i}",
        )  # fmt: skip
        for i in range(2)
    ]
    Subscription.objects.create(post=post, email="alice@example.com")
    return comments


def action_names(client):
    page = soup(client.get(CHANGELIST))
    return {option["value"] for option in page.select('select[name="action"] option')}


def test_export_action_names_the_addresses_then_downloads_their_data_and_logs_it(
    admin_client_, alice, superuser, post
):
    # A search for "Alice" selects a comment that only mentions her: its author is listed.
    bob = make_comment(post, author_name="Bob", author_email="bob@example.com",
                       body="Thanks, Alice!")  # fmt: skip
    selection = {"action": "export_commenter_data", "_selected_action": [alice[0].pk, bob.pk]}
    confirm = admin_client_.post(CHANGELIST, selection)
    assert confirm.status_code == 200 and confirm["Content-Type"].startswith("text/html")
    listed = [li.get_text(strip=True) for li in soup(confirm).select("#content-main li")]
    assert listed == ["alice@example.com: 2 comments", "bob@example.com: 1 comment"]
    assert not LogEntry.objects.filter(change_message="Commenter's data exported.").exists()

    selection["_selected_action"] = [alice[0].pk]
    response = admin_client_.post(CHANGELIST, {**selection, "confirmed": "yes"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    [person] = json.loads(response.content)["commenters"]
    assert person["email"] == "alice@example.com"
    assert {c["text"] for c in person["comments"]} == {"Words 0", "Words 1"}
    assert len(person["subscriptions"]) == 1
    logged = LogEntry.objects.filter(user=superuser, change_message="Commenter's data exported.")
    assert {int(entry.object_id) for entry in logged} == {c.pk for c in alice}


def test_erase_action_asks_then_erases_and_logs(admin_client_, alice, superuser, post):
    # An earlier moderation decision named the comment with its author in the history.
    admin_client_.post(CHANGELIST, {"action": "remove_comments", "_selected_action": [alice[1].pk]})
    assert LogEntry.objects.filter(object_repr__contains=" by Alice: ").exists()
    selection = {"action": "erase_commenter_data", "_selected_action": [alice[0].pk]}
    confirm = admin_client_.post(CHANGELIST, selection)
    assert confirm.status_code == 200
    assert "alice@example.com: 2 comments" in soup(confirm).get_text()
    assert Comment.objects.filter(author_name="Alice").count() == 2  # nothing yet

    with TestCase.captureOnCommitCallbacks(execute=True):  # the cache refresh on commit
        response = admin_client_.post(CHANGELIST, {**selection, "confirmed": "yes"}, follow=True)
    assert any("Erased the personal data of 2 comments" in m for m in admin_messages(response))
    assert not Comment.objects.filter(author_email="alice@example.com").exists()
    assert not Comment.objects.filter(ip_address="198.51.100.7").exists()
    assert Comment.objects.filter(body="Words 0", author_name="").exists()
    assert not Subscription.objects.exists()
    erased = "Commenter's personal data erased."
    logged = LogEntry.objects.filter(user=superuser, change_message=erased)
    assert {int(entry.object_id) for entry in logged} == {c.pk for c in alice}
    assert not LogEntry.objects.filter(object_repr__contains="Alice").exists()
    assert "Alice" not in admin_client_.get(post.get_absolute_url()).content.decode()


def test_erase_action_gives_the_comments_the_neutral_avatar(admin_client_, alice, post):
    anonymous = make_comment(post, author_name="", body="Nobody in particular")
    assert alice[0].avatar_key == alice[1].avatar_key != anonymous.avatar_key
    data = {"action": "erase_commenter_data", "_selected_action": [alice[0].pk],
            "confirmed": "yes"}  # fmt: skip
    admin_client_.post(CHANGELIST, data)
    erased = Comment.objects.filter(pk__in=[c.pk for c in alice])
    assert set(erased.values_list("avatar_key", flat=True)) == {anonymous.avatar_key}


def test_erase_action_can_remove_the_text_too(admin_client_, alice):
    data = {"action": "erase_commenter_data", "_selected_action": [alice[0].pk],
            "confirmed": "yes", "remove_text": "on"}  # fmt: skip
    admin_client_.post(CHANGELIST, data)
    assert set(Comment.objects.values_list("status", "body")) == {("removed", "")}


def test_moderators_may_neither_export_nor_erase(moderator_client, admin_client_, alice):
    assert {"export_commenter_data", "erase_commenter_data"} <= action_names(admin_client_)
    names = action_names(moderator_client)
    assert "export_commenter_data" not in names
    assert "erase_commenter_data" not in names
    export = {"action": "export_commenter_data", "_selected_action": [alice[0].pk],
              "confirmed": "yes"}  # fmt: skip
    response = moderator_client.post(CHANGELIST, export)
    assert not response.get("Content-Type", "").startswith("application/json")
    erase = {"action": "erase_commenter_data", "_selected_action": [alice[0].pk],
             "confirmed": "yes"}  # fmt: skip
    moderator_client.post(CHANGELIST, erase)
    assert Comment.objects.filter(author_name="Alice").count() == 2


def staff_with(django_user_model, *codenames):
    name = "staff-" + "-".join(codenames)
    user = django_user_model.objects.create_user(name, "s@example.com", "pw-s-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def test_the_privacy_actions_need_their_own_permission_not_delete(django_user_model, alice):
    deleter = staff_with(django_user_model, "view_comment", "change_comment", "delete_comment")
    names = action_names(deleter)
    assert "delete_selected" in names  # the delete permission is there...
    assert not names & {"export_commenter_data", "erase_commenter_data"}  # ...and is not enough

    keeper = staff_with(
        django_user_model, "view_comment", "change_comment", "manage_commenter_data"
    )
    assert {"export_commenter_data", "erase_commenter_data"} <= action_names(keeper)
    export = {"action": "export_commenter_data", "_selected_action": [alice[0].pk],
              "confirmed": "yes"}  # fmt: skip
    response = keeper.post(CHANGELIST, export)
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["commenters"][0]["email"] == "alice@example.com"


def test_the_privacy_note_sits_beside_the_comment_form(client, post, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    note = soup(client.get(post.get_absolute_url())).select_one("form.comment-form .privacy-note")
    assert "email address never" in note.get_text()
    assert "shortened after 30 days" in note.get_text()
    settings.COMMENTS_PRIVACY_NOTE = "We keep what you write. <b>Read our policy.</b>"
    note = soup(client.get(post.get_absolute_url())).select_one("form.comment-form .privacy-note")
    assert note.get_text() == "We keep what you write. <b>Read our policy.</b>"


def test_the_privacy_note_speaks_german(client, post):
    response = client.get(post.get_absolute_url(), headers={"accept-language": "de"})
    note = soup(response).select_one("form.comment-form .privacy-note")
    assert "E-Mail-Adresse" in note.get_text()
