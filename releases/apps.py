"""App configuration for releases."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press releases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .search import signals as search_signals
        from . import caching  # noqa: F401 (connects the page cache's invalidation signals)
        from .images import signal_handlers as image_signal_handlers
        from .security import audit
        from .redirects import admin as redirects_admin  # noqa: F401 (registers its admin)

        image_signal_handlers.register()
        search_signals.register()
        audit.connect_signals()
