"""A reader subscribes from the comment form and confirms from the link in the mail: the real
form in Chromium, the real worker loop, a real SMTP server."""

import re

import pytest

from comments.notifications.models import Subscription
from tests.browser.conftest import screenshot
from tests.factories import make_comment, make_post
from tests.notifications.conftest import run_worker
from tests.notifications.smtp import SMTPServer, body_of, links_in


@pytest.fixture
def smtp_server(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    yield server
    server.stop()


def test_subscribe_from_the_form_and_confirm_from_the_mail(
    desktop_page, site, settings, smtp_server
):
    settings.SITE_URL = site
    page = desktop_page
    post = make_post(title="Proofing baskets")
    page.goto(site + post.get_absolute_url())
    page.fill("#id_name", "Ann")
    page.fill("#id_email", "ann@example.com")
    page.fill("#id_body", "Tell me when someone answers.")
    assert not page.is_checked("#id_notify_replies")  # both off by default
    assert not page.is_checked("#id_notify_post")
    page.check("#id_notify_replies")
    page.check("#id_notify_post")
    page.click("text=Post comment")
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    # Said in the new comment's card, where the browser lands, and in view there.
    said = page.locator(f"#{page.url.partition('#')[2]} .comment-notice")
    assert "confirm with the link we sent" in said.inner_text()
    assert said.is_visible() and said.evaluate(
        "box => box.getBoundingClientRect().top >= 0"
        " && box.getBoundingClientRect().bottom <= window.innerHeight"
    )
    statuses = set(Subscription.objects.values_list("status", flat=True))
    assert Subscription.objects.count() == 2  # the replies to the comment, and the post
    assert statuses == {Subscription.Status.PENDING}

    run_worker()
    [message] = smtp_server.wait_for(1)  # one confirmation for the address
    link = next(link for link in links_in(message) if "/notifications/confirm/" in link)
    assert link.startswith(site)

    page.goto(link)
    pending = Subscription.Status.PENDING
    assert not Subscription.objects.exclude(status=pending).exists()  # opening is not enough
    page.click("text=Confirm subscription")
    page.wait_for_selector("h1:has-text('Subscription confirmed')")
    screenshot(page, "subscription-confirmed")
    statuses = set(Subscription.objects.values_list("status", flat=True))
    assert statuses == {Subscription.Status.CONFIRMED}


def test_unsubscribe_from_the_link_in_a_notification(desktop_page, site, settings, smtp_server):
    settings.SITE_URL = site
    page = desktop_page
    post = make_post(title="Rye loaves")
    Subscription.objects.create(post=post, email="bob@example.com", status="confirmed")
    make_comment(post, author_name="Ann", body="Rye needs a longer proof.")
    run_worker()
    [message] = smtp_server.wait_for(1)
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert link in body_of(message)

    page.goto(link)
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED
    page.click("text=Unsubscribe from this post")
    page.wait_for_selector("h1:has-text('Unsubscribed')")
    assert "Rye loaves" in page.locator("main").inner_text()
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED
