"""Who is told about a new comment: only visible comments, never one's own, never twice, a
digest past the per-address cap; one-click unsubscribing."""

import pytest
from django.test import Client
from django.utils.html import escape

from comments.delivery import Delivery
from comments.models import Comment
from comments.notifications import fanout, mail
from comments.notifications.models import OutgoingMail, Subscription, Suppression
from comments.services import comments_moderate, comments_restore
from tests.factories import make_comment
from tests.html import soup
from tests.notifications.helpers import fast_forward, subscriber
from tests.notifications.smtp import body_of

pytestmark = pytest.mark.django_db


def recipients(smtp):
    return sorted(message["To"] for message in smtp.messages)


def test_a_published_comment_reaches_confirmed_subscribers_only(post, smtp, worker):
    subscriber(post, "bob@example.com")
    subscriber(post, "cat@example.com", status=Subscription.Status.PENDING)
    subscriber(post, "dan@example.com", status=Subscription.Status.UNSUBSCRIBED)
    comment = make_comment(post, author_name="Ann", body="Fresh bread today.")
    worker()
    assert recipients(smtp) == ["bob@example.com"]
    [message] = smtp.messages
    assert "Fresh bread today." in body_of(message)
    assert f"http://testserver/comment/{comment.pk}/" in body_of(message)


def test_never_about_ones_own_comment(post, smtp, worker):
    subscriber(post, "ann@example.com")
    subscriber(post, "bob@example.com")
    make_comment(post, author_email="ANN@example.com")
    worker()
    assert recipients(smtp) == ["bob@example.com"]


def test_a_held_comment_is_sent_at_approval_and_only_once(post, smtp, worker):
    subscriber(post, "bob@example.com")
    comment = make_comment(post, status=Comment.Status.PENDING)
    worker()
    assert smtp.messages == []
    comments_moderate(comments=[comment], status=Comment.Status.APPROVED, moderator=None)
    worker()
    assert recipients(smtp) == ["bob@example.com"]
    comments_moderate(comments=[comment], status=Comment.Status.REMOVED, moderator=None)
    comments_restore(comments=[comment], moderator=None)
    worker()
    assert len(smtp.messages) == 1


def test_spam_and_removed_comments_are_never_sent(post, smtp, worker):
    subscriber(post, "bob@example.com")
    comment = make_comment(post, status=Comment.Status.PENDING)
    comments_moderate(comments=[comment], status=Comment.Status.SPAM, moderator=None)
    worker()
    assert smtp.messages == []


def test_a_comment_hidden_before_sending_is_not_sent(post, smtp, worker):
    subscriber(post, "bob@example.com")
    comment = make_comment(post)
    # The subscribers' mail is queued, then a moderator removes the comment.
    fanout.notify_subscribers([comment.pk])
    comments_moderate(comments=[comment], status=Comment.Status.REMOVED, moderator=None)
    worker()
    assert smtp.messages == []
    assert OutgoingMail.objects.filter(status=Delivery.Status.CANCELLED).exists()


