"""A release's countries and topics in one query, and the releases related to it by what they share."""

import datetime

from django.db import models
from django.db.models import Q, Value

from ..models import NEWEST_FIRST, Release
from .models import Country, Topic


def subjects_of(release):
    """(countries, topics) of `release` from ONE query (a union), sorted by Thai name: for its page."""
    fields = ("kind", "pk", "key", "name_th", "name_en")
    countries = Country.objects.filter(releases=release).order_by().annotate(
        kind=Value(0, output_field=models.IntegerField()), key=models.F("code")
    ).values_list(*fields)
    topics = Topic.objects.filter(releases=release).order_by().annotate(
        kind=Value(1, output_field=models.IntegerField()), key=models.F("slug")
    ).values_list(*fields)
    found = ([], [])
    for kind, pk, key, name_th, name_en in sorted(countries.union(topics, all=True), key=lambda row: row[3]):
        if kind == 0:
            found[0].append(Country(pk=pk, code=key, name_th=name_th, name_en=name_en))
        else:
            found[1].append(Topic(pk=pk, slug=key, name_th=name_th, name_en=name_en))
    return found


def related_to(release, queryset, countries=(), topics=(), limit=4, window_days=180):
    """Public releases within `window_days` sharing the most officials, countries and topics with
    `release` (then of its category), newest first among equals: one query, a second only when
    fewer than `limit` share anything.

    The date window bounds the work however large the archive: near in time is what is related.
    Only releases that share something are counted (one correlated count per link table for each
    of them, not for every release in the window); the same category fills what is left.
    """
    window = datetime.timedelta(days=window_days)
    candidates = (
        queryset.published()
        .exclude(pk=release.pk)
        .filter(release_date__range=(release.release_date - window, release.release_date + window))
    )
    shared, sharing = Value(0), None
    for relation, column, ids in (
        (Release.officials, "official_id", [official.pk for official in release.officials.all()]),
        (Release.countries, "country_id", [country.pk for country in countries]),
        (Release.topics, "topic_id", [topic.pk for topic in topics]),
    ):
        if ids:
            links = relation.through.objects.filter(**{f"{column}__in": ids})
            count = links.filter(release_id=models.OuterRef("pk")).order_by().values("release_id").annotate(n=models.Count("*")).values("n")
            shared = shared + models.functions.Coalesce(models.Subquery(count), 0)
            linked = Q(pk__in=links.values("release_id"))
            sharing = linked if sharing is None else sharing | linked
    found = []
    if sharing is not None:
        found = list(candidates.filter(sharing).annotate(shared=shared).order_by("-shared", *NEWEST_FIRST)[:limit])
    if len(found) < limit:
        same_category = candidates.filter(category_id=release.category_id).exclude(pk__in=[item.pk for item in found])
        found += list(same_category.order_by(*NEWEST_FIRST)[: limit - len(found)])
    return found
