"""Inline rows (photos, documents, videos) and kept-aside edits: a pending or scheduled change carries none, so the admin refuses them there."""

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

LIVE_PHOTOS_LOCKED = _(
    "The photos of a published release are changed by publishers only: a pending edit carries text, not photos. "
    "Nothing was saved; ask a publisher to change the photos."
)
NOT_WITH_A_SCHEDULE = _(
    "A scheduled change cannot carry photo, document or video changes. Nothing was saved: "
    "save those changes without a time, then schedule the text."
)


def attempted_changes(formset):
    """Whether the POST asks to change a row: an edited value, a new row or a deletion. Read from the
    submitted data itself, because a view-only inline's forms always say they have not changed."""
    skip = {formset.fk.name, formset.model._meta.pk.name, DELETION_FIELD_NAME}
    for form in formset.forms:
        if forms.CheckboxInput().value_from_datadict(form.data, form.files, form.add_prefix(DELETION_FIELD_NAME)):
            return True
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            # A field left out of the POST is not a change (a view-only inline does not send its values).
            if name in skip or (key not in form.data and key not in form.files):
                continue
            if field.has_changed(form.get_initial_for_field(field, name), field.widget.value_from_datadict(form.data, form.files, key)):
                return True
    return False


@functools.cache
def view_only(inline):
    """`inline` shown read-only, refusing any change a hand-made POST asks for (an Editor on a live release)."""

    class LockedFormSet(inline.formset):
        def clean(self):
            if attempted_changes(self):
                raise ValidationError(LIVE_PHOTOS_LOCKED, code="live_photos_locked")
            super().clean()

    def no(self, request, obj=None):
        return False

    return type(f"ViewOnly{inline.__name__}", (inline,), {
        "formset": LockedFormSet, "has_add_permission": no, "has_change_permission": no, "has_delete_permission": no,
        "verbose_name_plural": _("photos (published: changed by publishers only)"),
    })


@functools.cache
def not_with_a_schedule(inline):
    """`inline` as it is, but refusing changes in a save that schedules the release's change for later."""

    class UnscheduledFormSet(inline.formset):
        def clean(self):
            # The schedule field belongs to the release form, posted alongside (no prefix).
            if (self.data.get("go_live_at") or "").strip() and attempted_changes(self):
                raise ValidationError(NOT_WITH_A_SCHEDULE, code="not_with_a_schedule")
            super().clean()

    return type(f"Unscheduled{inline.__name__}", (inline,), {"formset": UnscheduledFormSet})
