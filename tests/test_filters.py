"""ReleaseFilter: each filter narrows published(), years in either era, bad values as form errors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from releases.filters import ReleaseFilter, YearField, filter_choices
from releases.models import Release
from tests.factories import CategoryFactory, OfficialFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def run(**data):
    filterset = ReleaseFilter(data=data, queryset=Release.objects.published().newest_first())
    assert filterset.is_valid(), filterset.errors
    return sorted(release.title for release in filterset.qs)


def errors(**data):
    filterset = ReleaseFilter(data=data, queryset=Release.objects.published())
    assert not filterset.is_valid()
    return filterset.errors


@pytest.fixture
def archive():
    statement = CategoryFactory(slug="statement", name_th="แถลงการณ์", name_en="Statement")
    don = OfficialFactory(slug="don")
    ReleaseFactory(title="a-2021-09-th", release_date=datetime.date(2021, 9, 29)).officials.add(don)
    ReleaseFactory(title="b-2021-03-en", release_date=datetime.date(2021, 3, 1), language="en")
    ReleaseFactory(title="c-2020-09-statement", release_date=datetime.date(2020, 9, 15), category=statement)
    ReleaseFactory(title="d-draft-2021", release_date=datetime.date(2021, 9, 1), draft=True).officials.add(don)
    ReleaseFactory(title="e-scheduled-2021", release_date=datetime.date(2021, 9, 2), scheduled=True, category=statement)


class TestYearField:
    @pytest.mark.parametrize(
        "value, year", [("2564", 2021), ("2021", 2021), ("๒๕๖๔", 2021), (" 2564 ", 2021), ("2443", 1900), ("2199", 2199)]
    )
    def test_reads_either_era_and_thai_digits(self, value, year):
        assert YearField().clean(value) == year

    # 2400 is read as Buddhist era: 1857 CE, too early, like 1066; 2201 CE is too late.
    @pytest.mark.parametrize(
        "value", ["abc", "25640", "64", "1066", "2400", "2201", "٢٠٢١", "２０２１", "2564.0", "-2564", "25\x0064"]
    )
    def test_rejects_what_is_not_a_plausible_year(self, value):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            YearField().clean(value)

    def test_empty_means_no_filter(self):
        assert YearField(required=False).clean("") is None


class TestFilters:
    def test_no_filters_list_only_published(self, archive):
        assert run() == ["a-2021-09-th", "b-2021-03-en", "c-2020-09-statement"]

    @pytest.mark.parametrize("year", ["2564", "2021", "๒๕๖๔"])
    def test_year_in_either_era(self, archive, year):
        assert run(year=year) == ["a-2021-09-th", "b-2021-03-en"]

    def test_category_by_slug(self, archive):
        assert run(category="statement") == ["c-2020-09-statement"]

    def test_official_by_slug_never_reveals_drafts(self, archive):
        assert run(official="don") == ["a-2021-09-th"]

    def test_language(self, archive):
        assert run(language="en") == ["b-2021-03-en"]
        assert run(language="all") == ["a-2021-09-th", "b-2021-03-en", "c-2020-09-statement"]


class TestReaderLanguage:
    """The public list shows the reader's language, plus what exists only in the other one."""

    @pytest.fixture
    def pairs(self, db):
        thai = ReleaseFactory(title="คู่-ไทย")
        ReleaseFactory(title="pair-en", language="en", translation=thai)
        english = ReleaseFactory(title="pair2-en", language="en")
        ReleaseFactory(title="คู่2-ไทย", translation=english)  # the link held by the other side
        ReleaseFactory(title="only-en", language="en")
        ReleaseFactory(title="เฉพาะไทย")
        draft_thai = ReleaseFactory(title="ร่าง-ไทย", draft=True)
        ReleaseFactory(title="en-with-draft-thai", language="en", translation=draft_thai)

    def listed(self, reader_language, **data):
        filterset = ReleaseFilter(data=data, queryset=Release.objects.published(), reader_language=reader_language)
        assert filterset.is_valid(), filterset.errors
        return sorted(release.title for release in filterset.qs)

    def test_thai_readers_see_each_pair_once_in_thai(self, pairs):
        # An English release whose Thai version is only a draft has no public translation: it is listed.
        assert self.listed("th") == sorted(["คู่-ไทย", "คู่2-ไทย", "เฉพาะไทย", "only-en", "en-with-draft-thai"])

    def test_english_readers_see_each_pair_once_in_english(self, pairs):
        assert self.listed("en") == sorted(["pair-en", "pair2-en", "only-en", "en-with-draft-thai", "เฉพาะไทย"])

    def test_all_languages_is_one_choice_away(self, pairs):
        assert len(self.listed("th", language="all")) == 7
        assert self.listed("th", language="en") == sorted(["pair-en", "pair2-en", "only-en", "en-with-draft-thai"])

    def test_the_default_holds_without_any_query_string(self, pairs):
        filterset = ReleaseFilter(data=None, queryset=Release.objects.published(), reader_language="en")
        assert "คู่-ไทย" not in {release.title for release in filterset.qs}

    def test_without_a_reader_language_every_language_is_listed(self, pairs):
        assert len(self.listed(None)) == 7

    def test_month_across_years(self, archive):
        assert run(month="9") == ["a-2021-09-th", "c-2020-09-statement"]

    def test_date_range_in_iso_or_thai_form(self, archive):
        assert run(date_from="2021-01-01", date_to="2021-06-30") == ["b-2021-03-en"]
        assert run(date_from="01/01/2564") == ["a-2021-09-th", "b-2021-03-en"]
        assert run(date_to="15 ก.ย. 2563") == ["c-2020-09-statement"]

    def test_filters_combine(self, archive):
        assert run(year="2564", month="9", language="th") == ["a-2021-09-th"]
        assert run(year="2563", category="statement", month="3") == []

    def test_q_goes_through_search_releases(self, archive, monkeypatch):
        calls = []

        def fake_search(queryset, query):
            calls.append(query)
            return queryset.filter(title__startswith="b")

        monkeypatch.setattr("releases.search.search_releases", fake_search)
        assert run(q="วีซ่า") == ["b-2021-03-en"]
        assert calls == ["วีซ่า"]

    def test_reversed_date_range_is_an_error(self, archive):
        assert "date_to" in errors(date_from="2021-09-30", date_to="2021-09-01")

    @pytest.mark.parametrize(
        "field, value",
        [("year", "abc"), ("category", "nope"), ("official", "nope"), ("language", "de"), ("month", "0"), ("q", "x\x00")],
    )
    def test_bad_values_are_errors_on_their_field(self, archive, field, value):
        assert field in errors(**{field: value})

    def test_over_long_query_is_cut_not_refused(self, archive, monkeypatch):
        calls = []
        monkeypatch.setattr("releases.search.search_releases", lambda queryset, query: calls.append(query) or queryset)
        run(q="วีซ่า " + "x" * 10_000)  # valid: run() asserts it
        assert calls and calls[-1].startswith("วีซ่า")

    def test_active_only_when_something_narrows_the_list(self, archive):
        assert not ReleaseFilter(data={"page": "2"}, queryset=Release.objects.all()).active
        assert ReleaseFilter(data={"year": "2564"}, queryset=Release.objects.all()).active
        assert not ReleaseFilter(data={"year": "abc"}, queryset=Release.objects.all()).active

    def test_narrowed_ignores_the_free_text_query(self, archive):
        # The panel opens for filters a reader set in it, not for a search typed in the header.
        assert not ReleaseFilter(data={"q": "วีซ่า"}, queryset=Release.objects.all()).narrowed
        assert ReleaseFilter(data={"q": "วีซ่า", "year": "2564"}, queryset=Release.objects.all()).narrowed
        assert not ReleaseFilter(data={"year": "abc"}, queryset=Release.objects.all()).narrowed


