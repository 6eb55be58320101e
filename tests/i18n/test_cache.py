"""A cached discussion is cached per language: a German reader never gets the English page."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import make_comment, make_post
from tests.html import soup
from tests.i18n.conftest import GERMAN

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def discussion_cache_on(settings):
    settings.COMMENTS_CACHE_TIMEOUT = 300
    cache.clear()


def reply_links(response):
    return {a.get_text() for a in soup(response).select(".comment-reply-link")}


def test_each_language_gets_its_own_cached_discussion():
    post = make_post()
    make_comment(post)
    url = post.get_absolute_url()
    english, german = Client(), Client(**GERMAN)
    assert reply_links(english.get(url)) == {"Reply"}  # cached in English first
    assert reply_links(german.get(url)) == {"Antworten"}
    assert reply_links(english.get(url)) == {"Reply"}
    assert reply_links(german.get(url)) == {"Antworten"}
