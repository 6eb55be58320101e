from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blogapp"
    verbose_name = "Blog"
