"""The sitemap (``/sitemap.xml``): the post list and every published post, those not listed
(pages such as About) too: nothing else leads a crawler to them. A post's ``lastmod`` is when
its page last changed: its own text, or its discussion (a comment shown, edited, removed)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from comments.selectors import with_discussion_changed_at

from .models import Post


class HomeSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["blogapp:post_list"]

    def location(self, item):
        return reverse(item)


class PostSitemap(Sitemap):
    def items(self):
        posts = Post.objects.published().only("slug", "updated_at")
        return with_discussion_changed_at(posts).order_by("published_at", "id")

    def lastmod(self, post):
        changed = post.discussion_changed_at
        return max(post.updated_at, changed) if changed else post.updated_at


SITEMAPS = {"home": HomeSitemap, "posts": PostSitemap}
