"""Posting the comment form the way a reader's browser does."""

from tests.html import soup

TYPED = {"name": "Ann", "email": "ann@example.com", "url": "", "body": "Hello there."}


def comment_url(post):
    return f"/posts/{post.slug}/comment/"


def form_token(client, post):
    """The one-time token of the comment form on the post page ("" when it shows no form)."""
    page = soup(client.get(post.get_absolute_url()))
    field = page.select_one("#respond form input[name=token]")
    return field["value"] if field else ""


def form_data(client, post, **overrides):
    """What a reader's browser sends: the typed fields plus the rendered form's one-time token."""
    return {**TYPED, "token": form_token(client, post), **overrides}


def thread_form_data(client, comment, **overrides):
    """What a reader's browser sends from ``comment``'s thread page: the typed fields plus
    every hidden field of the form there (token, reply target, the thread page's comment)."""
    page = soup(client.get(f"/comment/{comment.pk}/thread/"))
    hidden = page.select("#respond form input[type=hidden]")
    return {**TYPED, **{field["name"]: field.get("value", "") for field in hidden}, **overrides}
