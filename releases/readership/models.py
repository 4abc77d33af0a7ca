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


class ReadershipRollup(models.Model):
    """Site-wide views of one closed day, in total or by one channel, category or official (rollups.py).

    Derived from the daily rows, never written by the counter: built on the first report that
    needs the day, and dropped whenever that day's rows change after it closed (a late flush,
    pruning, an edited or deleted release), to be built again from the rows.
    """

    class Kind(models.TextChoices):
        TOTAL = "total"
        CHANNEL = "channel"
        CATEGORY = "category"
        OFFICIAL = "official"

    date = models.DateField(_("date"))
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The channel's value, the category's or official's id; "" for the day's total.
    key = models.CharField(max_length=20, blank=True, default="")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "date", "key"], name="readership_rollup_unique")]

    def __str__(self):
        return f"{self.date} {self.kind} {self.key}: {self.views}"
