"""Subscribing from the comment form: double opt-in through a signed, expiring link."""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import translation

from comments.models import Comment
from comments.notifications import tokens
from comments.notifications.models import OutgoingMail, Subscription
from comments.notifications.subscriptions import subscription_request
from comments.services import comment_create
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.notifications.smtp import body_of, links_in
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db


def subscribe(client, post, email="ann@example.com", **fields):
    fields.setdefault("notify_post", "on")
    data = form_data(client, post, email=email, **fields)
    return client.post(comment_url(post), data)


def confirm_link(message):
    return next(link for link in links_in(message) if "/notifications/confirm/" in link)


def test_the_form_offers_two_subscriptions_both_off(client, post):
    page = client.get(post.get_absolute_url()).content.decode()
    for name in ("notify_replies", "notify_post"):
        [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert 'type="checkbox"' in tag
        assert "checked" not in tag
    assert "Notify me of replies to my comment" in page
    assert "Notify me of new comments on this post" in page


def test_both_subscriptions_take_one_confirmation_that_confirms_both(client, post, smtp, worker):
    subscribe(client, post, notify_replies="on")
    comment = Comment.objects.get()
    replies, whole_post = (
        Subscription.objects.get(thread=comment),
        Subscription.objects.get(thread=None),
    )
    assert replies.post == whole_post.post == post
    worker()
    [message] = smtp.messages
    path = confirm_link(message).removeprefix("http://testserver")
    assert client.post(path).status_code == 200
    statuses = set(Subscription.objects.values_list("status", flat=True))
    assert statuses == {Subscription.Status.CONFIRMED}


def test_nothing_but_the_confirmation_until_the_link_is_followed(client, post, smtp, worker):
    subscribe(client, post)
    subscribe(client, make_post(), body="On another post.", notify_replies="on")
    make_comment(post, author_name="Bob", body="Ann will not hear of this yet.")
    worker()
    [message] = smtp.messages  # one confirmation for the address, nothing else
    assert "/notifications/confirm/" in body_of(message)


def test_a_confirmed_address_subscribes_at_once(client, post, smtp, worker):
    subscribe(client, post)
    worker()
    client.post(confirm_link(smtp.messages[0]).removeprefix("http://testserver"))
    other = make_post()
    data = form_data(client, other, email="ann@example.com", body="Somewhere else.",
                     notify_post="on", notify_replies="on")  # fmt: skip
    page = client.post(comment_url(other), data, follow=True).content.decode()
    assert (
        "You will get replies to your comment and new comments on this post by mail; every "
        "mail has an unsubscribe link."
    ) in page
    worker()
    assert len(smtp.messages) == 1  # no second confirmation
    assert not Subscription.objects.exclude(status=Subscription.Status.CONFIRMED).exists()
    assert Subscription.objects.filter(post=other).count() == 2


def test_subscribing_sends_a_confirmation_and_confirming_takes_a_button(client, post, smtp, worker):
    response = subscribe(client, post)
    assert response.status_code == 302
    subscription = Subscription.objects.get(post=post)
    assert subscription.status == Subscription.Status.PENDING
    worker()
    [message] = smtp.messages
    assert message["To"] == "ann@example.com"
    assert post.title in message["Subject"]
    link = confirm_link(message)
    path = link.removeprefix("http://testserver")

    page = client.get(path)  # what a link scanner would do: nothing changes
    assert page.status_code == 200
    assert "Confirm subscription" in page.content.decode()
    assert listed(page) == [f"A mail for each new comment on “{post.title}”"]
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING

    done = client.post(path)
    assert done.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def listed(page):
    """The subscriptions a confirmation page lists, as read."""
    return [
        " ".join(item.get_text(" ", strip=True).split())
        for item in soup(page).select("main .subscription-list li")
    ]


def test_the_confirmation_page_lists_what_confirming_starts(client, post, smtp, worker):
    subscribe(client, post, notify_replies="on", notify_post="")
    other = make_post(title="Rye bread", slug="rye-bread")
    subscribe(client, other, body="And here too.", notify_post="on")
    worker()
    [message] = smtp.messages  # one confirmation for the address
    path = confirm_link(message).removeprefix("http://testserver")
    expected = [
        f"A mail for each reply to your comment on “{post.title}”",
        "A mail for each new comment on “Rye bread”",
    ]

    page = client.get(path)
    assert listed(page) == expected
    links = [a["href"] for a in soup(page).select("main .subscription-list a")]
    assert links == [post.get_absolute_url(), other.get_absolute_url()]
    assert soup(page).select_one("main form button").get_text(strip=True) == "Confirm subscription"

    done = client.post(path)
    assert done.status_code == 200
    assert listed(done) == expected  # what the reader now gets
    assert "Your address is confirmed." in done.content.decode()

    # The link again, opened or posted: nothing left to confirm, and no button to press.
    again = client.get(path)
    assert again.status_code == 200
    assert "confirmed already" in again.content.decode()
    assert soup(again).select_one("main h1").get_text(strip=True) == "Subscription confirmed"
    assert not soup(again).select("main form")
    assert "confirmed already" in client.post(path).content.decode()


def test_the_link_of_an_ended_subscription_offers_nothing(client, post, smtp, worker):
    subscribe(client, post)
    worker()
    path = confirm_link(smtp.messages[0]).removeprefix("http://testserver")
    Subscription.objects.update(status=Subscription.Status.UNSUBSCRIBED)
    page = client.get(path)
    assert page.status_code == 400
    assert "This link is not valid" in page.content.decode()
    assert not soup(page).select("main form")
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED


def test_the_mail_log_shows_where_a_mail_linked_but_not_its_signed_link(
    client, post, smtp, worker, admin_client
):
    subscribe(client, post)
    worker()
    link = confirm_link(smtp.messages[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    mail = OutgoingMail.objects.get(kind=OutgoingMail.Kind.CONFIRMATION)
    assert token in mail.body and token in mail.html  # stored as sent
    page = admin_client.get(reverse("admin:comments_outgoingmail_change", args=[mail.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert token not in text and token.split(":")[0] not in text
    assert "http://testserver/notifications/confirm/…/" in text
    assert "Someone, probably you, asked to be told" in text
    # Nothing of it is a form field a Save could change.
    assert not soup(page).select("fieldset textarea, fieldset input:not([type=hidden])")


def test_confirming_needs_the_csrf_token(client, post, smtp, worker):
    subscribe(client, post)
    worker()
    path = confirm_link(smtp.messages[0]).removeprefix("http://testserver")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(path).status_code == 403
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_subscribing_needs_an_address(client, post):
    response = subscribe(client, post, email="")
    assert response.status_code == 200
    assert "Enter your email to get new comments by mail." in response.content.decode()
    assert not Subscription.objects.exists()


def test_repeated_requests_send_one_confirmation(client, post, smtp, worker):
    for n in range(3):
        subscribe(client, post, body=f"Comment number {n}.")
    worker()
    assert len(smtp.messages) == 1
    assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CONFIRMATION).count() == 1


def test_an_address_is_compared_without_case(client, post, smtp, worker):
    subscribe(client, post, email="Ann@Example.com")
    subscribe(client, post, email="ann@example.COM", body="Second.")
    assert Subscription.objects.get().email == "ann@example.com"


def test_an_expired_link_is_refused(client, post, settings):
    subscribe(client, post)
    subscription = Subscription.objects.get()
    token = tokens.make_token(tokens.CONFIRM, subscription)
    settings.COMMENTS_NOTIFY_CONFIRM_MAX_AGE = -1
    response = client.post(f"/notifications/confirm/{token}/")
    assert response.status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.PENDING


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        # an unsubscribe token is no confirmation token
        "unsubscribe",
        # signed with the right salt, but for another address
        "other-address",
        # the same, in the format mailed before tokens left the address out
        "other-address-mailed-earlier",
    ],
)
def test_a_forged_or_foreign_token_is_refused(client, post, token):
    subscribe(client, post)
    subscription = Subscription.objects.get()
    if token == "unsubscribe":
        token = tokens.make_token(tokens.UNSUBSCRIBE, subscription)
    elif token == "other-address":
        eve = tokens._address_digest("eve@example.com")
        token = signing.dumps({"s": subscription.pk, "h": eve}, salt=tokens.CONFIRM)
    elif token == "other-address-mailed-earlier":
        token = signing.dumps({"s": subscription.pk, "e": "eve@example.com"}, salt=tokens.CONFIRM)
    response = client.post(f"/notifications/confirm/{token}/")
    assert response.status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_a_link_carries_no_address_and_one_mailed_with_it_still_works(client, post, smtp, worker):
    subscribe(client, post, email="Ann.Smith@example.com")
    worker()
    [message] = smtp.messages
    link = confirm_link(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    payload = signing.b64_decode(token.split(":")[0].encode()).decode()
    assert "@" not in payload and "ann" not in payload.lower() and "example" not in payload
    # A link mailed while tokens still carried the address (its lower-cased form) works.
    subscription = Subscription.objects.get()
    earlier = signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=tokens.CONFIRM)
    assert client.post(f"/notifications/confirm/{earlier}/").status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def test_an_unconfirmed_address_gets_one_confirmation_per_interval(client, smtp, worker, settings):
    for n in range(4):
        subscribe(client, make_post(), body=f"On post {n}.")
    worker()
    assert len(smtp.messages) == 1
    settings.COMMENTS_NOTIFY_CONFIRM_INTERVAL = 0  # the interval has passed
    subscribe(client, make_post(), body="Later.")
    worker()
    assert len(smtp.messages) == 2


def test_the_mail_is_written_in_the_language_of_the_subscription(post, smtp, worker):
    with translation.override("de"):
        subscription = subscription_request(post=post, email="ann@example.com")
    assert subscription.language == "de"
    # Rendering happens in that language (German texts arrive with the translation files).
    assert OutgoingMail.objects.get().subject


def test_a_comment_judged_spam_subscribes_nobody(post, smtp, worker):
    comment_create(post=post, body="Cheap pills.", author_name="Spammer",
                   author_email="victim@example.com", status=Comment.Status.SPAM,
                   notify_replies=True, notify_post=True)  # fmt: skip
    worker()
    assert not Subscription.objects.exists()
    assert smtp.messages == []
