from django.conf import settings
from django.views.generic import DetailView, ListView

from comments.pages import discussion_context
from comments.selectors import with_comment_counts

from .models import Post

ARCHIVE_POSTS_PER_PAGE = 200  # titles only: a long page reads quickly


class PostListView(ListView):
    template_name = "blogapp/post_list.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        posts = Post.objects.published().defer("body", "body_html").order_by("-published_at", "-id")
        return with_comment_counts(posts)


class PostArchiveView(ListView):
    """Every published post by title and date, newest first, grouped by year: the header's
    "Posts". Only the columns the list shows."""

    template_name = "blogapp/post_archive.html"
    context_object_name = "posts"
    paginate_by = ARCHIVE_POSTS_PER_PAGE

    def get_queryset(self):
        return (
            Post.objects.published()
            .only("id", "title", "slug", "published_at")
            .order_by("-published_at", "-id")
        )


class PostDetailView(DetailView):
    template_name = "blogapp/post_detail.html"

    def get_queryset(self):
        return Post.objects.published()

    def get_context_data(self, **kwargs):
        """The post, a page of its discussion and the comment form (from comments)."""
        post = self.object
        return {"post": post, "object": post, **discussion_context(self.request, post)}
