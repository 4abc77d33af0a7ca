"""releases/taxonomy/countries.py and load_countries: the shipped Thai names against pycountry."""

import io
import json

import pycountry
import pytest
from django.core.management import call_command

from releases.taxonomy.countries import THAI_NAMES, country_rows, load_countries
from releases.taxonomy.models import Country, Region

ASEAN = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "VN"}
NEIGHBOURS_AND_PARTNERS = {"CN", "JP", "KR", "IN", "US", "GB", "FR", "DE", "AU", "RU", "SA", "AE", "IL", "CA", "NZ"}


def test_table_covers_the_countries_the_ministry_names_most():
    codes = {row["code"] for row in country_rows()}
    assert len(codes) >= 60
    assert ASEAN | NEIGHBOURS_AND_PARTNERS <= codes


def test_every_row_is_a_real_code_with_a_thai_name_and_a_region():
    rows = country_rows()
    for row in rows:
        assert pycountry.countries.get(alpha_2=row["code"]) is not None
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in row["name_th"]), row
        assert row["region"] in Region.values
        assert row["name_en"] and row["name_en"][0].isupper()
    assert len({row["name_th"] for row in rows}) == len(rows)
    assert next(row for row in rows if row["code"] == "LA")["name_en"] == "Laos"


def test_table_keys_are_capital_alpha2_codes():
    table = json.loads(THAI_NAMES.read_text(encoding="utf-8"))
    assert all(len(code) == 2 and code.isupper() for code in table if not code.startswith("_"))


@pytest.mark.django_db
def test_load_countries_is_idempotent_and_keeps_editors_aliases():
    assert load_countries()[0] >= 60
    myanmar = Country.objects.get(code="MM")
    assert (myanmar.name_th, myanmar.name_en, myanmar.region) == ("เมียนมา", "Myanmar", "asean")
    myanmar.aliases += "\nเมียนม่าร์"
    myanmar.save()
    created, updated = load_countries()
    assert created == 0 and updated == Country.objects.count()
    assert "เมียนม่าร์" in Country.objects.get(code="MM").aliases.splitlines()
    assert "พม่า" in Country.objects.get(code="MM").aliases.splitlines()


@pytest.mark.django_db
def test_command_reports_what_it_did():
    out = io.StringIO()
    call_command("load_countries", stdout=out)
    assert "created" in out.getvalue() and Country.objects.filter(code="KH").exists()
