"""The country list: ISO codes and English names from pycountry, Thai names and regions from countries_th.json."""

import json
from pathlib import Path

import pycountry

THAI_NAMES = Path(__file__).with_name("countries_th.json")


def country_rows():
    """{"code", "name_th", "name_en", "region", "aliases"} for every country in the shipped table."""
    table = json.loads(THAI_NAMES.read_text(encoding="utf-8"))
    rows = []
    for code, entry in table.items():
        if code.startswith("_"):
            continue  # "_about": what the table is
        name_th, region, aliases = entry
        country = pycountry.countries.get(alpha_2=code)
        if country is None:
            raise ValueError(f"{code} is not an ISO 3166-1 alpha-2 code")
        # pycountry's common name where it has one: "Laos", not "Lao People's Democratic Republic".
        name_en = getattr(country, "common_name", None) or country.name
        rows.append({"code": code, "name_th": name_th, "name_en": name_en, "region": region, "aliases": "\n".join(aliases)})
    return rows


def load_countries():
    """Create or update every country in the table; returns (created, updated). Editors' aliases are kept."""
    from .models import Country

    created = updated = 0
    for row in country_rows():
        aliases = row.pop("aliases")
        country, made = Country.objects.get_or_create(code=row["code"], defaults={**row, "aliases": aliases})
        if made:
            created += 1
            continue
        extra = [alias for alias in country.aliases.splitlines() if alias.strip() and alias not in aliases.splitlines()]
        for field, value in {**row, "aliases": "\n".join([*aliases.splitlines(), *extra])}.items():
            setattr(country, field, value)
        country.save()
        updated += 1
    return created, updated
