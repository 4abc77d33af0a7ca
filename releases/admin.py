"""The editors' panel: releases with photos, officials with positions, categories, roles."""

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from . import images, lifecycle, roles, thai
from .admin_filters import MissingImagesFilter, YearFilter
from .admin_lifecycle import CorrectionFields, LifecycleAdminMixin, StateFilter, VersionCheck
from .attachments.admin import ReleaseAttachmentInline
from .body.admin import BodyPreviewMixin
from .taxonomy.admin import ReleaseTaxonomyMixin
from .video.admin import ReleaseVideoInline
from .forms import ThaiDateField, ThaiDateTimeField
from .history_admin import HistoryAdmin
from .images.widgets import PhotoFileInput, PhotoOrderInput
from .models import Category, Official, Position, Release, ReleaseImage
from .security import audit

from .readership.admin import ChangeListPaginator, views_last_7_days, with_image_count, with_recent_views  # also registers the readership screens

admin.site.site_header = _("Newsroom administration")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Press releases")


_IMAGE_ACCEPT = {"accept": "image/jpeg,image/png,image/webp,image/gif"}


class ReleaseImageForm(forms.ModelForm):
    # Validated by content through the image pipeline; the error names the reason.
    image = images.ImageUploadField(label=_("image"), widget=PhotoFileInput(attrs=_IMAGE_ACCEPT))

    class Meta:
        model = ReleaseImage
        fields = ["image", "alt_text", "caption", "credit", "order"]
        labels = {"alt_text": _("alt text (required to publish)")}  # in words, not only a tooltip
        widgets = {"order": PhotoOrderInput}  # drag or move up/down (static/js/photo-order.js)

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if isinstance(upload, UploadedFile):  # a new file, not the stored one
            self.instance.original_name = images.original_name(upload.name)
        return upload


class ReleaseImageFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """A published or scheduled release's photos all need alt text (checked on what was submitted)."""
        super().clean()
        if self.instance.status != Release.Status.PUBLISHED:
            return
        missing = False
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or not data.get("image") or (self.can_delete and data.get(DELETION_FIELD_NAME)):
                continue
            if not (data.get("alt_text") or "").strip():
                form.add_error("alt_text", ValidationError(_("Required before the release can be published."), code="alt_text_required"))
                missing = True
        # Stored photos a hand-made POST left out of the formset (fewer INITIAL_FORMS) count too.
        submitted = {form.instance.pk for form in self.initial_forms}
        if self.instance.pk and any(
            image.pk not in submitted and not image.alt_text.strip() for image in self.instance.images.all()
        ):
            missing = True
        if missing:
            raise ValidationError(
                _("Every photo needs alt text before the release can be published or scheduled."), code="alt_text_required"
            )


class ReleaseImageInline(admin.TabularInline):
    model = ReleaseImage
    form = ReleaseImageForm
    formset = ReleaseImageFormSet
    extra = 1
    # The current photo (thumbnail and original file name) is shown by the image field's widget.
    fields = ["image", "alt_text", "caption", "credit", "order"]
    ordering = ["order", "pk"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 1
    fields = ["title_th", "title_en", "organisation", "start_date", "end_date", "concurrent"]


def _could_be_id(value):
    return str(value).isascii() and str(value).isdigit() and int(value) < 2**63


class GuardedAutocompleteMixin:
    """Django's autocomplete widget queries whatever was posted to show it again: an id like
    'abc' or 10**20 in a hand-made POST would be a 500 instead of the form's error."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if _could_be_id(v)], attr)


class GuardedAutocompleteSelect(GuardedAutocompleteMixin, AutocompleteSelect):
    pass


class GuardedAutocompleteSelectMultiple(GuardedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class GuardedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """An id past the database's integer range is the field's error, not SQLite's OverflowError (a 500)."""

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            if not _could_be_id(pk):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk})
        return super().clean(value)


class ReleaseAdminForm(VersionCheck, CorrectionFields, forms.ModelForm):
    release_date = ThaiDateField(label=_("release date"), help_text=_("The date printed on the release, e.g. 29/09/2564 (B.E.)."))
    publish_at = ThaiDateTimeField(
        label=_("publish at"), required=False,
        help_text=_("E.g. 29/09/2564 14:30. A future time schedules the release; empty means now, when published."),
    )

    class Meta:
        model = Release
        fields = "__all__"

    def clean_status(self):
        status = self.cleaned_data["status"]
        stored = self.instance.status if self.instance.pk else Release.Status.DRAFT
        # Review and withdrawal go through their own buttons (releases/lifecycle.py), which keep the record.
        if status != stored and {status, stored} & {Release.Status.REVIEW, Release.Status.WITHDRAWN}:
            raise ValidationError(_("Use the publishing workflow buttons to submit, approve, withdraw or restore."), code="lifecycle")
        return status


