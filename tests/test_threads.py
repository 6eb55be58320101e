"""Deep threads: "Continue this thread", a comment's own page, permalinks that find the page,
and the comment form on that page."""

import pytest

from comments.models import Comment
from comments.selectors import page_root_level, subtree_discussion
from tests.factories import make_comment, make_post
from tests.html import comment_tree, soup
from tests.posting import comment_url, form_data, thread_form_data

pytestmark = pytest.mark.django_db


def chain(post, depth, **fields):
    comments = [make_comment(post, author_name="L0", **fields)]
    for level in range(1, depth):
        comments.append(make_comment(post, parent=comments[-1], author_name=f"L{level}"))
    return comments


def depth_of(tree):
    return 1 + max((depth_of(children) for *_, children in tree), default=0) if tree else 0


@pytest.mark.parametrize(
    "level, root_level",
    [(0, 0), (3, 0), (5, 0), (6, 5), (10, 5), (11, 10), (15, 10), (16, 15)],
)
def test_page_root_level_with_six_levels_a_page(level, root_level):
    assert page_root_level(level, 6) == root_level


def test_the_post_page_stops_at_the_configured_depth(client, post, settings):
    settings.COMMENTS_THREAD_MAX_DEPTH = 4
    comments = chain(post, 7)
    response = client.get(post.get_absolute_url())
    assert depth_of(comment_tree(response)) == 4
    page = soup(response)
    assert page.select_one(f"#comment-{comments[4].pk}") is None
    more = page.select_one(f"#comment-{comments[3].pk} .comment-continue a")
    assert more["href"] == f"/comment/{comments[3].pk}/thread/"
    assert more.get_text() == "Continue this thread (3 replies) →"
    # A comment without replies at the last level needs no link.
    leaf = make_comment(post, parent=comments[2], author_name="Leaf")
    page = soup(client.get(post.get_absolute_url()))
    assert page.select_one(f"#comment-{leaf.pk} .comment-continue") is None


def test_threads_fold_with_details_showing_the_reply_count(client, post):
    root = make_comment(post)
    child = make_comment(post, parent=root)
    make_comment(post, parent=child)
    make_comment(post, parent=root)
    page = soup(client.get(post.get_absolute_url()))
    details = page.select_one(f"#comment-{root.pk} > details.comment-thread")
    assert details.has_attr("open")
    assert details.summary.get_text() == "3 replies"
    assert page.select_one(f"#comment-{child.pk} > details > summary").get_text() == "1 reply"


def test_a_comments_own_page_shows_it_and_its_subtree(client, post, django_assert_max_num_queries):
    other = make_comment(post, author_name="Elsewhere")
    comments = chain(post, 4)
    make_comment(post, parent=comments[0], author_name="Sibling branch")
    url = f"/comment/{comments[1].pk}/thread/"

    with django_assert_max_num_queries(2):  # the comment, then its subtree
        response = client.get(url)
    assert response.status_code == 200
    assert comment_tree(response) == [
        (comments[1].pk, None, "L1", [
            (comments[2].pk, None, "L2", [(comments[3].pk, None, "L3", [])]),
        ]),
    ]  # fmt: skip
    page = soup(response)
    assert f"comment-{other.pk}" not in response.content.decode()
    back = page.select_one("nav.thread-nav a")
    assert back["href"] == f"/comment/{comments[1].pk}/"
    assert page.select("nav.thread-nav a")[1]["href"] == f"/comment/{comments[0].pk}/"
    assert page.select_one("input[name=parent]")["value"] == str(comments[1].pk)


def test_subtree_discussion_is_one_query(post, django_assert_num_queries):
    comments = chain(post, 5)
    comments[2].refresh_from_db()  # its rght moved as replies were added
    with django_assert_num_queries(1):
        discussion = subtree_discussion(comments[2])
    assert [node.id for node in discussion.comments] == [comments[2].pk]
    assert discussion.comments[0].number is None
    assert discussion.comments[0].reply_count == 2


