from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from comments.moderation import post_accepts_comments
from comments.pages import DiscussionPageResponse, canonical_page_redirect, discussion_context
from comments.selectors import attach_comment_counts, with_discussion_version
from comments.text import ends_sentence

from .models import Post
from .paging import KeysFirstPaginator
from .search import quoted_query, results_html, search, searched_text

ARCHIVE_POSTS_PER_PAGE = 200  # titles only: a long page reads quickly


class PostListView(ListView):
    template_name = "blogapp/post_list.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE
    paginator_class = KeysFirstPaginator

    def get_queryset(self):
        return Post.objects.listed().defer("body", "body_html").order_by("-published_at", "-id")

    def paginate_queryset(self, queryset, page_size):
        """The page's posts, with their comment counts (one query for the page's posts) and
        whether each takes comments (a post with none that takes none says so, rather than
        linking to "0 comments")."""
        paginator, page, posts, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = attach_comment_counts(posts)
        for post in page.object_list:
            post.takes_comments = post_accepts_comments(post)
        return paginator, page, page.object_list, is_paginated


class PostArchiveView(ListView):
    """Every listed post by title and date, newest first, grouped by year: the header's
    "Posts". Only the columns the list shows."""

    template_name = "blogapp/post_archive.html"
    context_object_name = "posts"
    paginate_by = ARCHIVE_POSTS_PER_PAGE

    def get_queryset(self):
        return (
            Post.objects.listed()
            .only("id", "title", "slug", "published_at")
            .order_by("-published_at", "-id")
        )


class PostDetailView(DetailView):
    template_name = "blogapp/post_detail.html"
    response_class = DiscussionPageResponse  # the discussion's HTML encoded on its own

    def get_queryset(self):
        # The discussion's version rides on the post's query: the cache key costs nothing.
        return with_discussion_version(Post.objects.published())

    def get(self, request, *args, **kwargs):
        # ?cpage=01, +1, 0_1 … answer with the page's one address, not another rendering.
        return canonical_page_redirect(request) or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        """The post, a page of its discussion and the comment form (from comments)."""
        post = self.object
        return {"post": post, "object": post, **discussion_context(self.request, post)}


def search_view(request):
    """The search page: ``?q=words&page=N`` (the header's search form sends ``q``)."""
    query = searched_text(request.GET.get("q", ""))
    try:
        page = search(query, request.GET.get("page", 1))
    except InvalidPage as exc:
        raise Http404(_("There is no such page of results.")) from exc
    context = {
        "query": query,
        "quoted_query": quoted_query(query),
        # "Nothing found for “why?”" takes no full stop of ours after the words' own "?".
        "query_ends_sentence": ends_sentence(query),
        "page_obj": page,
        "results_html": results_html(page) if page is not None and page.object_list else "",
    }
    return render(request, "blogapp/search.html", context)


def robots_txt(request):
    """Crawlers may read everything but the admin; the sitemap lists the published posts."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
