"""Moderators opt in to alerts about held comments: batched, or once a day."""

from datetime import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from comments.delivery import Delivery
from comments.models import Comment
from comments.notifications.models import ModeratorAlerts, OutgoingMail
from comments.services import comments_moderate
from comments.sweep import sweep
from tests.factories import make_comment
from tests.notifications.helpers import fast_forward
from tests.notifications.smtp import body_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        "mod", "mod@example.com", "pw-mod-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def held(post, n, **fields):
    return [
        make_comment(post, status=Comment.Status.PENDING, body=f"Held {i}.", **fields)
        for i in range(n)
    ]


def test_no_alerts_without_opting_in(post, moderator, smtp, worker):
    held(post, 2)
    worker()
    fast_forward()
    worker()
    assert smtp.messages == []


def test_batched_alerts_gather_held_comments_in_one_mail(post, moderator, smtp, worker):
    ModeratorAlerts.objects.create(user=moderator, frequency="batched")
    held(post, 3)
    worker()
    assert smtp.messages == []  # waits for the end of the period
    fast_forward()
    worker()
    [message] = smtp.messages
    assert message["To"] == "mod@example.com"
    assert "3 comments await moderation" in message["Subject"]
    for i in range(3):
        assert f"Held {i}." in body_of(message)
    assert "/admin/comments/comment/?status__exact=pending" in body_of(message)


def test_an_alert_about_comments_already_handled_is_not_sent(post, moderator, smtp, worker):
    ModeratorAlerts.objects.create(user=moderator, frequency="batched")
    comments = held(post, 2)
    worker()
    comments_moderate(comments=comments, status=Comment.Status.APPROVED, moderator=None)
    fast_forward()
    worker()
    assert smtp.messages == []
    assert OutgoingMail.objects.get(kind="moderator").status == Delivery.Status.CANCELLED


def test_the_daily_alert_comes_once_a_day_after_its_hour(post, moderator, smtp, worker, settings):
    ModeratorAlerts.objects.create(user=moderator, frequency="daily")
    held(post, 2)
    settings.COMMENTS_MODERATOR_DIGEST_HOUR = 0
    sweep()
    sweep()  # every worker sweeps often: still one mail a day
    fast_forward()
    worker()
    [message] = smtp.messages
    assert "2 comments await moderation" in message["Subject"]
    assert OutgoingMail.objects.filter(kind="moderator").count() == 1


def test_the_daily_alert_waits_for_its_hour(post, moderator, smtp, worker, settings):
    from comments.notifications.moderators import daily_alerts

    ModeratorAlerts.objects.create(user=moderator, frequency="daily")
    held(post, 1)
    settings.COMMENTS_MODERATOR_DIGEST_HOUR = 8
    early = timezone.make_aware(datetime(2026, 1, 5, 7, 59))
    daily_alerts(early)
    assert not OutgoingMail.objects.filter(kind="moderator").exists()
    daily_alerts(early.replace(hour=8))
    assert OutgoingMail.objects.filter(kind="moderator").count() == 1


def test_a_moderator_sets_their_own_alerts_in_the_admin(client, moderator, django_user_model):
    other = django_user_model.objects.create_user("other", "o@example.com", "pw", is_staff=True)
    ModeratorAlerts.objects.create(user=other, frequency="daily")
    client.force_login(moderator)
    add = reverse("admin:comments_moderatoralerts_add")
    response = client.post(add, {"frequency": "daily"})
    assert response.status_code == 302
    assert ModeratorAlerts.objects.get(user=moderator).frequency == "daily"
    listing = client.get(reverse("admin:comments_moderatoralerts_changelist")).content.decode()
    assert "other" not in listing  # only their own
    change = reverse("admin:comments_moderatoralerts_change", args=[other.moderator_alerts.pk])
    assert client.get(change).status_code in (302, 404)


def test_the_alert_links_approve_and_spam_through_a_confirmation_page(
    client, post, moderator, smtp, worker
):
    ModeratorAlerts.objects.create(user=moderator, frequency="batched")
    good, bad = held(post, 2)
    worker()
    fast_forward()
    worker()
    [message] = smtp.messages
    html = message.get_body(preferencelist=("html",)).get_content()
    approve = f"http://testserver/admin/comments/comment/{good.pk}/decide/approve/"
    spam = f"http://testserver/admin/comments/comment/{bad.pk}/decide/spam/"
    for link in (approve, spam):
        assert link in body_of(message)
        assert f'href="{link}"' in html

    path = approve.removeprefix("http://testserver")
    assert client.get(path).status_code == 302  # the admin's login first
    client.force_login(moderator)
    page = client.get(path)
    assert page.status_code == 200
    assert "Held 0." in page.content.decode()
    good.refresh_from_db()
    assert good.status == Comment.Status.PENDING  # opening the link changes nothing
    assert client.post(path).status_code == 302
    client.post(spam.removeprefix("http://testserver"))
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (Comment.Status.APPROVED, Comment.Status.SPAM)
    assert LogEntry.objects.filter(user=moderator, object_id=str(good.pk)).exists()


def test_the_decision_links_need_the_right_to_moderate(client, post, django_user_model):
    [comment] = held(post, 1)
    user = django_user_model.objects.create_user("staff", "s@example.com", "pw", is_staff=True)
    client.force_login(user)
    path = reverse("admin:comments_comment_decide", args=[comment.pk, "approve"])
    assert client.post(path).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