class NumericSelectionMixin:
    """Django filters pk__in by the posted checkboxes as they are: 'abc' or 10**20 in a
    hand-made action POST would be a 500; it is refused as no selection instead."""

    def response_action(self, request, queryset):
        if not all(_could_be_id(pk) for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            self.message_user(
                request,
                gettext("Items must be selected in order to perform actions on them. No items have been changed."),
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset)

    def _get_edited_object_pks(self, request, prefix):
        # The same for list_editable rows (SQLite overflows on pk__in): left out here, the
        # row's form then reports the bad id itself. A private ModelAdmin hook (no public one
        # sees the posted ids before the query): if Django renamed it, this would silently stop
        # filtering and test_hand_made_list_editable_post_with_out_of_range_id_is_not_500 fails.
        return [pk for pk in super()._get_edited_object_pks(request, prefix) if _could_be_id(pk)]


class StorageFailureMessageMixin:
    """A photo or portrait that cannot be stored (disk full) is a message, never a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except images.ImageStorageError:
            # The whole save was rolled back and the files removed: say so.
            images.logger.exception("Image storage failed in the %s admin", self.opts.model_name)
            self.message_user(request, images.STORAGE_FAILED_MESSAGE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Release)
class ReleaseAdmin(BodyPreviewMixin, ReleaseTaxonomyMixin, LifecycleAdminMixin, NumericSelectionMixin, StorageFailureMessageMixin, HistoryAdmin):
    form = ReleaseAdminForm
    list_display = [
        "title", "thai_release_date", "state", "category", "language", "view_count", views_last_7_days, "image_count", "missing_images",
    ]
    list_filter = [StateFilter, "category", "language", ("officials", admin.RelatedOnlyFieldListFilter), YearFilter, MissingImagesFilter]
    list_select_related = ["category"]
    date_hierarchy = "release_date"
    search_fields = ["title", "summary", "body", "source_key"]
    autocomplete_fields = ["officials", "translation"]
    readonly_fields = ["view_count", "source_key", "expected_image_count", "created_at", "created_by", "updated_at", "updated_by"]
    inlines = [ReleaseImageInline, ReleaseAttachmentInline, ReleaseVideoInline]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    paginator = ChangeListPaginator
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "language", "translation", "category", "officials"]}),
        (_("Publishing"), {"fields": ["release_date", "status", "publish_at"]}),
        (_("Record"), {"classes": ["collapse"], "fields": readonly_fields}),
    ]

    def get_queryset(self, request):
        return with_recent_views(with_image_count(super().get_queryset(request)))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs["form_class"] = GuardedModelMultipleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        # Django lets three hand-made filter values through to a 500: a date-hierarchy part too big
        # for a C long (OverflowError), an id past 64 bits (the database refuses it) and a NUL byte
        # (PostgreSQL refuses it). Treated as Django treats other bad lookups: back to the list
        # with the "invalid lookup" flag.
        hierarchy = [request.GET.get(f"release_date__{part}", "") for part in ("year", "month", "day")]
        values = [value for values in request.GET.lists() for value in values[1]]
        ids = {f.name for f in Release._meta.get_fields() if f.is_relation or getattr(f, "primary_key", False)} | {"pk"}
        lookups = [value for name, values in request.GET.lists() if name.split("__")[0] in ids for value in values]
        if (
            any(len(part) > 4 for part in hierarchy) or any("\x00" in value for value in values)
            or any(value.strip().lstrip("-").isdigit() and len(value.strip()) > 18 for value in lookups)
        ):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # Thai-aware word search (releases/search.py) over the admin's queryset, drafts included.
        from .search import search_releases

        return search_releases(queryset, search_term, bounded=False), False

    # --- columns -----------------------------------------------------------
    @admin.display(description=_("release date"), ordering="release_date")
    def thai_release_date(self, obj):
        return thai.format_date(obj.release_date)

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        labels = {**dict(Release.Status.choices), "scheduled": _("scheduled")}
        state = obj.public_state
        if state == "scheduled":
            return format_html("{} ({})", labels[state], thai.format_datetime(obj.publish_at))
        return labels[state]

    @admin.display(description=_("photos"), ordering="n_images")
    def image_count(self, obj):
        return obj.n_images

    @admin.display(description=_("missing photos"))
    def missing_images(self, obj):
        missing = max(obj.expected_image_count - obj.n_images, 0)
        return missing or "—"

    # --- roles: editors write drafts, publishers publish ----------------------
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return roles.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.can_publish(request.user):
            fields += ["status", "publish_at"]
        return fields

    def save_model(self, request, obj, form, change):
        # Enforced on the server whatever the form showed: an editor's POST can neither
        # publish nor touch a release that is already published or scheduled.
        if not roles.can_publish(request.user):
            stored = Release.objects.filter(pk=obj.pk).values_list("status", flat=True).first() if change else None
            if stored == Release.Status.PUBLISHED:
                return self.stage_edit(request, obj, form)  # the public keeps the live version
            if obj.status != Release.Status.DRAFT or (stored and stored != Release.Status.DRAFT):
                raise PermissionDenied(gettext("Only publishers may publish, unpublish or schedule releases."))
            obj.publish_at = Release.objects.filter(pk=obj.pk).values_list("publish_at", flat=True).first() if change else None
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        before = Release.objects.filter(pk=obj.pk).values_list("status", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        # Publishing is recorded by lifecycle.record_published (the workflow's own record).
        if before == Release.Status.PUBLISHED and obj.status != before:
            audit.record(audit.SecurityEvent.Kind.RELEASE_UNPUBLISHED, request.user, obj)

    # --- actions -------------------------------------------------------------
    @admin.action(description=_("Publish selected releases now"), permissions=["publish"])
    def publish(self, request, queryset):
        now = timezone.now()
        count = 0
        blocked = []
        # Already public ones are left alone; drafts and scheduled ones become public now.
        already_public = Release.objects.published(now).values("pk")
        # Withdrawn ones come back only by "restore", which keeps the record.
        waiting = queryset.exclude(pk__in=already_public).exclude(status=Release.Status.WITHDRAWN)
        for release in waiting.prefetch_related("images"):
            if release.missing_alt_text():
                blocked.append(release.title)
                continue
            release.status = Release.Status.PUBLISHED
            if release.publish_at is None or release.publish_at > now:
                release.publish_at = now
            release.updated_by = request.user
            release.save()
            lifecycle.record_published(release, request.user)
            count += 1
        self.message_user(request, ngettext("%d release published.", "%d releases published.", count) % count, messages.SUCCESS)
        if blocked:
            self.message_user(
                request,
                ngettext(
                    "%(count)d release was not published because its photos lack alt text: %(titles)s",
                    "%(count)d releases were not published because their photos lack alt text: %(titles)s",
                    len(blocked),
                ) % {"count": len(blocked), "titles": "; ".join(blocked)},
                messages.WARNING,
            )

    @admin.action(description=_("Unpublish selected releases (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for release in queryset.filter(status=Release.Status.PUBLISHED):
            release.status = Release.Status.DRAFT
            release.publish_at = None
            release.updated_by = request.user
            release.save()
            audit.record(audit.SecurityEvent.Kind.RELEASE_UNPUBLISHED, request.user, release)
            count += 1
        self.message_user(request, ngettext("%d release unpublished.", "%d releases unpublished.", count) % count, messages.SUCCESS)

    # --- view on site and preview ------------------------------------------
    def view_on_site(self, obj):
        if obj.is_published():
            return obj.get_absolute_url()
        return reverse("admin:releases_release_preview", args=[obj.pk])

    def get_urls(self):
        return [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="releases_release_preview"),
        ] + super().get_urls()

    def preview_view(self, request, pk):
        """The release exactly as the public will see it; for staff who may edit it."""
        release = get_object_or_404(Release, pk=pk)
        if not self.has_change_permission(request, release) and not (
            release.is_published() and self.has_view_permission(request, release)
        ):
            raise PermissionDenied
        from .views import ReleaseDetailView

        return ReleaseDetailView.as_view(preview_release=release)(request, pk=release.pk, slug=release.slug)


class OfficialAdminForm(forms.ModelForm):
    portrait = images.ImageUploadField(label=_("portrait"), required=False, widget=forms.ClearableFileInput(attrs=_IMAGE_ACCEPT))

    class Meta:
        model = Official
        fields = "__all__"

    def clean_portrait(self):
        # Stored cleaned: upright, sRGB, no EXIF/GPS; the file name is made by upload_to.
        portrait = self.cleaned_data.get("portrait")
        if portrait and hasattr(portrait, "_newsroom_prepared"):
            return images.cleaned_file(portrait, "portrait")
        return portrait


@admin.register(Official)
class OfficialAdmin(NumericSelectionMixin, StorageFailureMessageMixin, HistoryAdmin):
    form = OfficialAdminForm
    list_display = ["__str__", "name_en", "current_position", "slug"]
    search_fields = ["name_th", "name_en", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [PositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("positions")

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete view passes the term unvalidated; PostgreSQL refuses a NUL (a 500).
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    @admin.display(description=_("current position"))
    def current_position(self, obj):
        position = obj.position_on(timezone.localdate())
        return position.title_th if position else "—"


@admin.register(Category)
class CategoryAdmin(NumericSelectionMixin, HistoryAdmin):
    list_display = ["name_th", "name_en", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name_th", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


class GroupAdmin(BaseGroupAdmin):
    """Role names are stored in English (code refers to them) and shown translated."""

    list_display = ["translated_name"]

    @admin.display(description=_("name"), ordering="name")
    def translated_name(self, obj):
        return gettext(obj.name)


admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
from .subscriptions import admin as subscriptions_admin  # noqa: E402,F401 (registers the alerts admin)
