"""Querysets of releases: the one rule of what is public, and the lists built on it."""

import datetime

from django.db import models
from django.db.models import Q
from django.db.models.functions import JSONObject
from django.utils import timezone

from .prepared import PreparedValues

# Newest first: the order of every public list, feed and search result (ties by publication, then id).
NEWEST_FIRST = ("-release_date", "-publish_at", "-pk")


class ProbedExists(models.Exists):
    """EXISTS that PostgreSQL tests row by row, with an index probe, instead of hashing its whole set.

    OFFSET 0 is what stops the planner from turning the EXISTS into a hashed subplan: for the
    one-language rule that hashes every public release of the reader's language (~60 ms each at
    100,000 releases) although the rows that reach the test are far fewer, and each probe costs
    microseconds. Measured in docs/performance.md ("The one-language rule probed, not hashed").
    """

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra_context)


class ReleaseQuerySet(models.QuerySet):
    def published(self, now=None):
        """The one definition of "listed publicly": published, and its publish time has come.

        Scheduling is just a future publish_at, decided at query time: no job needed. Withdrawn
        and in-review releases have statuses of their own, so they are never here.
        """
        return self.filter(status=self.model.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def reachable(self, now=None):
        """What a release URL answers for: the published ones and the withdrawn ones (notice, 410 or 301)."""
        statuses = [self.model.Status.PUBLISHED, self.model.Status.WITHDRAWN]
        return self.filter(status__in=statuses, publish_at__lte=now or timezone.now())

    def featured_now(self, now=None):
        """Published releases featured until a time still to come, newest first; they stop by themselves."""
        now = now or timezone.now()
        return self.published(now).filter(featured_until__gt=now).order_by(*NEWEST_FIRST)

    def in_review(self):
        """The publishers' queue: oldest first."""
        return self.filter(status=self.model.Status.REVIEW).order_by("updated_at", "pk")

    def scheduled(self, now=None):
        return self.filter(status=self.model.Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def drafts(self):
        return self.filter(status=self.model.Status.DRAFT)

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def for_readers_of(self, language, now=None):
        """Releases in `language`, and those in another language that have no public translation
        into it: a translated pair is listed once, in the reader's language."""
        public_in_language = self.model._default_manager.published(now).filter(language=language)
        has_translation = ProbedExists(public_in_language.filter(pk=models.OuterRef("translation_id"))) | ProbedExists(
            public_in_language.filter(translation_id=models.OuterRef("pk"))
        )
        return self.exclude(~Q(language=language) & has_translation)

    def next_due(self, now=None):
        """When the next scheduled release becomes public, or None."""
        return self.scheduled(now).order_by("publish_at").values_list("publish_at", flat=True).first()

    def due_times(self, now=None, limit=50):
        """The next moments a public page changes by itself, sorted: scheduled releases falling due,
        featured ones ending and scheduled changes going live (one query, a UNION, for the page cache)."""
        from .editorial import ReleaseRevision

        now = now or timezone.now()

        def moments(queryset, field):
            return queryset.filter(**{f"{field}__gt": now}).order_by().annotate(due=models.F(field)).values_list("due", flat=True)

        starts = moments(self.scheduled(now), "publish_at")
        ends = moments(self.scheduled(now) | self.featured_now(now), "featured_until")
        edits = moments(ReleaseRevision.objects.all(), "go_live_at")
        return list(starts.union(ends, edits, all=True).order_by("due")[:limit])

    def with_neighbours(self, now=None):
        """Annotate `older` and `newer`: the public releases just before and after in list order,
        as {"pk", "title", "slug", "language", "release_date"} (or None; the date as ISO text).

        Correlated subqueries: both come from one query (see neighbours() for the detail page's).
        """
        ref = {"release_date": models.OuterRef("release_date"), "publish_at": models.OuterRef("publish_at")}
        public = self.model._default_manager.published(now)
        # The plain date bound duplicates the first branch of each OR on purpose: it is what
        # lets the database start its index walk at the release instead of at one end.
        older = public.filter(release_date__lte=ref["release_date"]).filter(
            Q(release_date__lt=ref["release_date"])
            | Q(release_date=ref["release_date"], publish_at__lt=ref["publish_at"])
            | Q(release_date=ref["release_date"], publish_at=ref["publish_at"], pk__lt=models.OuterRef("pk"))
        ).order_by(*NEWEST_FIRST)
        newer = public.filter(release_date__gte=ref["release_date"]).filter(
            Q(release_date__gt=ref["release_date"])
            | Q(release_date=ref["release_date"], publish_at__gt=ref["publish_at"])
            | Q(release_date=ref["release_date"], publish_at=ref["publish_at"], pk__gt=models.OuterRef("pk"))
        ).order_by("release_date", "publish_at", "pk")
        link = JSONObject(pk="pk", title="title", slug="slug", language="language", release_date="release_date")
        return self.annotate(
            older=models.Subquery(older.annotate(link=link).values("link")[:1]),
            newer=models.Subquery(newer.annotate(link=link).values("link")[:1]),
        )

    def neighbours(self, pk, now=None):
        """(older, newer) of release `pk`, as with_neighbours() annotates them (or None if no such
        release): that query compiled once per process, since compiling it cost the detail page ten
        times what running it does (releases/prepared.py)."""
        global _NEIGHBOURS
        if _NEIGHBOURS is None:
            model = self.model
            _NEIGHBOURS = PreparedValues(
                lambda pk, now: model._default_manager.filter(pk=pk).with_neighbours(now).values_list("older", "newer"),
                ints=["pk"], moments=["now"],
            )
        rows = _NEIGHBOURS.run(self.db, pk=pk, now=now or timezone.now())
        return rows[0] if rows else None


_NEIGHBOURS = None


def link_date(link):
    """The release date of a with_neighbours() link (JSON gives it as ISO text)."""
    return datetime.date.fromisoformat(link["release_date"][:10])
