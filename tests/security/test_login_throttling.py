"""Admin login throttling (django-axes) through the real admin login form."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.html import soup

LOGIN = reverse("admin:login")
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@example.com", "right-pw-1", is_staff=True, is_superuser=True
    )


def attempt(client, password, username="editor", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def test_a_burst_of_wrong_passwords_is_refused_after_the_limit(staff):
    client = Client()
    statuses = [attempt(client, f"wrong-{n}").status_code for n in range(40)]
    limit = settings.AXES_FAILURE_LIMIT
    assert 3 <= limit <= 10
    # The first failures get the login form again (200); from the limit on, the lockout.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit:]) == {429}
    # Even the right password is refused now: the attacker cannot learn it by luck.
    response = attempt(client, "right-pw-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_says_why_and_for_how_long(staff):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"wrong-{n}")
    response = attempt(client, "wrong-again")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    page = soup(response)
    assert page.find("h1").get_text(strip=True) == "Too many failed logins"
    text = page.get_text(" ", strip=True)
    assert f"failed {settings.AXES_FAILURE_LIMIT} times in a row" in text
    assert "Try again in 15 minutes" in text


def test_another_address_is_not_locked_out(staff):
    attacker, owner = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.4")
    for n in range(settings.AXES_FAILURE_LIMIT + 3):
        attempt(attacker, f"wrong-{n}")
    assert attempt(attacker, "right-pw-1").status_code == 429
    response = attempt(owner, "right-pw-1")
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(staff.pk)


def test_a_success_before_the_limit_clears_the_count(staff):
    client = Client()
    for round_ in range(3):
        for n in range(settings.AXES_FAILURE_LIMIT - 1):
            assert attempt(client, f"wrong-{round_}-{n}").status_code == 200
        assert attempt(client, "right-pw-1").status_code == 302
        client.logout()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_trusted_proxy_the_client_address_counts(staff):
    """One proxy: every request comes from its address, the client is in X-Forwarded-For."""
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        attempt(attacker, f"wrong-{n}")
    assert attempt(attacker, "right-pw-1").status_code == 429
    # Another client through the same proxy is not locked out with the attacker...
    owner = Client(HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)
    assert attempt(owner, "right-pw-1").status_code == 302
    # ...and the attacker cannot escape by writing its own X-Forwarded-For entry: the proxy
    # appends the real address, and only the last (proxy-written) entry is trusted.
    spoofing = Client(HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.9", **proxy)
    assert attempt(spoofing, "right-pw-1").status_code == 429


def test_without_a_trusted_proxy_x_forwarded_for_changes_nothing(staff):
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        attempt(Client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), f"wrong-{n}")
    assert attempt(Client(HTTP_X_FORWARDED_FOR="192.0.2.200"), "right-pw-1").status_code == 429
