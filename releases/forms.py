"""Admin form fields that read and show dates in the Buddhist era."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import thai


class ThaiDateInput(forms.TextInput):
    """Shows a date as '29/09/2564' (Buddhist era)."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "29/09/2564", "size": 12, "inputmode": "numeric", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return thai.format_numeric_date(value)
        return super().format_value(value)


class ThaiDateTimeInput(forms.TextInput):
    """Shows a date and time as '29/09/2564 14:30' (Buddhist era, Asia/Bangkok)."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "29/09/2564 14:30", "size": 18, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return f"{thai.format_numeric_date(local.date())} {local:%H:%M}"
        return super().format_value(value)


# Christian-era years accepted by editors' forms; anything else is almost surely a typo
# (or a Buddhist-era year short by 543) and must not be stored silently.
MIN_YEAR, MAX_YEAR = 1900, 2200
# A Christian-era year typed into these Buddhist-era fields is taken as meant only for
# recent dates: '29/09/1964' is far more often a slip (2564 with a wrong first digit, or
# a year of birth) than a release dated 1964, which is unambiguous typed as 2507.
CE_RECENT_YEARS = 10
_FOUR_DIGITS = re.compile(r"[0-9]{4}")
_NAMES_CE = re.compile(r"ค\.?\s?ศ\.?|\bC\.?E\.?\b|\bA\.?D\.?\b", re.IGNORECASE)


def check_era(text, date):
    """Refuse a Christian-era year far in the past typed without saying so: ask for the
    Buddhist-era year instead of storing a likely slip silently."""
    written = thai.to_arabic_digits(str(text))
    years = _FOUR_DIGITS.findall(written)
    if not years or int(years[0] if written.strip()[:4].isdigit() else years[-1]) >= thai.BE_THRESHOLD:
        return
    if _NAMES_CE.search(written) or date.year >= timezone.localdate().year - CE_RECENT_YEARS:
        return
    raise ValidationError(
        _(
            "%(year)s was read as a Christian-era year (B.E. %(be_year)s). If you meant B.E. %(year)s, "
            "check the year; for a date that long ago, type the Buddhist-era year (%(be_year)s)."
        ),
        code="implausible_era",
        params={"year": date.year, "be_year": date.year + thai.BE_OFFSET},
    )


class ThaiDateField(forms.DateField):
    """Accepts '29/09/2564', '29 ก.ย. 2564', '๒๙/๐๙/๒๕๖๔' or '29/09/2021'; a year >= 2400 is Buddhist era."""

    widget = ThaiDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            date = thai.parse_date(value, min_year=MIN_YEAR, max_year=MAX_YEAR)
        except thai.ThaiDateError:
            raise ValidationError(
                _("Enter a date such as 29/09/2564 or 29 ก.ย. 2564 (Buddhist era) or 29/09/2021."),
                code="invalid",
            ) from None
        check_era(value, date)
        return date


class ThaiDateTimeField(forms.DateTimeField):
    """Like ThaiDateField, with an optional time ('29/09/2564 14:30'), in Asia/Bangkok."""

    widget = ThaiDateTimeInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        try:
            naive = thai.parse_datetime(value)
        except thai.ThaiDateError:
            raise ValidationError(
                _("Enter a date and time such as 29/09/2564 14:30 (Buddhist era)."), code="invalid"
            ) from None
        if not MIN_YEAR <= naive.year <= MAX_YEAR:
            raise ValidationError(_("That year is out of range."), code="invalid")
        check_era(value, naive.date())
        return timezone.make_aware(naive)
