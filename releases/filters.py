"""The public list's filters: they only ever narrow the queryset the view hands them (published())."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import IntegerField, Value
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from . import thai
from .forms import MAX_YEAR, MIN_YEAR, ThaiDateField
from .models import Category, Country, Official, Release, Topic
from .search.limits import MAX_QUERY_LENGTH


class YearField(forms.Field):
    """A year in either era, Arabic or Thai digits: '2564', '2021', '๒๕๖๔' -> 2021 (Christian era)."""

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        digits = thai.to_arabic_digits(value)
        # isascii() too: int() would also take Arabic-Indic or full-width digits.
        if not (digits.isascii() and digits.isdigit() and len(digits) == 4):
            raise ValidationError(_("Enter a year such as 2564 (Buddhist era) or 2021."), code="invalid")
        year = thai.ce_year(int(digits))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(_("That year is out of range."), code="invalid")
        return year


class YearFilter(django_filters.Filter):
    field_class = YearField


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates, which ThaiDateField reads too."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ThaiDateFilter(django_filters.Filter):
    field_class = ThaiDateField


def filter_choices():
    """(category, official, country, topic choices) as (slug or code, label) pairs, from ONE query.

    A union rather than two queries keeps the list page inside its query budget;
    labels follow the active language.
    """
    language = thai.page_language()
    # order_by(): SQLite allows no ORDER BY inside a compound statement; sorted below.
    categories = Category.objects.order_by().annotate(kind=Value(0, output_field=IntegerField())).values_list(
        "kind", "order", "slug", "name_th", "name_en"
    )
    officials = Official.objects.order_by().annotate(
        kind=Value(1, output_field=IntegerField()), order=Value(0, output_field=IntegerField())
    ).values_list("kind", "order", "slug", "name_th", "name_en")
    countries, topics = (
        model.objects.order_by().annotate(kind=Value(kind, output_field=IntegerField()), order=Value(0, output_field=IntegerField()))
        .values_list("kind", "order", key, "name_th", "name_en")
        for kind, model, key in ((2, Country, "code"), (3, Topic, "slug"))
    )
    rows = sorted(categories.union(officials, countries, topics, all=True), key=lambda row: (row[0], row[1], row[3]))
    choices = {0: [], 1: [], 2: [], 3: []}
    for kind, _order, slug, name_th, name_en in rows:
        choices[kind].append((slug, name_en if language == "en" and name_en else name_th))
    return choices[0], choices[1], choices[2], choices[3]


class ReleaseFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields, no colon
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The start date must not be after the end date."))
        return cleaned


ALL_LANGUAGES = "all"


class ReleaseFilter(django_filters.FilterSet):
    # No max_length: an over-long query is cut (search.clean_query), not refused.
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), field_name="category__slug", empty_label=_("All categories"))
    official = django_filters.ChoiceFilter(label=_("Official"), field_name="officials__slug", empty_label=_("All officials"))
    country = django_filters.ChoiceFilter(label=_("Country"), field_name="countries__code", empty_label=_("All countries"))
    topic = django_filters.ChoiceFilter(label=_("Topic"), field_name="topics__slug", empty_label=_("All topics"))
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=[(ALL_LANGUAGES, _("All languages")), *Release.Language.choices],
        empty_label=_("This language first"), method="filter_language",
        help_text=_("By default, releases in the language of this page, and those that exist only in the other one."),
    )
    year = YearFilter(
        label=_("Year"), field_name="release_date", lookup_expr="year",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2564", "size": 6, "maxlength": 4}),
        help_text=_("Buddhist era (2564) or Christian era (2021)."),
    )
    month = django_filters.TypedChoiceFilter(
        label=_("Month"), field_name="release_date", lookup_expr="month", coerce=int,
        choices=[("", _("All months")), *MONTHS.items()],
    )
    date_from = ThaiDateFilter(label=_("From"), field_name="release_date", lookup_expr="gte", widget=DateInput)
    date_to = ThaiDateFilter(label=_("To"), field_name="release_date", lookup_expr="lte", widget=DateInput)

    class Meta:
        model = Release
        fields = []  # all declared above; nothing generated from the model
        form = ReleaseFilterForm

    def __init__(self, *args, reader_language=None, **kwargs):
        # reader_language: with no language chosen, list that language's releases and those
        # that exist only in another (the public list); None lists every language (the API).
        self.reader_language = reader_language
        super().__init__(*args, **kwargs)
        if reader_language and not self.is_bound:
            # No query string at all: the filters never run, so the default applies here.
            self.queryset = self.queryset.for_readers_of(reader_language)
        for name, choices in zip(("category", "official", "country", "topic"), filter_choices()):
            self.filters[name].extra["choices"] = choices

    def filter_queryset(self, queryset):
        # The search last: it ranks a bounded set of the newest matches (releases/search/ranking.py,
        # RANK_CANDIDATES), which must be chosen within every other filter.
        for name, value in sorted(self.form.cleaned_data.items(), key=lambda item: item[0] == "q"):
            if name == "language" and not value and self.reader_language:
                queryset = queryset.for_readers_of(self.reader_language)
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_language(self, queryset, name, value):
        return queryset if value == ALL_LANGUAGES else queryset.filter(language=value)

    def filter_q(self, queryset, name, value):
        # Imported here: the search module is another capability's and may import views' neighbours.
        from .search import search_releases

        return search_releases(queryset, value)

    @property
    def chosen_category(self):
        """(slug, name) of the category the list is narrowed to, or None."""
        slug = self.form.cleaned_data.get("category") if self.is_bound and self.is_valid() else None
        return next(((s, name) for s, name in self.filters["category"].extra["choices"] if s == slug), None)

    @property
    def search_query(self):
        """The valid free-text query, or ''."""
        return (self.form.cleaned_data.get("q") or "") if self.is_bound and self.is_valid() else ""

    @property
    def narrowed(self):
        """True when a filter other than the free-text query is set: only then does the filter
        panel start open, so that on a phone a plain search shows its results first."""
        return self.is_bound and self.is_valid() and any(
            value not in (None, "") for name, value in self.form.cleaned_data.items() if name != "q"
        )

    @property
    def active(self):
        """True when the reader has narrowed the list (for 'clear filters' and the title)."""
        return self.is_bound and self.is_valid() and any(
            value not in (None, "") for value in self.form.cleaned_data.values()
        )
