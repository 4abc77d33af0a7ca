"""Alerts in the admin: subscriber counts per list for all staff; addresses only with the view_subscriber permission."""

from django.contrib import admin
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from releases.thai import page_language

from .lists import label_of, labels
from .models import Subscriber, Subscription


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Addresses: Django's own view/delete permissions on Subscriber decide who sees them.
    Nobody adds or edits one here: only its owner does, from the signed links (consent)."""

    list_display = ("email", "frequency", "language", "consent_at")
    list_filter = ("frequency", "language")
    search_fields = ("email",)
    readonly_fields = ("email", "frequency", "language", "consent_text", "consent_at", "created_at", "lists_display")
    fields = readonly_fields

    @admin.display(description=_("subscriptions"))
    def lists_display(self, obj):
        known = labels(page_language())
        return ", ".join(label_of(kind, value, None, known) for kind, value in obj.lists())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Counts per list, shown to every member of staff; no address on this page."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)
        known = labels(page_language())
        counts = Subscription.objects.values("kind", "value").annotate(subscribers=Count("subscriber")).order_by("kind", "value")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Subscribers per list"),
            "opts": self.model._meta,
            "rows": [(label_of(row["kind"], row["value"], None, known), row["subscribers"]) for row in counts],
            "total": Subscriber.objects.count(),
        }
        return TemplateResponse(request, "admin/subscriptions/counts.html", context)
