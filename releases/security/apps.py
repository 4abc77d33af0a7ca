"""The admin app, with our admin site (second factor required) as its default site."""

from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    default_site = "releases.security.site.NewsroomAdminSite"

    def ready(self):
        super().ready()
        from . import admin  # noqa: F401 (registers the audit log's read-only admin)
