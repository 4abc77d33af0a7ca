"""Daily view counts: one row per release, Bangkok date and arrival channel; counts only, nothing about readers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a counted view came from, decided from its request alone (see channels.py)."""

    LINE = "line", "LINE"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X"
    SEARCH = "search", _("Search engines")
    OTHER = "other", _("Other sites")
    DIRECT = "direct", _("Direct or unknown")


class ReleaseViewDay(models.Model):
    """Views of one release on one day (Asia/Bangkok) from one channel.

    Written only by upsert (recording.py), in the same transaction as the `view_count` it
    mirrors: for views counted since daily tracking began, a release's rows sum to the growth of
    its `view_count`. Views from before (imported totals) are in `view_count` only.
    """

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="view_days")
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.DIRECT)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("readership statistics")
        constraints = [
            models.UniqueConstraint(fields=["release", "date", "channel"], name="release_view_day_unique"),
        ]
        # Site-wide reports sum a date range over every release.
        indexes = [models.Index(fields=["date", "release"], name="release_view_day_date_idx")]
        permissions = [("view_statistics", _("Can view readership statistics"))]

    def __str__(self):
        return f"{self.release_id} {self.date} {self.channel}: {self.views}"
