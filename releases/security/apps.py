"""The admin app, with our admin site (second factor required) as its default site."""

from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    default_site = "releases.security.site.NewsroomAdminSite"

    def ready(self):
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import admin  # noqa: F401 (registers the audit log's read-only admin)

        # django-otp's device admin shows any user's key as a QR code (and answers a missing
        # device's id with a 500): second factors are managed by their owners and reset_two_factor.
        # ready() runs again when tests re-populate the app registry: unregister only once.
        if self.module.site.is_registered(TOTPDevice):
            self.module.site.unregister(TOTPDevice)
