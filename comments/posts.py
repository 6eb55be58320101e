"""The model comments attach to, known only by its label (``COMMENTS_POST_MODEL``).

``comments`` never imports the site's app: the site uses comments (its services, selectors and
page helpers), not the other way round. What comments asks of the post model:

- ``objects.published()``: the posts readers may see;
- ``is_published``, ``comments_open`` and ``published_at``: whether it takes new comments;
- ``slug``, ``title`` and ``get_absolute_url()``: the links and headings its pages print;
- ``author_id``: the site user who wrote it, or None (their comments on it get an "Author"
  badge); optionally ``author_name``, the name a moderator's reply as the post's author
  is published under;
- a detail template named as Django's ``DetailView`` names it (``<app>/<model>_detail.html``),
  which shows a form sent back with errors on the post's own page.
"""

from django.apps import apps
from django.conf import settings


def post_model():
    return apps.get_model(settings.COMMENTS_POST_MODEL)


def published_posts():
    return post_model().objects.published()


def post_detail_template(post):
    """The post page's template, by ``DetailView``'s naming convention."""
    return f"{post._meta.app_label}/{post._meta.model_name}_detail.html"
