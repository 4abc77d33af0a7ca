"""The admin for old addresses: the redirect table with CSV import, and the list of old addresses not found."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .csvimport import CSVError, decode_upload, import_csv
from .models import LegacyURL, MissingLegacyURL

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class CSVImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Two columns: old address, then source key or a path on this site."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return decode_upload(upload.read())


@admin.register(LegacyURL)
class LegacyURLAdmin(admin.ModelAdmin):
    list_display = ["path", "release", "target_url", "hits"]
    search_fields = ["path", "target_url", "release__title", "release__source_key"]
    raw_id_fields = ["release"]
    readonly_fields = ["hits", "created_at"]
    change_list_template = "admin/releases/legacyurl/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_csv_view)
        return [path("import-csv/", view, name="releases_legacyurl_import_csv"), *super().get_urls()]

    def import_csv_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CSVImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = import_csv(form.cleaned_data["file"])
            except CSVError as exc:
                for error in exc.errors[:20]:
                    form.add_error("file", error)
            else:
                self.message_user(request, _("Old addresses: %(created)s added, %(updated)s changed.") % vars(result), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:releases_legacyurl_changelist"))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "title": _("Import old addresses from CSV")}
        return TemplateResponse(request, "admin/releases/legacyurl/import_csv.html", context)


@admin.register(MissingLegacyURL)
class MissingLegacyURLAdmin(admin.ModelAdmin):
    list_display = ["path", "hits", "last_seen", "add_mapping"]
    search_fields = ["path"]
    readonly_fields = ["path", "hits", "last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("mapping"))
    def add_mapping(self, obj):
        url = reverse("admin:releases_legacyurl_add") + "?" + urlencode({"path": obj.path})
        return format_html('<a href="{}">{}</a>', url, _("Add a redirect"))