def test_past_the_cap_an_address_gets_one_digest(post, smtp, worker, settings):
    settings.COMMENTS_NOTIFY_MAX_PER_WINDOW = 2
    subscriber(post, "bob@example.com")
    for n in range(5):
        make_comment(post, author_name=f"Writer {n}", body=f"Comment {n}.")
        worker()
    assert len(smtp.messages) == 2  # the rest waits for the end of the window
    fast_forward()
    worker()
    assert recipients(smtp) == ["bob@example.com"] * 3
    digest = smtp.messages[2]
    assert "3 new comments" in digest["Subject"]
    for n in (2, 3, 4):
        assert f"Comment {n}." in body_of(digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not OutgoingMail.objects.filter(status=Delivery.Status.HELD).exists()


def unsubscribe_path(message):
    return str(message["List-Unsubscribe"]).strip().strip("<>").removeprefix("http://testserver")


def test_every_notification_offers_one_click_unsubscribe(post, smtp, worker):
    subscriber(post, "bob@example.com")
    make_comment(post)
    worker()
    [message] = smtp.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(message) in body_of(message)


def test_opening_the_unsubscribe_link_changes_nothing(client, post, smtp, worker):
    subscriber(post, "bob@example.com")
    make_comment(post)
    worker()
    page = client.get(unsubscribe_path(smtp.messages[0]))
    assert page.status_code == 200
    text = " ".join(soup(page).select_one("main").get_text(" ", strip=True).split())
    # It says what the button ends; the address is not shown (the link may be forwarded).
    assert f"This address gets a mail for each new comment on “{post.title}”." in text
    assert "bob@example.com" not in page.content.decode()
    assert "Unsubscribe from this post" in text and "Stop all mail to this address" in text
    assert soup(page).select_one("title").get_text() == "Unsubscribe · The Blog"
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED

    client.post(unsubscribe_path(smtp.messages[0]))
    again = soup(client.get(unsubscribe_path(smtp.messages[0]))).select_one("main")
    assert f"This address gets no more mail about comments on “{post.title}”." in (
        " ".join(again.get_text(" ", strip=True).split())
    )
    assert "Unsubscribe from this post" not in again.get_text()


def test_a_reply_subscriptions_page_names_the_replies_and_keeps_all_mail_secondary(
    client, post, smtp, worker
):
    mine = make_comment(post, author_name="Bob", author_email="bob@example.com")
    Subscription.objects.create(post=post, thread=mine, email="bob@example.com",
                                status=Subscription.Status.CONFIRMED)  # fmt: skip
    make_comment(post, parent=mine, author_name="Ann", body="An answer.")
    worker()
    [message] = smtp.messages
    page = soup(client.get(unsubscribe_path(message))).select_one("main")
    text = " ".join(page.get_text(" ", strip=True).split())
    assert f"This address gets a mail for each reply to its comment on “{post.title}”." in text
    first, everything = page.select("form button")
    assert first.get_text(strip=True) == "Stop mail about these replies"
    assert "button--secondary" not in first["class"]
    assert everything.get_text(strip=True) == "Stop all mail to this address"
    assert "button--secondary" in everything["class"]

    done = soup(client.post(unsubscribe_path(message))).select_one("main")
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED
    back = done.select_one("a")
    assert back["href"] == post.get_absolute_url()
    assert back.get_text() == f"Back to “{post.title}”"


def test_the_mail_clients_one_click_post_unsubscribes_without_csrf(post, smtp, worker):
    subscriber(post, "bob@example.com")
    make_comment(post)
    worker()
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        unsubscribe_path(smtp.messages[0]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED
    make_comment(post, body="Nobody hears about this one.")
    worker()
    assert len(smtp.messages) == 1


def test_stop_all_mail_to_an_address(client, post, smtp, worker):
    other = type(post).objects.create(
        title="Other", slug="other", status=post.status, published_at=post.published_at
    )
    subscriber(post, "bob@example.com")
    subscriber(other, "bob@example.com")
    make_comment(post)
    worker()
    response = client.post(unsubscribe_path(smtp.messages[0]), {"all": "1"})
    assert response.status_code == 200
    assert Suppression.objects.filter(email="bob@example.com").exists()
    assert set(Subscription.objects.values_list("status", flat=True)) == {"unsubscribed"}
    make_comment(other)
    worker()
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("everything", [False, True])
def test_a_link_opened_after_all_mail_stopped_says_so_and_offers_nothing(
    client, post, smtp, worker, everything
):
    subscriber(post, "bob@example.com")
    make_comment(post)
    worker()
    path = unsubscribe_path(smtp.messages[0])
    client.post(path, {"all": "1"})
    page = soup(client.get(path + ("?all=1" if everything else ""))).select_one("main")
    assert " ".join(page.get_text(" ", strip=True).split()) == (
        "Unsubscribed This address gets no more mail from this site."
    )
    assert page.select("form") == []


def test_a_tampered_unsubscribe_link_changes_nothing(client, post, smtp, worker):
    subscriber(post, "bob@example.com")
    make_comment(post)
    worker()
    path = unsubscribe_path(smtp.messages[0])
    response = client.post(path[:-3] + "xx/")
    assert response.status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED


def thread_subscriber(comment, email, status=Subscription.Status.CONFIRMED):
    return Subscription.objects.create(
        post_id=comment.post_id, thread=comment, email=email, status=status
    )


def test_replies_anywhere_under_a_comment_reach_its_subscriber(post, smtp, worker):
    ann = make_comment(post, author_name="Ann", author_email="ann@example.com")
    thread_subscriber(ann, "ann@example.com")
    bob = make_comment(post, parent=ann, author_name="Bob", body="Answer to Ann.")
    make_comment(post, parent=bob, author_name="Cat", body="Deeper down.")
    make_comment(post, author_name="Dan", body="Elsewhere on the post.")
    worker()
    assert recipients(smtp) == ["ann@example.com", "ann@example.com"]
    texts = [body_of(message) for message in smtp.messages]
    assert any("Answer to Ann." in text for text in texts)
    assert any("Deeper down." in text for text in texts)
    assert all("replied to your comment" in text for text in texts)
    assert not any("Elsewhere on the post." in text for text in texts)


def test_a_subscriber_of_the_thread_and_the_post_gets_one_mail(post, smtp, worker):
    ann = make_comment(post, author_name="Ann", author_email="ann@example.com")
    thread_subscriber(ann, "ann@example.com")
    subscriber(post, "ann@example.com")
    make_comment(post, parent=ann, author_name="Bob", body="Once only.")
    make_comment(post, parent=ann, author_name="Ann", author_email="ann@example.com",
                 body="My own reply.")  # fmt: skip
    worker()
    [message] = smtp.messages
    assert "Once only." in body_of(message)
    assert "New reply to your comment" in message["Subject"]


def test_every_mail_has_a_plain_and_an_html_part_with_absolute_links(post, smtp, worker):
    subscriber(post, "bob@example.com")
    comment = make_comment(post, author_name="Ann <b>", body="Bread & <butter>.")
    worker()
    [message] = smtp.messages
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Bread &amp; &lt;butter&gt;." in html  # escaped in HTML
    assert f"<title>{escape(message['Subject'])}</title>" in html
    assert "Bread & <butter>." in body_of(message)  # as written in plain text
    assert f'href="http://testserver/comment/{comment.pk}/"' in html
    unsubscribe = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert unsubscribe.startswith("http://testserver/notifications/unsubscribe/")
    assert f'href="{unsubscribe}"' in html
    assert f'href="{unsubscribe}?all=1"' in html
    assert unsubscribe in body_of(message)


def test_the_html_part_shows_the_comment_as_the_page_does(post, smtp, worker):
    subscriber(post, "bob@example.com")
    make_comment(post, author_name="Ann", body="Use **rye** and [wait](https://example.org).")
    worker()
    [message] = smtp.messages
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<strong>rye</strong>" in html and "**rye**" not in html
    assert 'href="https://example.org"' in html
    assert "Use **rye** and [wait](https://example.org)." in body_of(message)  # as typed


def test_each_recipient_gets_their_own_unsubscribe_link(post, smtp, worker):
    subscriber(post, "bob@example.com")
    subscriber(post, "cat@example.com")
    make_comment(post, author_name="Ann")
    worker()
    links = {str(message["List-Unsubscribe"]) for message in smtp.messages}
    assert len(links) == 2
    for message in smtp.messages:
        link = str(message["List-Unsubscribe"]).strip().strip("<>")
        assert link in body_of(message)


def test_a_long_line_is_sent_whole_and_intact(post, smtp, worker):
    # A line over 998 bytes makes the parts quoted-printable: each copy is then built whole.
    subscriber(post, "bob@example.com")
    subscriber(post, "cat@example.com")
    long_line = "Crumb " * 300
    comment = make_comment(post, author_name="Ann", body=long_line.strip())
    bob = Subscription.objects.get(email="bob@example.com")
    assert mail.CommentMail(comment).wire("key", "bob@example.com", bob) is None
    worker()
    assert recipients(smtp) == ["bob@example.com", "cat@example.com"]
    for message in smtp.messages:
        assert long_line.strip() in body_of(message)
        link = str(message["List-Unsubscribe"]).strip().strip("<>")
        assert link in body_of(message)


def test_a_copy_carries_its_own_address_and_a_stable_message_id(post, smtp, worker):
    subscriber(post, "bob@example.com")
    subscriber(post, "cat@example.com")
    comment = make_comment(post, author_name="Ann")
    worker()
    for message in smtp.messages:
        key = f"comment:{comment.pk}:{message['To']}"
        assert message["Message-ID"] == mail.message_id(key)
        assert "stand-in" not in message.as_string()


def test_an_imported_comment_approved_later_mails_nobody(post, smtp, worker):
    subscriber(post, "bob@example.com")
    comment = make_comment(post, status=Comment.Status.PENDING, body="From the old blog.")
    Comment.objects.filter(pk=comment.pk).update(source="wxr", source_id="17")
    comments_moderate(comments=[comment], status=Comment.Status.APPROVED, moderator=None)
    worker()
    assert smtp.messages == []
    assert not OutgoingMail.objects.exists()


def test_a_subscriber_gets_the_mail_in_the_language_they_subscribed_in(post, smtp, worker):
    Subscription.objects.create(post=post, email="bob@example.com", status="confirmed",
                                language="de")  # fmt: skip
    make_comment(post, author_name="Ann", body="Frisches Brot.")
    worker()
    [message] = smtp.messages
    assert message["Subject"] == f"Neuer Kommentar zu „{post.title}“"
    assert "Abbestellen:" in body_of(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="de">' in html
    assert f"<title>Neuer Kommentar zu „{escape(post.title)}“</title>" in html
    assert "Keine E-Mails mehr an diese Adresse" in html
