"""Querysets of releases: the neighbours of a release (releases/querysets.py)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from releases.querysets import link_date
from releases.models import Release

from .factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    """Releases with equal dates and equal publication times (ties broken by id), a draft and a scheduled one."""
    now = timezone.now()
    day = datetime.date(2021, 9, 29)
    made = [
        ReleaseFactory(release_date=day, publish_at=now - datetime.timedelta(hours=3)),
        ReleaseFactory(release_date=day, publish_at=now - datetime.timedelta(hours=2)),
        ReleaseFactory(release_date=day, publish_at=now - datetime.timedelta(hours=2)),
        ReleaseFactory(release_date=day + datetime.timedelta(days=1), publish_at=now - datetime.timedelta(hours=5)),
        ReleaseFactory(release_date=day - datetime.timedelta(days=3), publish_at=now - datetime.timedelta(days=3)),
    ]
    ReleaseFactory(release_date=day, draft=True)
    ReleaseFactory(release_date=day, publish_at=now + datetime.timedelta(hours=1))  # scheduled
    return made


def test_neighbours_as_with_neighbours_annotates_them(archive):
    for release in Release.objects.all():
        expected = Release.objects.filter(pk=release.pk).with_neighbours().values_list("older", "newer").get()
        assert Release.objects.neighbours(release.pk) == expected


def test_a_neighbour_link_carries_its_date(archive):
    for release in Release.objects.published():
        for link in Release.objects.neighbours(release.pk):
            if link:
                assert link_date(link) == Release.objects.get(pk=link["pk"]).release_date


def test_neighbours_walk_the_public_list_in_order(archive):
    listed = list(Release.objects.published().newest_first().values_list("pk", flat=True))
    assert len(listed) == 5
    for position, pk in enumerate(listed):
        older, newer = Release.objects.neighbours(pk)
        assert (older or {}).get("pk") == (listed[position + 1] if position + 1 < len(listed) else None)
        assert (newer or {}).get("pk") == (listed[position - 1] if position else None)


def test_a_scheduled_release_becomes_a_neighbour_when_due(archive):
    scheduled = Release.objects.scheduled().get()
    later = scheduled.publish_at + datetime.timedelta(minutes=1)
    pks = {link["pk"] for pk in Release.objects.published().values_list("pk", flat=True) for link in Release.objects.neighbours(pk) if link}
    assert scheduled.pk not in pks
    pks = {link["pk"] for pk in Release.objects.published(later).values_list("pk", flat=True) for link in Release.objects.neighbours(pk, now=later) if link}
    assert scheduled.pk in pks


def test_no_such_release():
    assert Release.objects.neighbours(10**9) is None


class TestForReadersOf:
    """A translated pair listed once, in the reader's language; a release alone in the other language listed, marked by the page."""

    @pytest.fixture
    def pairs(self):
        now = timezone.now()
        english = ReleaseFactory(language="en", title="Public pair (en)")
        thai = ReleaseFactory(language="th", title="คู่ที่เผยแพร่", translation=english)
        lone_english = ReleaseFactory(language="en", title="English only")
        draft_thai = ReleaseFactory(language="th", title="ร่าง", draft=True)
        english_of_draft = ReleaseFactory(language="en", title="Translation of a draft")
        draft_thai.translation = english_of_draft
        draft_thai.save()
        scheduled_english = ReleaseFactory(language="en", title="Scheduled translation", publish_at=now + datetime.timedelta(hours=2))
        thai_with_scheduled = ReleaseFactory(language="th", title="มีฉบับแปลตั้งเวลา", translation=scheduled_english)
        return {
            "english": english, "thai": thai, "lone_english": lone_english, "english_of_draft": english_of_draft,
            "thai_with_scheduled": thai_with_scheduled, "scheduled_english": scheduled_english,
        }

    def titles(self, language, now=None):
        return set(Release.objects.published(now).for_readers_of(language, now).values_list("title", flat=True))

    def test_each_language_sees_its_side_of_a_pair_and_the_lone_ones(self, pairs):
        assert self.titles("th") == {"คู่ที่เผยแพร่", "English only", "Translation of a draft", "มีฉบับแปลตั้งเวลา"}
        assert self.titles("en") == {"Public pair (en)", "English only", "Translation of a draft", "มีฉบับแปลตั้งเวลา"}

    def test_the_rule_is_probed_row_by_row_not_hashed(self, pairs):
        # A hashed subplan reads every public release of the language on each query (~60 ms
        # at 100,000 releases); a probe per row that reaches the test costs microseconds.
        plan = Release.objects.published().for_readers_of("th").filter(title__contains="English").explain()
        if connection.vendor == "postgresql":
            assert "SubPlan" in plan and "hashed SubPlan" not in plan, plan
        else:
            assert "CORRELATED" in plan, plan  # SQLite runs a correlated EXISTS per row by itself

    def test_a_translation_counts_once_it_is_public(self, pairs):
        later = timezone.now() + datetime.timedelta(hours=3)
        assert "มีฉบับแปลตั้งเวลา" not in self.titles("en", later) and "Scheduled translation" in self.titles("en", later)
