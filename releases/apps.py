"""App configuration for releases."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press releases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .cache_tables import create_cache_tables
        from .search import signals as search_signals
        from . import caching, scheduled_edits, stored_pages
        from .attachments import signals as attachment_signals
        from .images import signal_handlers as image_signal_handlers
        from .security import audit
        from .redirects import admin as redirects_admin  # noqa: F401 (registers its admin)
        from .readership import signals as readership_signals

        caching.register()
        stored_pages.register()
        scheduled_edits.register()
        image_signal_handlers.register()
        search_signals.register()
        audit.connect_signals()
        attachment_signals.register()
        readership_signals.register()
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="releases_cache_tables")