class TestChoices:
    def test_categories_and_officials_in_one_query(self, archive):
        OfficialFactory(slug="anna", name_th="แอนนา", name_en="Anna")
        with CaptureQueriesContext(connection) as queries:
            categories, officials, _countries, _topics = filter_choices()
        assert len(queries) == 1
        assert ("statement", "แถลงการณ์") in categories and ("press-release", "ข่าวสารนิเทศ") in categories
        assert [slug for slug, _ in officials] == ["don", "anna"]  # by Thai name: สมชาย… before แอนนา

    def test_categories_follow_their_order_and_labels_the_language(self, db):
        CategoryFactory(slug="z-first", name_th="ฮ", name_en="Zed", order=100)
        CategoryFactory(slug="a-last", name_th="ก", name_en="Aye", order=105)
        mine = {"z-first", "a-last"}
        with translation.override("en"):
            assert [c for c in filter_choices()[0] if c[0] in mine] == [("z-first", "Zed"), ("a-last", "Aye")]
        with translation.override("th"):
            assert [c for c in filter_choices()[0] if c[0] in mine] == [("z-first", "ฮ"), ("a-last", "ก")]

    def test_officials_sorted_by_thai_name(self, db):
        OfficialFactory(slug="b", name_th="ข")
        OfficialFactory(slug="a", name_th="ก")
        assert [slug for slug, _ in filter_choices()[1]] == ["a", "b"]
