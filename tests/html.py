"""Reading the rendered discussion back as a tree, the way a reader's browser sees it."""

from bs4 import BeautifulSoup


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def comment_tree(response):
    """[(comment_id, number, author, [children...]), ...] from the page's comment list."""
    page = soup(response)
    top = page.select_one("ol.comment-list")
    if top is None:
        return []

    def walk(ol):
        items = []
        for li in ol.find_all("li", class_="comment", recursive=False):
            number = li.select_one(":scope > article .comment-number")
            author = li.select_one(":scope > article .comment-author")
            # Replies sit in a foldable <details> (or straight under the comment).
            replies = li.select_one(
                ":scope > details > ol.comment-replies, :scope > ol.comment-replies"
            )
            items.append(
                (
                    int(li["id"].removeprefix("comment-")),
                    number.get_text(strip=True) if number else None,
                    author.get_text(strip=True) if author else None,
                    walk(replies) if replies else [],
                )
            )
        return items

    return walk(top)
