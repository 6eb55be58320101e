"""IP addresses are shortened after COMMENTS_IP_RETENTION_DAYS by the worker's sweep."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from comments.models import Comment
from comments.privacy import reduce_old_ips, reduced_ip
from comments.sweep import sweep
from tests.factories import make_comment, make_post

REPO = Path(__file__).resolve().parents[2]


def test_addresses_are_cut_to_their_network():
    assert reduced_ip("203.0.113.77") == "203.0.113.0"
    assert reduced_ip("203.0.113.0") == "203.0.113.0"
    assert reduced_ip("2001:db8:abcd:12:34::5") == "2001:db8:abcd::"
    assert reduced_ip("::ffff:198.51.100.9") == "198.51.100.0"


def _aged(post, ip, days):
    return make_comment(post, ip_address=ip, created_at=timezone.now() - timedelta(days=days))


@pytest.mark.django_db
def test_the_sweep_shortens_old_addresses_only_and_once(post, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    old4 = _aged(post, "198.51.100.23", 31)
    old6 = _aged(post, "2001:db8:1:2:3:4:5:6", 45)
    recent = _aged(post, "192.0.2.99", 29)
    without = _aged(post, None, 100)

    sweep()

    ips = dict(Comment.objects.values_list("pk", "ip_address"))
    assert ips[old4.pk] == "198.51.100.0"
    assert ips[old6.pk] == "2001:db8:1::"
    assert ips[recent.pk] == "192.0.2.99"
    assert ips[without.pk] is None
    assert set(Comment.objects.filter(ip_reduced=True).values_list("pk", flat=True)) == {
        old4.pk,
        old6.pk,
    }
    # Idempotent: nothing left to do, nothing changes.
    assert reduce_old_ips() == 0
    assert dict(Comment.objects.values_list("pk", "ip_address")) == ips
    # Later, the recent one's time comes too.
    assert reduce_old_ips(now=timezone.now() + timedelta(days=2)) == 1
    assert Comment.objects.get(pk=recent.pk).ip_address == "192.0.2.0"


@pytest.mark.django_db
def test_it_works_in_batches(post, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    for i in range(7):
        _aged(post, f"10.0.{i}.{i + 1}", 40)
    assert reduce_old_ips(batch_size=2, max_batches=2) == 4
    assert Comment.objects.filter(ip_reduced=False).count() == 3
    assert reduce_old_ips(batch_size=2) == 3
    assert sorted(Comment.objects.values_list("ip_address", flat=True)) == [
        f"10.0.{i}.0" for i in range(7)
    ]


@pytest.mark.django_db
def test_none_keeps_addresses_whole(post, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = None
    old = _aged(post, "198.51.100.23", 400)
    assert reduce_old_ips() == 0
    assert Comment.objects.get(pk=old.pk).ip_address == "198.51.100.23"


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_shortens_old_addresses():
    post = make_post()
    old = _aged(post, "198.51.100.23", 31)
    recent = _aged(post, "198.51.100.24", 1)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blogapp.settings.test",
        "DATABASE_URL": database_url(),
        "COMMENTS_IP_RETENTION_DAYS": "30",
    }
    subprocess.run(
        [sys.executable, "manage.py", "comments_worker", "--batch", "--no-reload"],
        cwd=REPO, env=env, check=True, timeout=60, capture_output=True,
    )  # fmt: skip
    assert Comment.objects.get(pk=old.pk).ip_address == "198.51.100.0"
    assert Comment.objects.get(pk=recent.pk).ip_address == "198.51.100.24"