def test_hidden_comments_and_pingbacks_have_no_own_page(client, post):
    spam = make_comment(post, status="spam")
    ping = make_comment(post, kind="pingback")
    assert client.get(f"/comment/{spam.pk}/thread/").status_code == 404
    assert client.get(f"/comment/{ping.pk}/thread/").status_code == 404
    assert client.get("/comment/999999/thread/").status_code == 404


def test_a_removed_comment_with_replies_has_a_page_without_a_reply_form_target(client, post):
    root = make_comment(post)
    reply = make_comment(post, parent=root, author_name="Kept")
    root.status = "removed"
    root.save()
    page = soup(client.get(f"/comment/{root.pk}/thread/"))
    assert page.select_one(f"#comment-{root.pk} .comment-removed")
    assert page.select_one(f"#comment-{reply.pk} .comment-author").get_text() == "Kept"
    assert page.select_one("input[name=parent]").get("value") in (None, "")


def test_the_permalink_of_a_deep_reply_leads_to_the_page_that_shows_it(client, post, settings):
    settings.COMMENTS_THREAD_MAX_DEPTH = 4
    comments = chain(post, 9)
    expected = {
        0: post.get_absolute_url(),
        3: post.get_absolute_url(),
        4: f"/comment/{comments[3].pk}/thread/",
        6: f"/comment/{comments[3].pk}/thread/",
        7: f"/comment/{comments[6].pk}/thread/",
    }
    for level, page_url in expected.items():
        response = client.get(f"/comment/{comments[level].pk}/")
        assert response["Location"] == f"{page_url}#comment-{comments[level].pk}"
        # ...and that page really shows it.
        page = soup(client.get(page_url))
        assert page.select_one(f"li#comment-{comments[level].pk}") is not None


def test_a_reply_sent_back_with_errors_focuses_the_field_to_fix(client, post):
    parent = make_comment(post)
    response = client.post(
        f"/posts/{post.slug}/comment/", {"name": "", "body": "Keep me", "parent": parent.pk}
    )
    page = soup(response)
    name = page.select_one("#id_name")
    assert name.has_attr("autofocus") and name["aria-invalid"] == "true"
    assert name["aria-describedby"] == "id_name_error"
    assert page.select_one("#id_name_error").get_text() == "This field is required."
    assert not page.select_one("#id_body").has_attr("autofocus")


# --- the comment form on a thread page --------------------------------------------------


def templates_of(response):
    return {template.name for template in response.templates}


def assert_thread_page(response, heading):
    assert "comments/thread.html" in templates_of(response)
    assert "blogapp/post_detail.html" not in templates_of(response)
    title = soup(response).select_one("h1.thread-title").get_text()
    assert " ".join(title.split()) == heading


def thread_field(response):
    """The thread page the shown form says it is on, if any."""
    field = soup(response).select_one("#respond form input[name=thread]")
    return field["value"] if field else None


def assert_post_page(response):
    assert "blogapp/post_detail.html" in templates_of(response)
    assert "comments/thread.html" not in templates_of(response)


def test_only_a_thread_pages_form_says_which_page_it_was_sent_from(client, post):
    comments = chain(post, 2)
    assert thread_field(client.get(f"/comment/{comments[0].pk}/thread/")) == str(comments[0].pk)
    assert thread_field(client.get(post.get_absolute_url())) is None


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"body": ""}, "body", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
    ids=["no-name", "no-body", "bad-email"],
)
def test_a_reply_with_errors_sent_from_a_thread_page_comes_back_to_that_page(
    client, post, overrides, field, message
):
    comments = chain(post, 4)
    typed = {"body": "Words typed on the thread page", **overrides}
    data = thread_form_data(client, comments[1], parent=comments[2].pk, **typed)
    response = client.post(comment_url(post), data)

    assert response.status_code == 200
    assert Comment.objects.count() == 4
    assert_thread_page(response, "L1’s comment and 2 replies")
    assert thread_field(response) == str(comments[1].pk)
    page = soup(response)
    assert message in page.select_one(f"#id_{field}").parent.select_one(".field-error").get_text()
    assert page.select_one("#id_body").get_text().strip() == typed["body"]
    # Still a reply to the comment chosen, not to the thread page's own comment.
    assert page.select_one("input[name=parent]")["value"] == str(comments[2].pk)
    assert page.select_one("#respond-title").get_text() == "Reply to L2"


