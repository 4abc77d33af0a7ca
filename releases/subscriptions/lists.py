"""The kinds of list a reader can subscribe to; a new kind is one more entry in KINDS."""

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ListKind:
    label: object
    # The values of this kind a release belongs to (e.g. its category's slug).
    values_of: Callable
    # [(value, label)] a reader may choose from, in `language`.
    choices: Callable


def _categories(language):
    from releases.models import Category

    return [(c.slug, c.name_for(language)) for c in Category.objects.all()]


def _officials(language):
    from releases.models import Official

    return [(o.slug, o.name_for(language)) for o in Official.objects.order_by("name_th")]


def _languages(language):
    from releases.models import Release

    return [(str(value), str(label)) for value, label in Release.Language.choices]


KINDS = {
    "all": ListKind(_("All releases"), lambda release: [""], lambda language: [("", str(_("All releases")))]),
    "category": ListKind(_("Category"), lambda release: [release.category.slug], _categories),
    "official": ListKind(_("Official"), lambda release: [o.slug for o in release.officials.all()], _officials),
    "language": ListKind(_("Language"), lambda release: [release.language], _languages),
}

KIND_CHOICES = [(name, kind.label) for name, kind in KINDS.items()]


def lists_of(release):
    """(kind, value) pairs of every list `release` belongs to."""
    return [(name, value) for name, kind in KINDS.items() for value in kind.values_of(release)]


def labels(language):
    """{(kind, value): "Category: Press release"} for every list a reader can choose now."""
    names = {}
    for name, kind in KINDS.items():
        for value, label in kind.choices(language):
            names[(name, value)] = str(label) if name == "all" else f"{kind.label}: {label}"
    return names


def label_of(kind, value, language, known=None):
    """A list's name for a reader; `known` is labels(language) when naming many."""
    known = labels(language) if known is None else known
    return known.get((kind, value), f"{kind}: {value}")
