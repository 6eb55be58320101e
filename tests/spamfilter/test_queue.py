"""The moderation queue built for speed: one-click decisions, rendered excerpts, the score
column and "likely spam first", replying as the post's author; none of it without the
moderation permission."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_comment
from tests.html import soup
from tests.moderation.conftest import CHANGELIST, changelist_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(django_user_model):
    """Staff who may look at comments but not moderate them."""
    user = django_user_model.objects.create_user("viewer", password="pw-view-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client = Client()
    client.force_login(user)
    return client


def scored(post, score, **fields):
    comment = make_comment(post, status=Comment.Status.PENDING, **fields)
    Comment.objects.filter(pk=comment.pk).update(spam_score=score, spam_reasons=["w:free (0.97)"])
    return comment


def test_each_row_approves_or_marks_spam_in_one_post_with_csrf(moderator, post):
    held = make_comment(post, status=Comment.Status.PENDING, body="Held")
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    page = soup(client.get(f"{CHANGELIST}?status__exact=pending"))
    row = page.select_one(f"input.action-select[value='{held.pk}']").find_parent("tr")
    assert row.select_one(".comment-status--pending") is not None  # held rows stand out
    approve = row.select_one("button.decide-approve")
    assert approve["formmethod"] == "post"
    assert approve["aria-label"] == f"Approve comment #{held.pk}"
    assert client.post(approve["formaction"]).status_code == 403  # no CSRF token
    token = page.select_one("#changelist-form input[name=csrfmiddlewaretoken]")["value"]
    response = client.post(approve["formaction"], {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?status__exact=pending"  # back to the queue
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    # An approved row offers only "spam".
    row = soup(client.get(CHANGELIST)).select_one(f"input[value='{held.pk}']").find_parent("tr")
    assert [b["class"][-1] for b in row.select("button")] == ["decide-spam"]


def test_staff_without_the_moderation_permission_see_no_buttons_and_cannot_decide(viewer, post):
    held = make_comment(post, status=Comment.Status.PENDING)
    page = soup(viewer.get(CHANGELIST))
    assert changelist_ids(viewer.get(CHANGELIST)) == []  # no action checkboxes either
    assert page.select("button.decide-approve, button.decide-spam") == []
    decide = reverse("admin:comments_comment_decide", args=[held.pk, "approve"])
    assert viewer.post(decide).status_code == 403
    thread = reverse("admin:comments_comment_thread", args=[held.pk])
    assert soup(viewer.get(thread)).select_one("#reply-as-author") is None
    assert viewer.post(thread, {"reply_as_author": "1", "parent": held.pk,
                                "body": "Hi"}).status_code == 403  # fmt: skip
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_the_excerpt_is_the_rendered_sanitised_text(moderator_client, post):
    comment = make_comment(post)
    Comment.objects.filter(pk=comment.pk).update(
        body="<p>Hello <b>world</b></p><script>alert(1)</script>",
        body_html='<p>Hello <b>world</b> <a href="https://x.example" rel="ugc">link</a></p>',
    )
    cell = excerpt_cell(moderator_client)
    assert cell.select_one("b").get_text() == "world"
    assert cell.get_text(" ", strip=True) == "Hello world link"
    assert "&lt;" not in cell.decode_contents()
    assert cell.select("script, p, a[href='https://x.example']") == []


def excerpt_cell(client):
    """The first row's text cell, without the line under it that says who, where and when
    (shown on a phone; tests/moderation/test_queue.py checks it)."""
    cell = soup(client.get(CHANGELIST)).select_one("td.field-excerpt, th.field-excerpt")
    cell.select_one(".queue-meta").extract()
    return cell


def test_the_excerpt_ends_after_a_whole_word(moderator_client, post):
    """Cut inside a word ("the frost th…"), an excerpt read like the commenter's typo."""
    opening = "A reply typed with thumbs on a small phone, about roses and the "
    make_comment(
        post, body=opening + "**frosts that took them** all last winter, and what to plant."
    )
    cell = excerpt_cell(moderator_client)
    text = cell.get_text()
    assert text == opening + "frosts that…"
    assert len(text) <= 80
    assert cell.select_one("strong").get_text() == "frosts that"  # closed where it is cut


def test_the_excerpt_keeps_blocks_apart_and_cuts_only_a_word_longer_than_itself(
    moderator_client, post
):
    comment = make_comment(post)
    html = "<ul><li>roses</li><li>tulips</li></ul><p>End.</p>"  # imported: no line breaks
    Comment.objects.filter(pk=comment.pk).update(body_html=html)
    assert excerpt_cell(moderator_client).get_text().split() == ["roses", "tulips", "End."]
    comment.delete()
    make_comment(post, body="https://example.com/" + "x" * 100)
    text = excerpt_cell(moderator_client).get_text()
    assert text.startswith("https://example.com/xxx") and text.endswith("x…") and len(text) == 80


def test_likely_spam_first_orders_by_score(moderator_client, post):
    low, high, middle = scored(post, 0.2), scored(post, 0.97), scored(post, 0.6)
    unscored = make_comment(post, status=Comment.Status.PENDING)
    response = moderator_client.get(f"{CHANGELIST}?spam=likely")
    assert changelist_ids(response) == [high.pk, middle.pk, low.pk]
    cell = soup(response).select_one("td.field-score .spam-score")
    assert cell.get_text() == "0.97"
    assert cell["title"] == "w:free (0.97)"
    assert unscored.pk in changelist_ids(moderator_client.get(f"{CHANGELIST}?spam=unscored"))


def test_the_change_page_shows_the_reasons(moderator_client, post):
    comment = scored(post, 0.97)
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    field = soup(page).select_one(".field-spam_verdict")
    assert "0.97" in field.get_text()
    assert [li.get_text() for li in field.select("li")] == ["w:free (0.97)"]


def test_a_moderator_replies_as_the_posts_author(moderator_client, post):
    question = make_comment(post, body="When is the next part?")
    thread = reverse("admin:comments_comment_thread", args=[question.pk])
    page = soup(moderator_client.get(thread))
    form = page.select_one("#reply-as-author")
    assert form.select_one("input[name=parent]")["value"] == str(question.pk)
    response = moderator_client.post(thread, {"reply_as_author": "1", "parent": question.pk,
                                              "body": "Next week!"})  # fmt: skip
    reply = Comment.objects.get(parent=question)
    assert response.status_code == 302
    assert (reply.author_name, reply.body, reply.status) == (post.author_name, "Next week!",
                                                             "approved")  # fmt: skip
    assert reply.author_email == "mod@example.com"


def test_a_reply_to_a_hidden_comment_is_refused_with_the_text_kept(moderator_client, post):
    held = make_comment(post, status=Comment.Status.PENDING)
    thread = reverse("admin:comments_comment_thread", args=[held.pk])
    response = moderator_client.post(thread, {"reply_as_author": "1", "parent": held.pk,
                                              "body": "Thanks!"})  # fmt: skip
    assert response.status_code == 200
    form = soup(response).select_one("#reply-as-author")
    assert "can no longer be replied to" in form.get_text()
    assert form.select_one("textarea").get_text().strip() == "Thanks!"
    assert Comment.objects.count() == 1
