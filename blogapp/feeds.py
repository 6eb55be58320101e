"""RSS and Atom feeds (Django's syndication framework): the latest posts, the latest comments
of the whole site, and one post's comments. Comments come from ``comments.selectors``: only
what a reader sees on the pages (approved, on a published post). No feed carries an email."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from comments.selectors import latest_visible_comments

from .models import Post


def _site_title():
    return _("The Blog")


class LatestPostsFeed(Feed):
    def title(self):
        return _site_title()

    def description(self):
        return _("The latest posts of %(site)s.") % {"site": _site_title()}

    def link(self):
        return reverse("blogapp:post_list")

    def items(self):
        return Post.objects.listed().order_by("-published_at", "-id")[
            : settings.COMMENTS_FEED_ITEMS
        ]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.body_html

    def item_author_name(self, post):
        return post.author_name or None

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at


class CommentsFeedMixin:
    """What every comment feed says about one comment."""

    def item_title(self, comment):
        author = comment.author_name or _("Unknown author")
        return _("%(author)s on %(post)s") % {"author": author, "post": comment.post.title}

    def item_description(self, comment):
        """The comment's (sanitised) HTML in its own direction, as on the page: a reader
        shows an Arabic or Hebrew comment right to left."""
        return f'<div dir="auto">{comment.body_html}</div>'

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_author_name(self, comment):
        return comment.author_name or _("Unknown author")

    def item_author_link(self, comment):
        url = comment.author_url
        return url if url.startswith(("http://", "https://")) else None

    def item_pubdate(self, comment):
        return comment.created_at


class LatestCommentsFeed(CommentsFeedMixin, Feed):
    def title(self):
        return _("Comments on %(site)s") % {"site": _site_title()}

    def description(self):
        return _("The latest comments on every post of %(site)s.") % {"site": _site_title()}

    def link(self):
        return reverse("blogapp:post_list")

    def items(self):
        return latest_visible_comments(limit=settings.COMMENTS_FEED_ITEMS)


class PostCommentsFeed(CommentsFeedMixin, Feed):
    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post):
        return _("Comments on %(post)s") % {"post": post.title}

    def description(self, post):
        return _("The latest comments on %(post)s.") % {"post": post.title}

    def link(self, post):
        return post.get_absolute_url()

    def items(self, post):
        return latest_visible_comments(limit=settings.COMMENTS_FEED_ITEMS, post=post)


class AtomLatestPostsFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description


class AtomLatestCommentsFeed(LatestCommentsFeed):
    feed_type = Atom1Feed
    subtitle = LatestCommentsFeed.description


class AtomPostCommentsFeed(PostCommentsFeed):
    feed_type = Atom1Feed
    subtitle = PostCommentsFeed.description
