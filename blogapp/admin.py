from django.contrib import admin

from .models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "published_at", "comments_open", "author_name")
    list_filter = ("status", "comments_open", "published_at")
    search_fields = ("title", "body", "author_name")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