def test_a_closed_post_refuses_a_thread_page_reply_on_that_page(client, post):
    comments = chain(post, 3)
    data = thread_form_data(client, comments[1], body="Typed before it closed")
    post.comments_open = False
    post.save()
    response = client.post(comment_url(post), data)

    assert response.status_code == 200
    assert_thread_page(response, "L1’s comment and 1 reply")
    page = soup(response)
    assert "Comments are closed" in page.select_one(".form-errors").get_text()
    assert page.select_one("#id_body").get_text() == "Typed before it closed"
    assert Comment.objects.count() == 3


def test_a_reused_form_comes_back_to_its_thread_page_with_a_new_token(client, post):
    comments = chain(post, 3)
    data = thread_form_data(client, comments[1], body="First reply")
    assert client.post(comment_url(post), data).status_code == 302
    response = client.post(comment_url(post), {**data, "body": "Second reply"})

    assert response.status_code == 200
    assert_thread_page(response, "L1’s comment and 2 replies")
    assert thread_field(response) == str(comments[1].pk)
    page = soup(response)
    assert "already used" in page.select_one(".form-errors").get_text()
    assert page.select_one("#id_body").get_text().strip() == "Second reply"
    assert page.select_one("input[name=parent]")["value"] == str(comments[1].pk)
    assert page.select_one("input[name=token]")["value"] != data["token"]


def test_a_removed_comments_thread_page_gets_its_form_back_too(client, post):
    root = make_comment(post)
    make_comment(post, parent=root, author_name="Kept")
    root.status = "removed"
    root.save()
    data = thread_form_data(client, root, name="")
    response = client.post(comment_url(post), data)

    assert response.status_code == 200
    assert_thread_page(response, "A removed comment and 1 reply")
    assert thread_field(response) == str(root.pk)
    assert soup(response).select_one("input[name=parent]").get("value") in (None, "")


FORGED_THREADS = {
    "not-a-number": lambda post: "abc",
    "empty": lambda post: "",
    "negative": lambda post: "-1",
    "missing": lambda post: "987654",
    "too-big": lambda post: "9" * 30,
    "another-posts-comment": lambda post: make_comment(make_post()).pk,
    "a-pingback": lambda post: make_comment(post, kind="pingback").pk,
    "hidden-without-replies": lambda post: make_comment(post, status="spam").pk,
}


@pytest.mark.parametrize("forged", FORGED_THREADS.values(), ids=FORGED_THREADS.keys())
def test_a_form_naming_no_thread_page_of_the_post_comes_back_to_the_post_page(client, post, forged):
    parent = make_comment(post, author_name="Root")
    data = form_data(client, post, parent=parent.pk, name="", thread=forged(post))
    response = client.post(comment_url(post), data)

    assert response.status_code == 200
    assert_post_page(response)
    page = soup(response)
    assert page.select_one("#id_name_error").get_text() == "This field is required."
    assert page.select_one("#id_body").get_text().strip() == data["body"]
    assert page.select_one("input[name=parent]")["value"] == str(parent.pk)


def test_a_valid_reply_from_a_thread_page_still_goes_to_the_new_comment(client, post):
    comments = chain(post, 4)
    response = client.post(
        comment_url(post), thread_form_data(client, comments[1], parent=comments[3].pk)
    )
    assert response.status_code == 302
    new = Comment.objects.get(author_name="Ann")
    assert response["Location"] == new.get_absolute_url()
    assert new.parent_id == comments[3].pk


def test_the_thread_field_never_chooses_the_comment_replied_to(client, post):
    comments = chain(post, 2)
    data = thread_form_data(client, comments[1], parent="")
    assert client.post(comment_url(post), data).status_code == 302
    assert Comment.objects.get(author_name="Ann").parent_id is None
