"""Readership reports: aggregate queries over daily views for a period, each one query, and the period rules."""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.cache import cache
from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import thai
from ..forms import ThaiDateField
from .models import ReleaseViewDay

PRESET_DAYS = (30, 90, 365)
FISCAL_CACHE_SECONDS = 3600
FIRST_DAYS = 3  # "first 72 hours": the publication day and the two after, as daily rows can tell


def fiscal_year(day):
    """The Thai government's fiscal year (October to September) of `day`, in the Buddhist era."""
    return thai.be_year(day) + (1 if day.month >= 10 else 0)


def fiscal_year_range(be_year):
    """(1 October, 30 September) of Buddhist-era fiscal year `be_year`: 2569 is 1 Oct 2025 - 30 Sep 2026."""
    ce = thai.ce_year(be_year)
    return datetime.date(ce - 1, 10, 1), datetime.date(ce, 9, 30)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def last(cls, days, today):
        return cls(today - datetime.timedelta(days=days - 1), today)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def dates(self):
        return [self.start + datetime.timedelta(days=n) for n in range(self.days)]

    def rows(self):
        return ReleaseViewDay.objects.filter(date__range=(self.start, self.end))


class PeriodForm(forms.Form):
    """Which period a screen reports: the last 30/90/365 days, a fiscal year, or two Buddhist-era dates."""

    days = forms.TypedChoiceField(label=_("last"), coerce=int, required=False, choices=[(n, n) for n in PRESET_DAYS])
    fiscal_year = forms.IntegerField(label=_("fiscal year (B.E.)"), required=False, min_value=2500, max_value=2700)
    start = ThaiDateField(label=_("from"), required=False)
    end = ThaiDateField(label=_("to"), required=False)

    MAX_DAYS = 3660

    def clean(self):
        data = super().clean()
        if data.get("start") or data.get("end"):
            if not (data.get("start") and data.get("end")):
                raise forms.ValidationError(_("Give both dates of the period."))
            if data["start"] > data["end"]:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (data["end"] - data["start"]).days >= self.MAX_DAYS:
                raise forms.ValidationError(_("A period is at most ten years."))
        return data

    def period(self, today):
        """The chosen period (the last 30 days when nothing, or nothing valid, was chosen)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start"):
            return Period(data["start"], data["end"])
        if data.get("fiscal_year"):
            return Period(*fiscal_year_range(data["fiscal_year"]))
        return Period.last(data.get("days") or PRESET_DAYS[0], today)


def daily(period, release=None):
    """[(date, views)] for every day of the period, zeros included: one query."""
    rows = period.rows()
    if release is not None:
        rows = rows.filter(release=release)
    found = dict(rows.order_by().values_list("date").annotate(total=Sum("views")))
    return [(day, found.get(day, 0)) for day in period.dates()]


def most_read(period, limit=20):
    """[{release, title, language, views}] of the most-read releases in the period: one query."""
    rows = (
        period.rows()
        .values("release", "release__title", "release__language")
        .annotate(views=Sum("views"))
        .order_by("-views", "release")[:limit]
    )
    return [{"release": r["release"], "title": r["release__title"], "language": r["release__language"], "views": r["views"]} for r in rows]


def by_category(period):
    """[(category name, views)]: one query."""
    rows = period.rows().values("release__category__name_th").annotate(views=Sum("views")).order_by("-views")
    return [(r["release__category__name_th"], r["views"]) for r in rows]


def by_official(period, limit=30):
    """[(official name, views)] summed over the releases that mention each official: one query."""
    rows = (
        period.rows()
        .filter(release__officials__isnull=False)
        .values("release__officials__name_th")
        .annotate(views=Sum("views"))
        .order_by("-views")[:limit]
    )
    return [(r["release__officials__name_th"], r["views"]) for r in rows]


def by_channel(period):
    """[(channel label, views)] in the channels' own order: one query."""
    found = dict(period.rows().order_by().values_list("channel").annotate(total=Sum("views")))
    return [(label, found.get(value, 0)) for value, label in ReleaseViewDay._meta.get_field("channel").choices]


def fiscal_years():
    """[(Buddhist-era fiscal year, views)], oldest first: one query (by day, folded here), cached for an hour.

    The one table over every row ever written: a scan, so it is kept in the cache; past years
    no longer change and the current one is at most an hour behind.
    """
    key = f"readership:fiscal-years:{timezone.localdate().isoformat()}"
    found = cache.get(key)
    if found is None:
        totals = {}
        for day, total in ReleaseViewDay.objects.order_by().values_list("date").annotate(total=Sum("views")):
            totals[fiscal_year(day)] = totals.get(fiscal_year(day), 0) + total
        found = sorted(totals.items())
        cache.set(key, found, FISCAL_CACHE_SECONDS)
    return found


def release_summary(release):
    """{"first_days", "tracked", "before_tracking", "first_tracked"} of one release: one query.

    Views counted before daily tracking (imported totals) are in view_count only.
    """
    published = timezone.localdate(release.publish_at) if release.publish_at else release.release_date
    first_end = published + datetime.timedelta(days=FIRST_DAYS - 1)
    found = ReleaseViewDay.objects.filter(release=release).aggregate(
        tracked=Sum("views"),
        first_days=Sum("views", filter=Q(date__range=(published, first_end))),
        first_tracked=Min("date"),
    )
    tracked = found["tracked"] or 0
    return {
        "published": published,
        "first_days": found["first_days"] or 0,
        "tracked": tracked,
        "first_tracked": found["first_tracked"],
        "before_tracking": max(release.view_count - tracked, 0),
    }


def release_period(release, today):
    """A release's own page covers publication to today (at most ten years)."""
    summary_start = timezone.localdate(release.publish_at) if release.publish_at else release.release_date
    start = max(summary_start, today - datetime.timedelta(days=PeriodForm.MAX_DAYS - 1))
    return Period(min(start, today), today)
