"""A release's countries and topics in one query, and the releases related to it by what they share."""

import datetime

from django.db import models
from django.db.models import Q, Value
from django.utils import timezone

from ..models import NEWEST_FIRST, Release
from ..prepared import PreparedValues
from .models import Country, Topic

# How far from a release, in days either way, its related releases are looked for.
WINDOW_DAYS = 180


def subjects_of(release):
    """(countries, topics) of `release` from ONE query (a union), sorted by Thai name: for its page."""
    return subjects_from_rows(subjects_query(release))


def subjects_query(release):
    """The union behind subjects_of(): (kind, pk, key, name_th, name_en) rows, 0 a country, 1 a topic."""
    fields = ("kind", "pk", "key", "name_th", "name_en")
    countries = Country.objects.filter(releases=release).order_by().annotate(
        kind=Value(0, output_field=models.IntegerField()), key=models.F("code")
    ).values_list(*fields)
    topics = Topic.objects.filter(releases=release).order_by().annotate(
        kind=Value(1, output_field=models.IntegerField()), key=models.F("slug")
    ).values_list(*fields)
    return countries.union(topics, all=True)


def subjects_from_rows(rows):
    """subjects_query()'s rows as (countries, topics), each sorted by Thai name."""
    found = ([], [])
    for kind, pk, key, name_th, name_en in sorted(rows, key=lambda row: row[3]):
        if kind == 0:
            found[0].append(Country(pk=pk, code=key, name_th=name_th, name_en=name_en))
        else:
            found[1].append(Topic(pk=pk, slug=key, name_th=name_th, name_en=name_en))
    return found


def related_to(release, queryset, countries=(), topics=(), limit=4, window_days=WINDOW_DAYS):
    """Public releases within `window_days` sharing the most officials, countries and topics with
    `release` (then of its category), newest first among equals: one query, a second only when
    fewer than `limit` share anything.

    The date window bounds the work however large the archive: near in time is what is related.
    Only releases that share something are counted (one correlated count per link table for each
    of them, not for every release in the window); the same category fills what is left.
    """
    shares = _shares(release, countries, topics)
    window = _window(release, window_days)
    found = []
    if any(shares):
        found = list(_sharing(queryset, release.pk, window, shares)[:limit])
    if len(found) < limit:
        found += list(_same_category(queryset, release.pk, window, release.category_id, [item.pk for item in found])[: limit - len(found)])
    return found


def related_links(release, countries=(), topics=(), limit=4, window_days=WINDOW_DAYS, fields=("pk", "title", "slug", "language", "release_date")):
    """related_to() as dicts of `fields`, from the same queries compiled once per shape (the
    number of officials, countries and topics shared; releases/prepared.py): on the detail page
    compiling them cost Django half as much again as running them."""
    shares = _shares(release, countries, topics)
    using = release._state.db or "default"
    window = _window(release, window_days)
    values = {"pk": release.pk, "start": window[0], "end": window[1], "now": timezone.now()}
    found = []
    if any(shares):
        names = [f"{kind}{i}" for kind, ids in zip("oct", shares) for i in range(len(ids))]
        values.update(zip(names, (pk for ids in shares for pk in ids)))

        def sharing(**markers):
            ids = [[markers[f"{kind}{i}"] for i in range(len(group))] for kind, group in zip("oct", shares)]
            return _sharing(Release.objects.all(), markers["pk"], (markers["start"], markers["end"]), ids, markers["now"]).values_list(*fields)[:limit]

        found = _prepared(("sharing", limit, fields, *map(len, shares)), sharing, ["pk", *names]).run(using, **values)
    if len(found) < limit:
        kept = [f"f{i}" for i in range(len(found))]
        values.update(category=release.category_id, **dict(zip(kept, (row[0] for row in found))))

        def same_category(**markers):
            queryset = _same_category(Release.objects.all(), markers["pk"], (markers["start"], markers["end"]), markers["category"], [markers[name] for name in kept], markers["now"])
            return queryset.values_list(*fields)[: limit - len(kept)]

        found += _prepared(("category", limit, fields, len(kept)), same_category, ["pk", "category", *kept]).run(using, **values)
    return [dict(zip(fields, row)) for row in found]


_PREPARED = {}


def _prepared(shape, build, ints):
    """The PreparedValues for this shape of query (a handful of shapes are ever seen)."""
    prepared = _PREPARED.get(shape)
    if prepared is None:
        if len(_PREPARED) > 256:  # a pathological spread of shapes: compile each time instead
            _PREPARED.clear()
        prepared = _PREPARED[shape] = PreparedValues(build, ints=ints, moments=["now"], days=["start", "end"])
    return prepared


def _shares(release, countries, topics):
    return (
        [official.pk for official in release.officials.all()],
        [country.pk for country in countries],
        [topic.pk for topic in topics],
    )


def _window(release, window_days):
    window = datetime.timedelta(days=window_days)
    return release.release_date - window, release.release_date + window


def _candidates(queryset, pk, window, now=None):
    return queryset.published(now).exclude(pk=pk).filter(release_date__range=window)


def _sharing(queryset, pk, window, shares, now=None):
    """Candidates sharing anything, with `shared`, the number of things shared, most first."""
    shared, sharing = Value(0), None
    for (relation, column), ids in zip(((Release.officials, "official_id"), (Release.countries, "country_id"), (Release.topics, "topic_id")), shares):
        if ids:
            links = relation.through.objects.filter(**{f"{column}__in": ids})
            count = links.filter(release_id=models.OuterRef("pk")).order_by().values("release_id").annotate(n=models.Count("*")).values("n")
            shared = shared + models.functions.Coalesce(models.Subquery(count), 0)
            linked = Q(unindexed_pk__in=links.values("release_id"))
            sharing = linked if sharing is None else sharing | linked
    # "id + 0": SQLite would otherwise start from every release linked to the shared officials
    # (the minister: most of the archive) and look each up by id; with the id hidden from it, it
    # walks the date window and tests each release (2x faster at 10,000 releases, and bounded by
    # the window however large the archive grows). PostgreSQL plans both alike.
    candidates = _candidates(queryset, pk, window, now).alias(unindexed_pk=models.F("pk") + 0)
    return candidates.filter(sharing).annotate(shared=shared).order_by("-shared", *NEWEST_FIRST)


def _same_category(queryset, pk, window, category_id, exclude, now=None):
    candidates = _candidates(queryset, pk, window, now).filter(category_id=category_id)
    if exclude:
        candidates = candidates.exclude(pk__in=exclude)
    return candidates.order_by(*NEWEST_FIRST)
