"""The admin's thread view: a whole thread as an indented tree, with the moderation actions."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup

from .conftest import admin_messages, run_action

pytestmark = pytest.mark.django_db


def thread_url(comment):
    return reverse("admin:comments_comment_thread", args=[comment.pk])


@pytest.fixture
def thread(post):
    root = make_comment(post, author_name="Root")
    child = make_comment(post, parent=root, author_name="Child")
    grandchild = make_comment(post, parent=child, author_name="Grandchild")
    sibling = make_comment(post, parent=root, author_name="Sibling")
    # Replies only go under visible comments; the statuses are set once the tree stands.
    for comment, status in ((child, "pending"), (grandchild, "spam"), (sibling, "removed")):
        Comment.objects.filter(pk=comment.pk).update(status=status)
    return [root, child, grandchild, sibling]


def shown_rows(response):
    return [
        (
            int(li["id"].removeprefix("thread-comment-")),
            int(li["data-depth"]),
            li.select_one(".thread-status").get_text(strip=True),
            li.select_one(".thread-author").get_text(strip=True),
        )
        for li in soup(response).select("ol.comment-thread > li")
    ]


def test_thread_is_an_indented_tree_with_statuses(moderator_client, post, thread):
    make_comment(post, author_name="Another thread")
    make_comment(make_post(), author_name="Another post")
    root, child, grandchild, sibling = thread

    response = moderator_client.get(thread_url(grandchild))

    assert response.status_code == 200
    assert shown_rows(response) == [
        (root.pk, 0, "Approved", "Root"),
        (child.pk, 1, "Pending", "Child"),
        (grandchild.pk, 2, "Spam", "Grandchild"),
        (sibling.pk, 1, "Removed", "Sibling"),
    ]
    page = soup(response)
    assert "focus" in page.select_one(f"#thread-comment-{grandchild.pk}")["class"]
    indents = [
        [name for name in li["class"] if name.startswith("thread-depth-")]
        for li in page.select("ol.comment-thread > li")
    ]
    assert indents == [["thread-depth-0"], ["thread-depth-1"], ["thread-depth-2"],
                       ["thread-depth-1"]]  # fmt: skip
    assert not page.select("[style]")
    # No way to move a comment from here: only moderation actions, no drag handles.
    options = [o["value"] for o in page.select("select[name=action] option") if o["value"]]
    assert options == ["approve_comments", "mark_as_spam", "remove_comments", "restore_comments"]


def test_acting_from_the_thread_view_touches_only_the_selection(moderator_client, thread):
    root, child, grandchild, sibling = thread
    other = make_comment(root.post, status="pending")
    response = run_action(
        moderator_client, "approve_comments", [child, grandchild, other], url=thread_url(root)
    )
    assert response.redirect_chain[-1][0] == thread_url(root)
    assert admin_messages(response) == ["2 comments approved."]
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in thread] == ["approved", "approved", "approved", "removed"]
    assert statuses[other.pk] == "pending"  # not in this thread
    assert [row[2] for row in shown_rows(response)] == ["Approved"] * 3 + ["Removed"]


def test_thread_view_without_an_action_or_selection_changes_nothing(moderator_client, thread):
    root = thread[0]
    forged = {"action": "delete_selected", "_selected_action": [root.pk]}
    response = moderator_client.post(thread_url(root), forged, follow=True)
    assert admin_messages(response) == ["Choose an action."]
    response = moderator_client.post(thread_url(root), {"action": "remove_comments"}, follow=True)
    assert admin_messages(response) == ["Select comments to act on."]
    assert Comment.objects.filter(status="removed").count() == 1


def test_thread_view_of_a_missing_comment_is_404(moderator_client):
    assert moderator_client.get("/admin/comments/comment/999999/thread/").status_code == 404


def test_thread_view_query_count_is_constant(moderator_client, post, django_assert_max_num_queries):
    parent = make_comment(post)
    for _ in range(40):
        parent = make_comment(post, parent=parent) if parent.level < 6 else make_comment(post)
    root = Comment.objects.get(tree_id=parent.tree_id, level=0)
    with django_assert_max_num_queries(8):
        response = moderator_client.get(thread_url(root))
    assert len(shown_rows(response)) == Comment.objects.filter(tree_id=root.tree_id).count()


def test_change_form_offers_no_reparenting(admin_client_, thread):
    root, child = thread[:2]
    url = reverse("admin:comments_comment_change", args=[child.pk])
    page = soup(admin_client_.get(url))
    assert page.select_one("[name=parent]") is None and page.select_one("[name=post]") is None
    assert page.select_one(".field-parent_link a")["href"].endswith(f"/{root.pk}/change/")
    # A forged parent in the POST is ignored; the edit itself goes through.
    response = admin_client_.post(url, {
        "parent": "", "post": "", "status": "approved", "author_name": "Renamed",
        "author_email": "", "author_url": "", "body": "Edited *text* http://x.example",
    })  # fmt: skip
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.parent_id, child.level, child.author_name, child.status) == (
        root.pk, 1, "Renamed", "approved",
    )  # fmt: skip
    assert 'href="http://x.example"' in child.body_html


def reply_in_thread(client, parent, body="Thanks for asking."):
    response = client.post(
        thread_url(parent), {"reply_as_author": "1", "parent": parent.pk, "body": body}
    )
    assert response.status_code == 302, response.content
    return Comment.objects.get(parent=parent, body=body)


def test_a_reply_as_the_author_of_a_post_without_author_name_never_shows_the_login_name(
    admin_client_, superuser
):
    # The demo post has no author name; the superuser has no full name.
    post = make_post(author_name="")
    question = make_comment(post, author_name="Ann", author_email="ann@example.com")
    heading = soup(admin_client_.get(thread_url(question))).select_one("#reply-as-author h2")
    assert heading.get_text(strip=True) == f"Reply to comment #{question.pk} as The Blog"
    reply = reply_in_thread(admin_client_, question)
    assert reply.author_name == "The Blog"
    assert (reply.author_email, reply.by_post_author) == ("root@example.com", False)
    page = soup(Client().get(post.get_absolute_url()))
    card = page.select_one(f"#comment-{reply.pk}")
    assert card.select_one(".comment-author").get_text() == "The Blog"
    assert superuser.get_username() not in page.get_text()
    assert card.select(".comment-badge") == []


def test_a_reply_as_the_author_goes_by_the_posts_author_name_then_the_full_name(
    admin_client_, superuser
):
    named = make_post(author_name="Editor")
    assert reply_in_thread(admin_client_, make_comment(named)).author_name == "Editor"
    superuser.first_name, superuser.last_name = "Ada", "Root"
    superuser.save()
    unnamed = make_post(author_name="")
    assert reply_in_thread(admin_client_, make_comment(unnamed)).author_name == "Ada Root"


def test_a_reply_from_a_german_admin_is_stored_under_the_sites_name_in_its_language(superuser):
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    german.force_login(superuser)
    question = make_comment(make_post(author_name=""))
    assert reply_in_thread(german, question).author_name == "The Blog"


def test_the_author_badge_marks_a_reply_only_when_the_posts_author_wrote_it(
    admin_client_, superuser, moderator_client
):
    own = make_post(author_name="", author=superuser)
    by_author = reply_in_thread(admin_client_, make_comment(own))
    by_moderator = reply_in_thread(moderator_client, make_comment(own))
    assert (by_author.by_post_author, by_moderator.by_post_author) == (True, False)
    page = soup(Client().get(own.get_absolute_url()))
    assert page.select_one(f"#comment-{by_author.pk} .comment-badge").get_text() == "Author"
    assert page.select(f"#comment-{by_moderator.pk} .comment-badge") == []


def test_after_a_reply_as_the_author_the_form_answers_the_same_comment_not_the_reply(
    admin_client_,
):
    post = make_post(author_name="Editor")
    question = make_comment(post, author_name="Ann")
    response = admin_client_.post(
        thread_url(question), {"reply_as_author": "1", "parent": question.pk, "body": "Yes."}
    )
    reply = Comment.objects.get(parent=question)
    assert response["Location"].endswith(f"#thread-comment-{reply.pk}")
    page = soup(admin_client_.get(response["Location"].split("#")[0]))
    assert page.select_one(f"#thread-comment-{reply.pk}") is not None  # shown, in its thread
    form = page.select_one("#reply-as-author")
    assert form.select_one("input[name=parent]")["value"] == str(question.pk)


def reply_form(response):
    """The thread view's reply form: (the comment it answers, its button's label and value)."""
    form = soup(response).select_one("#reply-as-author")
    if form is None:
        return None
    button = form.select_one("button[name=reply_as_author]")
    parent = int(form.select_one("input[name=parent]")["value"])
    return parent, button.get_text(strip=True), button["value"]


def test_a_held_comment_is_approved_then_answered(moderator_client, moderator, post):
    """As in WordPress: the reply to a held comment approves it first, as the approve action
    does (its history), so the reply is never published under a comment nobody sees."""
    held = make_comment(post, author_name="Ann", status="pending", body="Held question")
    assert reply_form(moderator_client.get(thread_url(held))) == (
        held.pk,
        "Approve and reply",
        "approve",
    )
    response = moderator_client.post(
        thread_url(held), {"reply_as_author": "approve", "parent": held.pk, "body": "Answered."}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    reply = Comment.objects.get(parent=held)
    assert (reply.body, reply.status) == ("Answered.", Comment.Status.APPROVED)
    [history] = LogEntry.objects.filter(object_id=str(held.pk), action_flag=CHANGE)
    assert history.user == moderator
    assert history.change_message == "Moderated: status set to Approved."
    page = moderator_client.get(response["Location"].split("#")[0])
    assert admin_messages(page) == [f"Comment #{held.pk} approved and reply published."]
    public = soup(Client().get(post.get_absolute_url()))
    assert public.select_one(f"#comment-{held.pk}") is not None
    assert public.select_one(f"#comment-{reply.pk}") is not None


def test_approve_and_reply_on_a_comment_that_became_spam_changes_nothing(moderator_client, post):
    """Only a held comment is approved: one marked as spam meanwhile stays spam, unanswered."""
    held = make_comment(post, status="pending")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.SPAM)
    response = moderator_client.post(
        thread_url(held), {"reply_as_author": "approve", "parent": held.pk, "body": "Hello."}
    )
    assert response.status_code == 200
    assert "can no longer be replied to" in soup(response).get_text()
    held.refresh_from_db()
    assert held.status == Comment.Status.SPAM
    assert Comment.objects.count() == 1
    assert not LogEntry.objects.filter(action_flag=CHANGE).exists()


def test_spam_and_removed_comments_offer_no_reply(moderator_client, thread):
    root, child, grandchild, sibling = thread
    for comment in (grandchild, sibling):
        page = moderator_client.get(thread_url(comment))
        assert reply_form(page) is None
        assert "Only approved and held comments can be answered" in soup(page).get_text()
    # From the whole thread: a plain reply for the approved root, "approve and reply" for the
    # held child, nothing for the spam and the removed ones.
    page = moderator_client.get(thread_url(root))
    links = {
        int(li["id"].removeprefix("thread-comment-")): [
            a.get_text(strip=True) for a in li.select("a[href*='reply_to']")
        ]
        for li in soup(page).select("ol.comment-thread > li")
    }
    assert links == {
        root.pk: ["Reply as the post's author"],
        child.pk: ["Approve and reply as the post's author"],
        grandchild.pk: [],
        sibling.pk: [],
    }
    assert reply_form(moderator_client.get(f"{thread_url(root)}?reply_to={child.pk}")) == (
        child.pk,
        "Approve and reply",
        "approve",
    )
    assert reply_form(moderator_client.get(f"{thread_url(root)}?reply_to={sibling.pk}")) is None
    assert reply_form(page) == (root.pk, "Publish reply", "1")
