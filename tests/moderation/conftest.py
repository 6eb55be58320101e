import pytest
from django.contrib.auth.models import Group
from django.test import Client, TestCase
from django.urls import reverse

from tests.html import soup

CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-1")


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        "mod", "mod@example.com", "pw-mod-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("reader", "reader@example.com", "pw-reader-1")


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_(superuser):
    return _logged_in(superuser)


@pytest.fixture
def moderator_client(moderator):
    return _logged_in(moderator)


@pytest.fixture
def reader_client(reader):
    return _logged_in(reader)


def run_action(client, action, comments, url=CHANGELIST):
    """POST a bulk action as the admin's changelist form does; return the followed response."""
    data = {"action": action, "_selected_action": [comment.pk for comment in comments]}
    # Run the on-commit hooks (cache refresh) as a real request's commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data, follow=True)


def admin_messages(response):
    return [li.get_text(strip=True) for li in soup(response).select("ul.messagelist li")]


def changelist_ids(response):
    """Comment ids in the order the changelist shows them."""
    return [int(box["value"]) for box in soup(response).select("#result_list input.action-select")]
