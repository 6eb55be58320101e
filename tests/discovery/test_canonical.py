"""Each page names the one address it is indexed under; search result pages are not indexed."""

import pytest

from tests.factories import make_comment, make_post
from tests.html import soup

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def canonical(client, url):
    links = soup(client.get(url)).select('link[rel="canonical"]')
    assert len(links) == 1, url
    return links[0]["href"]


def test_a_post_page_drops_what_does_not_pick_its_content(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    post = make_post()
    for _ in range(3):  # two pages of top-level comments
        make_comment(post)
    url = post.get_absolute_url()
    assert canonical(client, url) == f"{SITE}{url}"
    assert canonical(client, f"{url}?via=old-link&utm_source=mail&cpage=1") == f"{SITE}{url}"
    assert canonical(client, f"{url}?cpage=2&replyto=") == f"{SITE}{url}?cpage=2"
    assert canonical(client, f"{url}?cpage=2&sort=newest") == f"{SITE}{url}?sort=newest&cpage=2"


def test_the_post_lists_keep_their_page(client):
    for _ in range(11):  # two pages of the home page's list
        make_post()
    assert canonical(client, "/?utm_source=feed") == f"{SITE}/"
    assert canonical(client, "/?page=2") == f"{SITE}/?page=2"
    assert canonical(client, "/posts/") == f"{SITE}/posts/"


def test_search_results_are_not_indexed(client):
    make_post(title="Rye bread")
    page = soup(client.get("/search/", {"q": "rye"}))
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert not page.select('link[rel="canonical"]')
