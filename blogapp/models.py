from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import plain_excerpt, sanitize_post_html


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts readers may see: published, and not scheduled for later."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def listed(self):
        """Published posts the home page, the list of posts and the feeds show: not a page
        such as "About", which readers reach at its address (and in the sitemap and search)
        but which is no dated post of the blog."""
        return self.published().filter(listed=True)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    body = models.TextField(_("text"), blank=True, help_text=_("HTML. Sanitised when saved."))
    body_html = models.TextField(_("text as HTML"), blank=True, editable=False)
    # The opening words as plain text, for the list of posts: made with body_html.
    excerpt = models.TextField(_("excerpt"), blank=True, editable=False)
    author_name = models.CharField(_("author name"), max_length=200, blank=True)
    # The site user who wrote it, if any: their comments on it carry an "Author" badge.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    listed = models.BooleanField(
        _("listed"),
        default=True,
        db_default=True,  # rows written by code that predates the field are listed
        help_text=_(
            "Shown on the home page, in the list of posts and in the feeds. Off for a page "
            "such as About, which stays at its address."
        ),
    )
    # Where an imported post came from, so a second import recognises it.
    source = models.CharField(max_length=200, blank=True, editable=False)
    source_id = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="post_status_valid"
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source=""),
                name="post_unique_source",
            ),
        ]
        # The post list's order (newest first, then id), so a page is read from the index
        # in order, with no sort of every published post, however far back it is. Listed
        # published posts only: the paginator's count is then an index-only scan of it too
        # (10,000 posts: 2.3 ms against 6.6 ms for the table's sequential scan).
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published", listed=True),
                name="post_listing_idx",
            )
        ]
        permissions = [("export_archive", _("Can download an export of the archive"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.render_body()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "excerpt"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blogapp:post_detail", kwargs={"slug": self.slug})

    def render_body(self):
        """Fill ``body_html``, the sanitised HTML the page shows, and ``excerpt``, the plain
        text the list of posts shows, from ``body``.

        ``save()`` calls it; code that inserts posts in bulk (the importer) must call it too.
        """
        self.body_html = sanitize_post_html(self.body)
        self.excerpt = plain_excerpt(self.body_html)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()


class OldLink(models.Model):
    """An address a post had on the site it was imported from (``blogapp/links.py``).

    ``path`` is the lookup key: the URL's decoded path, without repeated or trailing slashes
    (``blogapp.links.normal_path``), plus ``?p=<id>`` for WordPress's numeric links. A request
    that matches no page here but an old path of a post readers can see is redirected to the
    post for good (301).
    """

    path = models.CharField(_("old path"), max_length=500, unique=True)
    url = models.CharField(_("old address"), max_length=1000)
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="old_links", verbose_name=_("post")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("old link")
        verbose_name_plural = _("old links")
        ordering = ["path"]

    def __str__(self):
        return self.path
