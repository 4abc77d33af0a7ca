"""CSV of old address → source key (or a path on this site): read whole and checked, then written in one transaction."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Release
from .matching import is_site_path, normalise, storable
from .models import LegacyURL

MAX_ROWS = 100_000
HEADER_WORDS = {"old_url", "url", "old url"}


class CSVError(ValueError):
    """A CSV that cannot be imported: nothing was written. `errors` lists "line N: problem"."""

    def __init__(self, errors):
        super().__init__("; ".join(errors[:20]))
        self.errors = errors


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    rows: list = field(default_factory=list)


def read_rows(text):
    """(line number, old address, target) of each row; a first line naming the columns is skipped."""
    rows = []
    if "\x00" in text:
        raise CSVError([_("The CSV file must be UTF-8.")])
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in HEADER_WORDS:
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise CSVError([_("more than %(max)s rows") % {"max": f"{MAX_ROWS:,}"}])
    return rows


def import_csv(text):
    """Creates or updates a LegacyURL per row: `old URL,source key` or `old URL,/path/on/this/site`."""
    errors, planned = [], {}
    rows = read_rows(text)
    keys = {cells[1] for _number, cells in rows if len(cells) == 2 and not cells[1].startswith("/")}
    releases = dict(Release.objects.filter(source_key__in=keys).values_list("source_key", "pk"))
    for number, cells in rows:
        if len(cells) != 2 or not cells[0] or not cells[1]:
            errors.append(_("line %(line)s: expected two columns, old address and source key") % {"line": number})
            continue
        old, target = cells
        path = normalise(old)
        if path == "/" or not storable(path):
            errors.append(_("line %(line)s: “%(url)s” is not a usable old address") % {"line": number, "url": old[:80]})
        elif target.startswith("/"):
            if not is_site_path(target) or not storable(target):
                errors.append(_("line %(line)s: “%(url)s” is not a path on this site") % {"line": number, "url": target[:80]})
                continue
            planned[path] = {"release_id": None, "target_url": target}
        elif target in releases:
            planned[path] = {"release_id": releases[target], "target_url": ""}
        else:
            errors.append(_("line %(line)s: no release with source key “%(key)s”") % {"line": number, "key": target[:80]})
    if errors:
        raise CSVError(errors)
    result = Result()
    with transaction.atomic():
        existing = set(LegacyURL.objects.filter(path__in=list(planned)).values_list("path", flat=True))
        for path, values in planned.items():
            LegacyURL.objects.update_or_create(path=path, defaults=values)
            if path in existing:
                result.updated += 1
            else:
                result.created += 1
    return result


def decode_upload(raw):
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The CSV file must be UTF-8.")) from None
