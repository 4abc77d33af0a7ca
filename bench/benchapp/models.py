"""The minimal counter's own table: the benchmark never writes into the site's tables."""

from django.db import models


class Counter(models.Model):
    """One row the minimal counter view increments, like a release's view_count."""

    view_count = models.PositiveIntegerField(default=0)
