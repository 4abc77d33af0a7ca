"""Readership reports: a fixed few aggregate queries per table (closed days from their sums), and the period rules."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.cache import cache
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import thai
from ..forms import ThaiDateField
from ..models import Category, Official, Release
from . import rollups
from .models import ReadershipRollup, ReleaseViewDay

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

    @cached_property
    def parts(self):
        """(closed days, open days) as (start, end) or None, the closed ones summed first: once per Period,
        so the dashboard's tables share one check (rollups.ensure)."""
        closed, live = rollups.split(self.start, self.end, timezone.localdate())
        if closed:
            rollups.ensure(*closed)
        return closed, live


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


def _site_wide(period, kind, group):
    """{key: views} over the period: closed days from their sums, the open ones from the daily rows.
    Two queries, after the period's check that its closed days are summed."""
    closed, live = period.parts
    found = {}
    if closed:
        found = rollups.by_day(*closed) if kind == ReadershipRollup.Kind.TOTAL else rollups.totals(kind, *closed)
    if live:
        rows = ReleaseViewDay.objects.filter(date__range=live, **{f"{group}__isnull": False}).order_by()
        for key, views in rows.values_list(group).annotate(total=Sum("views")):
            key = key if kind == ReadershipRollup.Kind.TOTAL else str(key)
            found[key] = found.get(key, 0) + views
    return found


def daily(period, release=None):
    """[(date, views)] for every day of the period, zeros included: one query for a release, two site-wide."""
    if release is None:
        found = _site_wide(period, ReadershipRollup.Kind.TOTAL, "date")
    else:
        found = dict(period.rows().filter(release=release).order_by().values_list("date").annotate(total=Sum("views")))
    return [(day, found.get(day, 0)) for day in period.dates()]


def _named(found, model, limit=None):
    """[(name, views)] from {id: views}, most views first: one query for the names."""
    ranked = sorted(found.items(), key=lambda item: (-item[1], int(item[0])))[:limit]
    names = dict(model.objects.filter(pk__in=[int(key) for key, _views in ranked]).values_list("pk", "name_th"))
    return [(names[int(key)], views) for key, views in ranked if int(key) in names]


def most_read(period, limit=20):
    """[{release, title, language, views}] of the most-read releases in the period: two queries.

    The window's rows summed by release alone (an index range, no join), then the titles of the
    `limit` first: joining every row of the window to its release before grouping read the whole
    release table (0.3-0.9 s on 100,000 releases).
    """
    top = list(period.rows().order_by().values_list("release").annotate(views=Sum("views")).order_by("-views", "release")[:limit])
    found = {pk: (title, language) for pk, title, language in Release.objects.filter(pk__in=[pk for pk, _views in top]).values_list("pk", "title", "language")}
    return [{"release": pk, "title": found[pk][0], "language": found[pk][1], "views": views} for pk, views in top if pk in found]


def by_category(period):
    """[(category name, views)]: three queries (sums, open days, names)."""
    return _named(_site_wide(period, ReadershipRollup.Kind.CATEGORY, "release__category"), Category)


def by_official(period, limit=30):
    """[(official name, views)] summed over the releases that mention each official: three queries."""
    return _named(_site_wide(period, ReadershipRollup.Kind.OFFICIAL, "release__officials"), Official, limit)


def by_channel(period):
    """[(channel label, views)] in the channels' own order: two queries."""
    found = _site_wide(period, ReadershipRollup.Kind.CHANNEL, "channel")
    return [(label, found.get(value, 0)) for value, label in ReleaseViewDay._meta.get_field("channel").choices]


def fiscal_years():
    """[(Buddhist-era fiscal year, views)], oldest first, over every day ever tracked: three queries
    (first and last day, day sums, open days), cached for an hour."""
    key = f"readership:fiscal-years:{timezone.localdate().isoformat()}"
    found = cache.get(key)
    if found is None:
        span = ReleaseViewDay.objects.aggregate(first=Min("date"), last=Max("date"))
        totals = {}
        if span["first"] is not None:
            period = Period(span["first"], max(span["last"], timezone.localdate()))
            for day, total in _site_wide(period, ReadershipRollup.Kind.TOTAL, "date").items():
                if total:
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
