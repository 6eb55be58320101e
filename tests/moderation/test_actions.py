"""Bulk moderation actions, run through the real admin, and what readers see afterwards."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from comments.cache import discussion_version
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import comment_tree, soup
from tests.tree_check import tree_order, tree_problems

from .conftest import admin_messages, run_action

pytestmark = pytest.mark.django_db


def statuses(*comments):
    return [Comment.objects.get(pk=c.pk).status for c in comments]


def page_count(client, post):
    """(the heading's count, the post list's count) as a reader sees them."""
    heading = soup(client.get(post.get_absolute_url())).select_one("#comments-title")
    listing = soup(client.get("/")).select_one(
        f".post-summary a[href='{post.get_absolute_url()}#comments']"
    )
    return heading.get_text(strip=True), listing.get_text(strip=True)


@pytest.mark.parametrize(
    "action, before, after, message",
    [
        ("approve_comments", ["pending", "pending", "spam", "approved"],
         ["approved"] * 4, "3 comments approved."),
        ("mark_as_spam", ["pending", "approved", "spam", "removed"],
         ["spam"] * 4, "3 comments marked as spam."),
        ("remove_comments", ["approved", "approved", "pending", "removed"],
         ["removed"] * 4, "3 comments removed."),
        ("restore_comments", ["removed", "spam", "pending", "approved"],
         ["approved", "approved", "pending", "approved"], "2 comments restored."),
    ],
    ids=["approve", "spam", "remove", "restore"],
)  # fmt: skip
def test_each_bulk_action_in_one_request(admin_client_, post, action, before, after, message):
    comments = [make_comment(post, status=status) for status in before]
    untouched = make_comment(post, status="pending")
    version = discussion_version(post.pk)

    response = run_action(admin_client_, action, comments)

    assert response.status_code == 200
    assert admin_messages(response) == [message]
    assert statuses(*comments) == after
    assert statuses(untouched) == ["pending"]
    assert Comment.objects.count() == 5  # nothing deleted
    assert discussion_version(post.pk) > version  # cached renderings are bypassed
    history = LogEntry.objects.filter(action_flag=CHANGE)
    assert history.count() == int(message.split()[0])


def test_a_single_comment_message_is_singular(moderator_client, post):
    comment = make_comment(post, status="pending")
    response = run_action(moderator_client, "approve_comments", [comment])
    assert admin_messages(response) == ["1 comment approved."]


def test_actions_across_posts_refresh_each_discussion(moderator_client):
    first, second = make_post(), make_post()
    comments = [make_comment(first, status="pending"), make_comment(second, status="pending")]
    versions = [discussion_version(first.pk), discussion_version(second.pk)]
    run_action(moderator_client, "approve_comments", comments)
    assert discussion_version(first.pk) > versions[0]
    assert discussion_version(second.pk) > versions[1]


@pytest.mark.parametrize("action", ["remove_comments", "mark_as_spam"])
def test_hidden_comment_with_replies_stays_as_a_placeholder(client, moderator_client, post, action):
    root = make_comment(post, author_name="Root")
    reply = make_comment(post, parent=root, author_name="Reply")
    lonely = make_comment(post, author_name="Lonely")
    last = make_comment(post, author_name="Last")

    run_action(moderator_client, action, [root, lonely])

    response = client.get(post.get_absolute_url())
    tree = comment_tree(response)
    assert tree == [
        (root.pk, None, None, [(reply.pk, None, "Reply", [])]),
        (last.pk, "1.", "Last", []),
    ]
    placeholder = soup(response).select_one(f"li#comment-{root.pk} > article")
    assert placeholder.get_text(strip=True) == "Comment removed."
    assert page_count(client, post) == ("2 comments", "2 comments")

    # Once its last reply goes too, the placeholder disappears.
    run_action(moderator_client, action, [reply])
    assert comment_tree(client.get(post.get_absolute_url())) == [(last.pk, "1.", "Last", [])]
    assert page_count(client, post) == ("1 comment", "1 comment")
    assert Comment.objects.count() == 4


def test_restore_brings_the_comment_and_its_number_back(client, moderator_client, post):
    first = make_comment(post, author_name="First")
    second = make_comment(post, author_name="Second")
    run_action(moderator_client, "remove_comments", [first])
    assert comment_tree(client.get(post.get_absolute_url())) == [(second.pk, "1.", "Second", [])]

    run_action(moderator_client, "restore_comments", [first])
    assert comment_tree(client.get(post.get_absolute_url())) == [
        (first.pk, "1.", "First", []),
        (second.pk, "2.", "Second", []),
    ]
    assert page_count(client, post) == ("2 comments", "2 comments")


def test_approving_pending_comments_makes_them_count(client, moderator_client, post):
    make_comment(post, author_name="Shown")
    held = [make_comment(post, status="pending"), make_comment(post, status="pending")]
    assert page_count(client, post) == ("1 comment", "1 comment")
    run_action(moderator_client, "approve_comments", held)
    assert page_count(client, post) == ("3 comments", "3 comments")
    numbers = [number for _, number, _, _ in comment_tree(client.get(post.get_absolute_url()))]
    assert numbers == ["1.", "2.", "3."]


def test_hard_delete_stays_an_explicit_admin_delete_and_keeps_the_tree_sound(admin_client_, post):
    root = make_comment(post)
    doomed = make_comment(post, parent=root)
    doomed_reply = make_comment(post, parent=doomed)
    kept = make_comment(post, parent=root)
    response = admin_client_.post(
        "/admin/comments/comment/",
        {"action": "delete_selected", "_selected_action": [doomed.pk, doomed_reply.pk],
         "post": "yes"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert set(Comment.objects.values_list("pk", flat=True)) == {root.pk, kept.pk}
    assert tree_problems() == []
    assert tree_order() == {root.tree_id: [(root.pk, 0), (kept.pk, 1)]}
