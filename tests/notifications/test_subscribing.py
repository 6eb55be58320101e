"""Subscribing from the comment form: double opt-in through a signed, expiring link."""

import pytest
from django.core import signing
from django.test import Client
from django.utils import translation

from comments.notifications import tokens
from comments.notifications.models import OutgoingMail, Subscription
from comments.notifications.subscriptions import subscription_request
from tests.factories import make_post
from tests.notifications.smtp import links_in
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db


def subscribe(client, post, email="ann@example.com", **fields):
    data = form_data(client, post, email=email, notify="on", **fields)
    return client.post(comment_url(post), data)


def confirm_link(message):
    return next(link for link in links_in(message) if "/notifications/confirm/" in link)


def test_the_form_offers_mail_about_new_comments(client, post):
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'name="notify"' in page
    assert "Email me new comments on this post" in page


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
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING

    done = client.post(path)
    assert done.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


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


def test_a_confirmed_address_is_not_asked_again(client, post, smtp, worker):
    subscribe(client, post)
    Subscription.objects.update(status=Subscription.Status.CONFIRMED)
    subscribe(client, post, body="Another one.")
    worker()
    assert len(smtp.messages) == 1


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
    ],
)
def test_a_forged_or_foreign_token_is_refused(client, post, token):
    subscribe(client, post)
    subscription = Subscription.objects.get()
    if token == "unsubscribe":
        token = tokens.make_token(tokens.UNSUBSCRIBE, subscription)
    elif token == "other-address":
        token = signing.dumps({"s": subscription.pk, "e": "eve@example.com"}, salt=tokens.CONFIRM)
    response = client.post(f"/notifications/confirm/{token}/")
    assert response.status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_one_address_gets_few_confirmations_across_posts(client, smtp, worker, settings):
    settings.COMMENTS_NOTIFY_CONFIRM_MAX_PER_ADDRESS = 2
    for n in range(4):
        subscribe(client, make_post(), body=f"On post {n}.")
    worker()
    assert len(smtp.messages) == 2


def test_the_mail_is_written_in_the_language_of_the_subscription(post, smtp, worker):
    with translation.override("de"):
        subscription = subscription_request(post=post, email="ann@example.com")
    assert subscription.language == "de"
    # Rendering happens in that language (German texts arrive with the translation files).
    assert OutgoingMail.objects.get().subject
