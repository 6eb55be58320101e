"""The sitemap (``/sitemap.xml``): the post list and every published post, those not listed
(pages such as About) too: nothing else leads a crawler to them."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Post


class HomeSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["blogapp:post_list"]

    def location(self, item):
        return reverse(item)


class PostSitemap(Sitemap):
    def items(self):
        return Post.objects.published().only("slug", "updated_at").order_by("published_at", "id")

    def lastmod(self, post):
        return post.updated_at


SITEMAPS = {"home": HomeSitemap, "posts": PostSitemap}
