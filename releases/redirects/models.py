"""Old addresses and where they lead (LegacyURL), and the old addresses that led nowhere (MissingLegacyURL)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .matching import MAX_PATH_LENGTH, candidates, is_old_address, is_site_path, normalise, storable


class LegacyURLQuerySet(models.QuerySet):
    def answering(self, url, now=None):
        """The redirect for `url`, or None: a release only while its URL answers (a draft's old address is a 404)."""
        keys = candidates(url)
        if not storable(keys[0]):
            return None
        releases = self.model._meta.get_field("release").related_model.objects  # by name: no import cycle
        live = Q(release__isnull=True) | Q(release__in=releases.reachable(now).values("pk"))
        found = {row.path: row for row in self.filter(live, path__in=keys).select_related("release")}
        return next((found[key] for key in keys if key in found), None)

    def record(self, url, release):
        """Points the old address `url` at `release` (the import and the CSV: the last one written wins)."""
        path = normalise(url)
        if path == "/" or not storable(path):
            raise ValidationError(_("“%(url)s” is not a usable old address.") % {"url": url})
        row, _created = self.update_or_create(path=path, defaults={"release": release, "target_url": ""})
        return row


class LegacyURL(models.Model):
    """An old address (normalised, see matching.normalise) and the release or URL it now answers with."""

    path = models.CharField(_("old address"), max_length=MAX_PATH_LENGTH, unique=True,
                            help_text=_("Path and query of the old address; a full URL is accepted and stored normalised."))
    release = models.ForeignKey("releases.Release", verbose_name=_("release"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="legacy_urls")
    target_url = models.CharField(_("target URL"), max_length=MAX_PATH_LENGTH, blank=True,
                                  help_text=_("Another page on this site (a path such as /officials/) when there is no release."))
    hits = models.PositiveBigIntegerField(_("hits"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LegacyURLQuerySet.as_manager()

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(release__isnull=False) & Q(target_url="")) | (Q(release__isnull=True) & ~Q(target_url="")),
                name="legacyurl_one_target",
            ),
        ]

    def __str__(self):
        return self.path

    def clean(self):
        self.path = normalise(self.path)
        if self.path == "/":
            raise ValidationError({"path": _("The home page cannot be redirected.")})
        if bool(self.release_id) == bool(self.target_url):
            raise ValidationError(_("Choose either a release or a target URL."))
        if self.target_url and not is_site_path(self.target_url):
            raise ValidationError({"target_url": _("Give a path on this site, starting with /.")})

    def save(self, *args, **kwargs):
        self.path = normalise(self.path)
        super().save(*args, **kwargs)

    def destination(self):
        return self.release.get_absolute_url() if self.release_id else self.target_url

    def count_hit(self):
        type(self).objects.filter(pk=self.pk).update(hits=F("hits") + 1)


class MissingLegacyURL(models.Model):
    """An old address asked for and not found: counts only, so editors can map the common ones."""

    path = models.CharField(_("old address"), max_length=MAX_PATH_LENGTH, unique=True)
    hits = models.PositiveBigIntegerField(_("hits"), default=1)
    last_seen = models.DateTimeField(_("last requested"), default=timezone.now)

    class Meta:
        verbose_name = _("old address not found")
        verbose_name_plural = _("old addresses not found")
        ordering = ["-hits", "path"]

    def __str__(self):
        return self.path

    @classmethod
    def count(cls, url):
        """Counts a miss of `url` if it is an old address; new paths stop at LEGACY_MISSING_MAX_PATHS rows."""
        path = normalise(url)
        if not is_old_address(path) or not storable(path):
            return
        now = timezone.now()
        if cls.objects.filter(path=path).update(hits=F("hits") + 1, last_seen=now):
            return
        if cls.objects.count() >= settings.LEGACY_MISSING_MAX_PATHS:
            return
        try:
            with transaction.atomic():
                cls.objects.create(path=path, last_seen=now)
        except IntegrityError:  # another request created it first
            cls.objects.filter(path=path).update(hits=F("hits") + 1, last_seen=now)
