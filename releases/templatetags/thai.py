"""Template filters for Thai dates and digits: {% load thai %}."""

from django import template

from .. import thai, wordbreaks

register = template.Library()


def _language(language):
    return language or thai.page_language()


@register.filter
def thai_date(value, language=None):
    """'29 ก.ย. 2564' on Thai pages, '29 Sep 2021' on English ones."""
    return thai.format_date(value, "short", _language(language))


@register.filter
def thai_date_long(value, language=None):
    """'29 กันยายน 2564' on Thai pages, '29 September 2021' on English ones."""
    return thai.format_date(value, "long", _language(language))


@register.filter
def thai_date_long_digits(value):
    """'๒๙ กันยายน ๒๕๖๔'."""
    return thai.format_date(value, "long", "th", thai_digits=True)


@register.filter
def buddhist_years(value):
    """Years in a label in the Buddhist era on Thai pages ('2021' -> '2564'); unchanged in English."""
    return thai.be_years_in(value) if _language(None) == "th" else value


@register.filter
def thai_digits(value):
    return thai.to_thai_digits(str(value))


@register.filter
def arabic_digits(value):
    return thai.to_arabic_digits(str(value))


@register.filter(is_safe=True)
def thai_breaks(value):
    """<wbr> between Thai words (releases/wordbreaks.py): plain text is escaped first, safe HTML keeps its tags."""
    return wordbreaks.thai_breaks(value)
