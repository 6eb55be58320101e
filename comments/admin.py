from django.contrib import admin
from mptt.admin import MPTTModelAdmin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(MPTTModelAdmin):
    list_display = ("__str__", "author_name", "post", "status", "kind", "created_at")
    list_filter = ("status", "kind", "created_at")
    search_fields = ("author_name", "author_email", "author_url", "ip_address", "body")
    raw_id_fields = ("post", "parent")
    readonly_fields = ("body_html",)
    list_select_related = ("post",)
