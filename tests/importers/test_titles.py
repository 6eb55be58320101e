"""WordPress titles are HTML; imported, each is the plain text its readers saw."""

import io

import feedparser
import pytest
from django.core.management import call_command

from blogapp.models import Post
from tests.html import soup

from .conftest import WXR_THEME, sample

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_archive", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_wxr(path, titles):
    """One published post per title, each title as WordPress writes it (in CDATA)."""
    items = "".join(
        f"<item><title><![CDATA[{title}]]></title><wp:post_id>{number}</wp:post_id>"
        "<wp:post_date_gmt>2020-05-01 08:00:00</wp:post_date_gmt>"
        f"<wp:post_name>title-{number}</wp:post_name><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item>\n"
        for number, title in enumerate(titles, start=1)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
        "<wp:base_blog_url>http://titles.example</wp:base_blog_url>\n"
        f"{items}</channel></rss>\n",
        encoding="utf-8",
    )
    return path


def test_a_title_with_markup_shows_its_words_on_the_page_feed_and_search(client):
    run(sample(WXR_THEME))
    post = Post.objects.get(slug="markup-title-with-markup")
    assert post.title == "Markup: Title With Markup"

    response = client.get(post.get_absolute_url())
    page = soup(response)
    assert page.select_one("h1").get_text() == "Markup: Title With Markup"
    assert page.title.get_text().startswith("Markup: Title With Markup")
    assert "&lt;em&gt;" not in response.content.decode()

    feed = feedparser.parse(client.get("/feed/").content)
    titles = [entry.title for entry in feed.entries]
    assert "Markup: Title With Markup" in titles
    assert not [title for title in titles if "<" in title]

    found = soup(client.get("/search/", {"q": "markup title"}))
    headings = [h.get_text(strip=True) for h in found.select(".search-result__title")]
    assert "Markup: Title With Markup" in headings


def test_entities_are_decoded_once_and_text_that_is_no_markup_stays(client, tmp_path):
    out, err = run(
        write_wxr(
            tmp_path / "titles.xml",
            [
                "Fish & Chips <3",  # no tag: as written
                "Salt &amp; Vinegar &lt;crisps&gt;",  # as WordPress stores a typed title
                "Tom &amp;amp; Jerry",  # an entity written as text: decoded once only
                "  Line\n\tbreaks <br/>and   spaces ",
                "Caf&eacute;&nbsp;au lait",  # a no-break space is not collapsed
                "<img src='x.png'>",  # no text at all
            ],
        )
    )
    titles = dict(Post.objects.values_list("slug", "title"))
    assert titles == {
        "title-1": "Fish & Chips <3",
        "title-2": "Salt & Vinegar <crisps>",
        "title-3": "Tom &amp; Jerry",
        "title-4": "Line breaks and spaces",
        "title-5": "Café\xa0au lait",
        "title-6": "Untitled post 6",
    }
    assert "posts 6 created" in out
    assert "<item> #6 (wp:post_id 6): its title \"<img src='x.png'>\" has no text" in err
    assert "imported as 'Untitled post 6'" in err
    page = soup(client.get("/posts/title-1/"))
    assert page.select_one("h1").get_text() == "Fish & Chips <3"
