"""Countries and topics a release is about (the relations are `Release.countries` and `Release.topics`)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    ASEAN = "asean", _("ASEAN")
    EAST_ASIA = "east-asia", _("East Asia")
    SOUTH_ASIA = "south-asia", _("South Asia")
    CENTRAL_ASIA = "central-asia", _("Central Asia")
    MIDDLE_EAST = "middle-east", _("Middle East")
    EUROPE = "europe", _("Europe")
    AMERICAS = "americas", _("Americas")
    AFRICA = "africa", _("Africa")
    OCEANIA = "oceania", _("Oceania")


def alias_list(item):
    """Every name a country or topic is recognised by in text: both names and one alias per line."""
    names = [item.name_th, item.name_en, *item.aliases.splitlines()]
    return list(dict.fromkeys(" ".join(name.split()) for name in names if name and name.strip()))


class Country(models.Model):
    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True, help_text=_("Two capital letters, e.g. MM."))
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("One name variant per line; used to suggest this country for a release."))

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z]{2}$"), name="country_code_alpha2")]

    def __str__(self):
        return self.name_th

    def name_for(self, language):
        return self.name_en if language == "en" and self.name_en else self.name_th

    def get_absolute_url(self):
        return reverse("releases:country", args=[self.code.lower()])

    alias_list = alias_list


class Topic(models.Model):
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Latin letters, digits and hyphens, e.g. consular-assistance."))
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("One name variant per line; used to suggest this topic for a release."))

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name_th

    def name_for(self, language):
        return self.name_en if language == "en" and self.name_en else self.name_th

    def get_absolute_url(self):
        return reverse("releases:topic", args=[self.slug])

    alias_list = alias_list
