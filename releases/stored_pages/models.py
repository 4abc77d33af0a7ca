"""StoredPage: a release's public page as last rendered for one address, kept until something on it changes."""

from django.db import models


class StoredPage(models.Model):
    """The HTML of one release page (one address: scheme, host, path and interface language) with
    slots for what changes on every request; removed by releases/stored_pages/invalidation.py."""

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="stored_pages")
    address = models.CharField(max_length=600)
    language = models.CharField(max_length=8)
    # The code, templates, translations and static files the page was rendered with (store.render_version()).
    version = models.CharField(max_length=32)
    # Copies taken at rendering, so a change can find the pages it touches without a join:
    # the release's date (pages whose related releases or neighbours lie near a changed one)
    # and the neighbours it links to.
    release_date = models.DateField()
    older_id = models.BigIntegerField(null=True)
    newer_id = models.BigIntegerField(null=True)
    # When a scheduled release that could appear on the page falls due (no save, so no signal).
    valid_until = models.DateTimeField(null=True)
    html = models.BinaryField()
    stored_at = models.DateTimeField()

    class Meta:
        app_label = "releases"
        constraints = [models.UniqueConstraint(fields=["release", "address", "language"], name="stored_page_unique_address")]
        indexes = [
            models.Index(fields=["release_date"], name="stored_page_date_idx"),
            models.Index(fields=["older_id"], name="stored_page_older_idx"),
            models.Index(fields=["newer_id"], name="stored_page_newer_idx"),
        ]

    def __str__(self):
        return f"{self.address} ({self.language})"
