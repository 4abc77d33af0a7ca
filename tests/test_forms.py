"""Buddhist-era date fields of the admin: what they accept, and the slips they refuse."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from releases.forms import ThaiDateField, ThaiDateTimeField


def this_year():
    return timezone.localdate().year


class TestEra:
    @pytest.mark.parametrize("text", ["29/09/1964", "29 ก.ย. 1964", "๒๙/๐๙/๑๙๖๔", "1964-09-29"])
    def test_christian_era_year_long_ago_is_a_question_not_a_silent_save(self, text):
        with pytest.raises(ValidationError) as error:
            ThaiDateField().clean(text)
        assert error.value.code == "implausible_era"
        assert "2507" in str(error.value.messages)

    def test_the_same_day_in_the_buddhist_era_is_accepted(self):
        assert ThaiDateField().clean("29/09/2507") == datetime.date(1964, 9, 29)

    def test_a_named_christian_era_is_taken_at_its_word(self):
        assert ThaiDateField().clean("29 ก.ย. ค.ศ. 1964") == datetime.date(1964, 9, 29)

    def test_recent_christian_era_year_is_accepted(self):
        year = this_year() - 1
        assert ThaiDateField().clean(f"29/09/{year}") == datetime.date(year, 9, 29)

    def test_date_and_time_field_asks_too(self):
        with pytest.raises(ValidationError) as error:
            ThaiDateTimeField().clean("29/09/1964 14:30")
        assert error.value.code == "implausible_era"
        assert ThaiDateTimeField().clean("29/09/2507 14:30").year == 1964
