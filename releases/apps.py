"""App configuration for releases."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press releases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import images
        from . import search  # noqa: F401 (connects the search index's signal handlers)
        from . import caching  # noqa: F401 (connects the page cache's invalidation signals)

        images.connect_signals()
        from .security import audit

        audit.connect_signals()
