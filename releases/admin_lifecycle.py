"""The lifecycle in the admin: the transition buttons on a release's page, their POST endpoints, its history and the review queue."""

import difflib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from . import admin_staging, lifecycle, roles, thai
from .forms import ThaiDateTimeField
from .models import Official, Release, ReleaseEvent, ReleaseImage, ReleaseRevision, Withdrawal

MINOR, CORRECTION = "minor", "correction"


class StateFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("draft")), ("review", _("in review")), ("scheduled", _("scheduled")),
            ("published", _("published")), ("withdrawn", _("withdrawn")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "published":
            return queryset.published()
        if value in ("draft", "review", "withdrawn"):
            return queryset.filter(status=value)
        return queryset


class CorrectionFields(forms.Form):
    """For the release form: saving a public release says whether readers are told of the change."""

    change_kind = forms.ChoiceField(
        label=_("this change is"), required=False, initial=MINOR, widget=forms.RadioSelect,
        choices=[(MINOR, _("a minor edit (a typo, formatting): no public note")), (CORRECTION, _("a correction: readers see the note below"))],
    )
    change_note = forms.CharField(label=_("public change note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    go_live_at = ThaiDateTimeField(
        label=_("schedule this change for"), required=False,
        help_text=_("E.g. 29/09/2569 08:00. Empty: the change goes live when you save. "
                    "A time: readers keep seeing the live version until then."),
    )
    # Set by the admin's get_form (LifecycleAdminMixin): whether the user may publish.
    may_publish = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.is_published()):
            del self.fields["change_kind"], self.fields["change_note"], self.fields["go_live_at"]

    def clean(self):
        data = super().clean()
        if data.get("change_kind") == CORRECTION and not (data.get("change_note") or "").strip():
            self.add_error("change_note", _("A correction needs a public note saying what changed."))
        if "go_live_at" in self.fields:
            self._check_schedule(data)
        return data

    def _check_schedule(self, data):
        when, revisions = data.get("go_live_at"), ReleaseRevision.objects.filter(release=self.instance)
        if when is None:
            if not self.may_publish and revisions.filter(go_live_at__isnull=False).exists():
                raise ValidationError(lifecycle.SCHEDULED_CHANGE_WAITING, code="scheduled")
        elif when <= timezone.now():
            self.add_error("go_live_at", _("Choose a time still to come."))
        elif revisions.exists():
            self.add_error("go_live_at", _("This release already has a pending or scheduled edit: approve, discard or cancel it first."))
        elif "status" in data and data["status"] != self.instance.status:
            self.add_error("go_live_at", _("A scheduled change cannot change the status: save that without a time."))


class VersionCheck(forms.Form):
    """For the release form: refuses a save made over someone else's (optimistic locking on Release.version)."""

    known_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the row, not the instance: a history revert's instance is an old version.
            self.fields["known_version"].initial = Release.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()

    def clean(self):
        data = super().clean()
        known = data.get("known_version")
        if not self.instance.pk or known is None:
            return data
        # Locked until this save commits (PostgreSQL); SQLite's write transactions are serial anyway.
        current = Release.objects.select_for_update(of=("self",)).select_related("updated_by").filter(pk=self.instance.pk).first()
        if current is not None and current.version != known:
            when = current.updated_at and timezone.localtime(current.updated_at)
            who = current.updated_by.get_full_name() or current.updated_by.get_username() if current.updated_by else gettext("someone")
            # Saving again overwrites, knowingly: the form now holds the current number.
            self.data = self.data.copy()
            self.data[self.add_prefix("known_version")] = current.version
            raise ValidationError(
                _("%(user)s saved this release at %(when)s, after you opened it. Your text is kept below: "
                  "compare it with the current version (open the release in a new tab) and save again to replace theirs."),
                code="conflict",
                params={"user": who, "when": f"{thai.format_date(when)} {when:%H:%M}" if when else "—"},
            )
        return data


class ApproveEditForm(forms.Form):
    go_live_at = ThaiDateTimeField(
        label=_("goes live at"), required=False, help_text=_("Empty: now. A future time schedules the change (or moves it)."),
    )


class ApproveForm(forms.Form):
    publish_at = ThaiDateTimeField(label=_("publish at"), required=False, help_text=_("Empty: publish now. A future time schedules it."))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("what needs changing"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class WithdrawForm(forms.Form):
    kind = forms.ChoiceField(label=_("how"), choices=Withdrawal.choices, initial=Withdrawal.EXPLAINED)
    reason = forms.CharField(label=_("public explanation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    replacement = forms.IntegerField(
        label=_("replacing release (number)"), required=False, min_value=1, max_value=2**63 - 1,
        help_text=_("Only when replaced: the number of the public release that replaces this one."),
    )


class FeatureForm(forms.Form):
    until = ThaiDateTimeField(label=_("featured until"), required=False, help_text=_("Empty: stop featuring now."))


class NoFields(forms.Form):
    pass


def _replacement(number):
    return Release.objects.filter(pk=number).first() if number else None


# action -> (form, transition(release, user, data, link))
TRANSITIONS = {
    "submit": (NoFields, lambda r, u, d, link: lifecycle.submit(r, u, link)),
    "take_back": (NoFields, lambda r, u, d, link: lifecycle.take_back(r, u)),
    "approve": (ApproveForm, lambda r, u, d, link: lifecycle.approve(r, u, d["publish_at"], link)),
    "return": (ReturnForm, lambda r, u, d, link: lifecycle.return_to_editor(r, u, d["comment"], link)),
    "withdraw": (WithdrawForm, lambda r, u, d, link: lifecycle.withdraw(r, u, d["kind"], d["reason"], _replacement(d["replacement"]))),
    "restore": (NoFields, lambda r, u, d, link: lifecycle.restore(r, u)),
    "feature": (FeatureForm, lambda r, u, d, link: lifecycle.feature(r, u, d["until"])),
    "approve_edit": (ApproveEditForm, lambda r, u, d, link: lifecycle.approve_revision(r, u, d["go_live_at"])),
    "unschedule_edit": (NoFields, lambda r, u, d, link: lifecycle.unschedule_revision(r, u)),
    "discard_edit": (NoFields, lambda r, u, d, link: lifecycle.discard_revision(r, u)),
}

LABELS = {
    "submit": _("Submit for review"),
    "take_back": _("Take back from review"),
    "approve": _("Approve"),
    "return": _("Return to the editor"),
    "withdraw": _("Withdraw"),
    "restore": _("Restore (undo the withdrawal)"),
    "feature": _("Feature"),
    "approve_edit": _("Approve the pending edit (it goes live)"),
    "unschedule_edit": _("Cancel the scheduled time (the edit waits again)"),
    "discard_edit": _("Discard the pending edit"),
}


def _shown(field, value):
    if field.many_to_many:
        return ", ".join(str(row) for row in field.related_model.objects.filter(pk__in=value)) or "—"
    if field.is_relation:
        return str(field.related_model.objects.filter(pk=value).first() or "—")
    return str(field.to_python(value) if value is not None else "—")


def revision_diff(release, data):
    """[(label, live, pending, line diff or "")] for each field a pending edit changes."""
    rows = []
    for name, value in data.items():
        if name.startswith("_"):
            continue
        field = Release._meta.get_field(name)
        current = [row.pk for row in getattr(release, name).all()] if field.many_to_many else getattr(release, field.attname)
        old, new = _shown(field, current), _shown(field, value)
        lines = ""
        if "\n" in old or "\n" in new:
            changed = difflib.ndiff(old.splitlines(), new.splitlines())
            lines = "\n".join(line for line in changed if line[:1] in "+-")
        rows.append((field.verbose_name, old, new, lines))
    if data.get("_correction"):
        rows.append((_("public change note"), "—", data["_correction"], ""))
    return rows


# Who opened a release's change form, and when, for this long: "someone else is editing this".
OPENED_SECONDS = 5 * 60


def note_opened(release, user, now=None):
    """Remember that `user` opened `release` now; return [(name, when)] of the others within OPENED_SECONDS."""
    now = now or timezone.now()
    key = f"release-opened:{release.pk}"
    opened = {
        pk: (name, when) for pk, (name, when) in (cache.get(key) or {}).items()
        if (now - when).total_seconds() < OPENED_SECONDS
    }
    others = sorted((name, when) for pk, (name, when) in opened.items() if pk != user.pk)
    opened[user.pk] = (user.get_full_name() or user.get_username(), now)
    cache.set(key, opened, OPENED_SECONDS)
    return others


class LifecycleAdminMixin:
    """For ReleaseAdmin: transitions by POST to <pk>/lifecycle/<action>/, shown as forms on the change page."""

    def get_urls(self):
        return [
            path("<int:pk>/pending-edit/", self.admin_site.admin_view(self.revision_preview_view), name="releases_release_revision_preview"),
            path("<int:pk>/lifecycle/<str:action>/", self.admin_site.admin_view(self.lifecycle_view), name="releases_release_lifecycle"),
        ] + super().get_urls()

    def lifecycle_view(self, request, pk, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in TRANSITIONS:
            raise Http404
        release = get_object_or_404(Release.objects.prefetch_related("images"), pk=pk)
        change_url = reverse("admin:releases_release_change", args=[release.pk])
        form_class, transition = TRANSITIONS[action]
        form = form_class(request.POST)
        if not form.is_valid():
            errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
            self.message_user(request, errors, messages.ERROR)
            return HttpResponseRedirect(change_url)
        try:
            # PermissionDenied (a role's limit) is left to Django: a 403.
            transition(release, request.user, form.cleaned_data, request.build_absolute_uri(change_url))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, gettext("Done: %(state)s.") % {"state": release.get_status_display()}, messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def revision_preview_view(self, request, pk):
        """The release as it will look once its pending edit is approved (nothing is saved)."""
        release = get_object_or_404(Release, pk=pk)
        revision = get_object_or_404(ReleaseRevision, release=release)
        if not self.has_view_permission(request, release):
            raise PermissionDenied
        many = lifecycle.apply_revision(release, {k: v for k, v in revision.data.items() if not k.startswith("_")})
        if "officials" in many:
            officials = Official.objects.filter(pk__in=many["officials"]).prefetch_related("positions")
            list(officials)
            release._prefetched_objects_cache = {"officials": officials}
        from .views import ReleaseDetailView

        return ReleaseDetailView.as_view(preview_release=release)(request, pk=release.pk, slug=release.slug)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = Release.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if release is not None:
            extra_context = {**(extra_context or {}), **self.lifecycle_context(request, release)}
        return super().change_view(request, object_id, form_url, extra_context)

    def lifecycle_context(self, request, release):
        publisher, writer = roles.can_publish(request.user), roles.can_write(request.user)
        status, Status = release.status, Release.Status
        allowed = {
            "submit": writer and status == Status.DRAFT,
            "take_back": writer and status == Status.REVIEW,
            "approve": publisher and status == Status.REVIEW,
            "return": publisher and status == Status.REVIEW,
            "withdraw": publisher and release.is_published(),
            "restore": publisher and status == Status.WITHDRAWN,
            "feature": publisher and release.is_published(),
        }
        revision = ReleaseRevision.objects.filter(release=release).select_related("author", "scheduled_by").first()
        allowed["approve_edit"] = allowed["discard_edit"] = publisher and revision is not None
        allowed["unschedule_edit"] = publisher and revision is not None and revision.go_live_at is not None
        return {
            "opened_by_others": note_opened(release, request.user) if request.method == "GET" else [],
            "pending_revision": revision,
            "revision_diff": revision_diff(release, revision.data) if revision else [],
            "lifecycle_forms": [
                (LABELS[action], reverse("admin:releases_release_lifecycle", args=[release.pk, action]), TRANSITIONS[action][0]())
                for action, shown in allowed.items() if shown
            ],
            "lifecycle_events": list(release.events.select_related("user")[:50]),
            "lifecycle_release": release,
        }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            (name, options), *rest = fieldsets
            fieldsets = [(name, {**options, "fields": [*options["fields"], "known_version"]}), *rest]
        if obj is not None and obj.is_published():
            schedule = ["go_live_at"] if roles.can_publish(request.user) else []
            fieldsets = [*fieldsets, (_("Correction"), {"fields": ["change_kind", "change_note", *schedule]})]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.may_publish = roles.can_publish(request.user)  # a class made for this request (modelform_factory)
        return form

    def save_model(self, request, obj, form, change):
        note = (form.cleaned_data.get("change_note") or "").strip()
        correction = form.cleaned_data.get("change_kind") == CORRECTION and note
        if change and form.cleaned_data.get("go_live_at"):
            return self.schedule_edit(request, obj, form, note if correction else "")
        if correction:
            obj.corrected_at = timezone.now()
        stored = Release.objects.filter(pk=obj.pk).values("status", "version").first() if change else None
        was_published = bool(stored) and stored["status"] == Release.Status.PUBLISHED
        if stored:
            obj.version = stored["version"]  # a history revert's instance holds an old number: never go back
        super().save_model(request, obj, form, change)
        if correction:
            ReleaseEvent.objects.create(release=obj, user=request.user, action=ReleaseEvent.Action.CORRECTED, comment=note)
        if obj.status == Release.Status.PUBLISHED and not was_published:
            link = request.build_absolute_uri(reverse("admin:releases_release_change", args=[obj.pk]))
            lifecycle.record_published(obj, request.user, link)

    # --- staged edits ---------------------------------------------------------------
    def _set_aside(self, obj, form):
        """The live row and what the form changes in it; nothing of the form reaches the live release."""
        live = Release.objects.get(pk=obj.pk)
        obj._staged = True
        form.save_m2m = lambda: None  # neither the officials nor the inline rows (save_related)
        return live, lifecycle.revision_data(form, live)

    def stage_edit(self, request, obj, form):
        """Instead of saving an editor's change to a live release, keep it as a pending edit."""
        if form.cleaned_data.get("go_live_at"):
            raise PermissionDenied(gettext("Only publishers may schedule a change."))
        live, data = self._set_aside(obj, form)
        note = form.cleaned_data.get("change_note", "") if form.cleaned_data.get("change_kind") == CORRECTION else ""
        if not data:
            self.message_user(request, gettext("Nothing was changed."), messages.INFO)
            return
        link = request.build_absolute_uri(reverse("admin:releases_release_change", args=[obj.pk]))
        try:
            lifecycle.stage_revision(live, request.user, data, (note or "").strip(), link)
        except ValidationError as error:  # a change was scheduled after the form was checked
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, gettext("Your edit is waiting for a publisher's approval; the public still sees the live version."), messages.WARNING
        )

    def schedule_edit(self, request, obj, form, note):
        """A publisher's edit of a live release with a time: kept aside until then (scheduled_edits.py puts it live)."""
        live, data = self._set_aside(obj, form)
        when = form.cleaned_data["go_live_at"]
        if not data and not note:
            self.message_user(request, gettext("Nothing was changed."), messages.INFO)
            return
        try:
            lifecycle.schedule_edit(live, request.user, data, when, note)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        when = timezone.localtime(when)
        self.message_user(
            request,
            gettext("The change is scheduled for %(when)s; until then the public sees the live version.")
            % {"when": f"{thai.format_date(when)} {when:%H:%M}"},
            messages.WARNING,
        )

    def save_related(self, request, form, formsets, change):
        if not getattr(form.instance, "_staged", False):
            return super().save_related(request, form, formsets, change)
        for formset in formsets:  # nothing saved (admin_staging.py refused any change): the change message says so
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is None or obj.status != Release.Status.PUBLISHED:
            return inlines
        # A pending or scheduled edit carries no inline rows (admin_staging.py): an editor sees the
        # photos of a live release read-only; a publisher's scheduled change may not touch them.
        if not roles.can_publish(request.user):
            return [admin_staging.view_only(inline) for inline in inlines if inline.model is ReleaseImage]
        return [admin_staging.not_with_a_schedule(inline) for inline in inlines]

    def get_ordering(self, request):
        # The review queue: whoever has waited longest first.
        if request.GET.get("state") == Release.Status.REVIEW:
            return ["updated_at", "pk"]
        return super().get_ordering(request)
