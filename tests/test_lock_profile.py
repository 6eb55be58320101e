"""The thread locks' profile (LOCK_LOG_LEVEL=DEBUG): wait and hold time per lock, on commit."""

import logging

import pytest
from django.test import TestCase

from tests.factories import make_comment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_each_lock_logs_its_wait_and_hold_time_once_committed(post, caplog):
    root = make_comment(post)
    with caplog.at_level(logging.DEBUG, logger="comments.locks"):
        with TestCase.captureOnCommitCallbacks(execute=True):
            make_comment(post, parent=root)
            assert not [r for r in caplog.records if r.name == "comments.locks"]  # not yet
        with TestCase.captureOnCommitCallbacks(execute=True):
            make_comment(post)
    records = [r for r in caplog.records if r.name == "comments.locks"]
    assert [r.lock for r in records] == ["thread", "new-thread"]
    for record in records:
        assert record.waited_ms >= 0 and 0 <= record.held_ms < 60_000


def test_off_it_logs_nothing(post, caplog):
    with (
        caplog.at_level(logging.INFO, logger="comments.locks"),
        TestCase.captureOnCommitCallbacks(execute=True) as callbacks,
    ):
        make_comment(post)
    assert not [r for r in caplog.records if r.name == "comments.locks"]
    assert len(callbacks) >= 1  # the cache refresh and the counter, never a profile line
