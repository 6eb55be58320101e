"""Moderators opt in to alerts about held comments: batched, or once a day."""

from datetime import datetime

import pytest
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
