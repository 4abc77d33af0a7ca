"""The data generator: realistic, linked, deterministic rows, written in bulk."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from releases import generator
from releases.models import Official, Position, Release

END = datetime.date(2026, 6, 30)

pytestmark = pytest.mark.django_db


def titles():
    return list(Release.objects.order_by("pk").values_list("title", "body", "language", "release_date"))


class TestGenerate:
    def test_creates_exactly_n_published_releases_with_past_dates(self):
        result = generator.generate(60, seed=3, end_date=END)
        assert result.releases == Release.objects.count() == 60
        assert Release.objects.published().count() == 60
        assert Release.objects.filter(release_date__gt=END).count() == 0

    def test_thai_and_english_translations_are_linked(self):
        generator.generate(80, seed=4, end_date=END, translated=0.5)
        english = Release.objects.filter(language="en")
        assert english.exists()
        for release in english:
            thai_release = release.translated_from
            assert thai_release.language == "th"
            assert thai_release.release_date == release.release_date
            assert thai_release.category_id == release.category_id

    def test_text_is_thai_with_slug_and_summary(self):
        generator.generate(10, seed=5, end_date=END, translated=0)
        release = Release.objects.first()
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in release.title)
        assert len(release.paragraphs) >= 4
        assert release.summary == release.paragraphs[0]
        assert release.slug and " " not in release.slug

    def test_linked_officials_are_named_and_held_a_position_on_the_release_date(self):
        generator.generate(40, seed=6, end_date=END, translated=0)
        assert Official.objects.exists() and Position.objects.exists()
        releases = list(Release.objects.prefetch_related("officials__positions"))
        assert sum(bool(release.officials.all()) for release in releases) > len(releases) // 2
        for release in releases:
            for official in release.officials.all():
                assert official.position_on(release.release_date)
                assert str(official) in release.title or str(official) in release.body

    def test_same_seed_same_rows_other_seed_other_rows(self):
        generator.generate(20, seed=7, end_date=END)
        first = titles()
        Release.objects.all().delete()
        generator.generate(20, seed=7, end_date=END)
        assert titles() == first
        Release.objects.all().delete()
        generator.generate(20, seed=8, end_date=END)
        assert titles() != first

    def test_drafts_and_scheduled_on_request(self):
        result = generator.generate(50, seed=9, end_date=END, drafts=0.1, scheduled=3)
        assert result.drafts == Release.objects.drafts().count() == 5
        assert result.scheduled == Release.objects.scheduled().count() == 3
        assert Release.objects.published().count() == 42

    def test_bulk_inserts_query_count_does_not_grow_with_n(self, django_assert_max_num_queries):
        with django_assert_max_num_queries(30):
            generator.generate(300, seed=10, end_date=END, batch_size=1000)
        assert Release.objects.count() == 300

    def test_second_run_adds_officials_without_slug_clashes(self):
        generator.generate(10, seed=11, end_date=END)
        generator.generate(10, seed=11, end_date=END)
        slugs = list(Official.objects.values_list("slug", flat=True))
        assert len(slugs) == len(set(slugs))
        assert Release.objects.count() == 20


class TestCommand:
    def test_command_generates_and_reports(self, capsys):
        call_command("generate_releases", "25", "--seed", "1", "--end-date", "2026-01-31", verbosity=0)
        assert Release.objects.count() == 25
        assert not Release.objects.filter(release_date__gt=datetime.date(2026, 1, 31)).exists()
        assert "Created 25 releases" in capsys.readouterr().out

    @pytest.mark.parametrize("args", [["0"], ["5", "--drafts", "2"], ["5", "--translated", "-1"], ["5", "--scheduled", "-1"]])
    def test_bad_arguments_are_refused_before_writing(self, args):
        with pytest.raises(CommandError):
            call_command("generate_releases", *args, verbosity=0)
        assert not Release.objects.exists()


class TestSearchFields:
    def test_filled_as_a_save_would_and_searchable(self):
        from releases import search

        generator.generate(30, seed=12, end_date=END, translated=0.3)
        for release in Release.objects.prefetch_related("officials")[:10]:
            stored = {field: getattr(release, field) for field in search.SEARCH_FIELDS}
            assert stored == search.document_for(release)
        release = Release.objects.filter(language="th").first()
        word = search.tokenize(release.title)[-1]
        found = search.search_releases(Release.objects.published(), word)
        assert release in found
