"""The admin site: a password alone never opens it; every admin view needs the verified second factor."""

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse


class NewsroomAdminSite(admin.AdminSite):
    """Every view wrapped by `admin_view` (all of them but login) asks `has_permission`, so one check covers them."""

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        # Signed in with the password but not yet with the code: on to the second step (or its set-up).
        user = request.user
        if user.is_active and user.is_staff and not user.is_verified():
            query = urlencode({"next": request.GET.get("next", reverse("admin:index", current_app=self.name))})
            return HttpResponseRedirect(f"{reverse('security:verify')}?{query}")
        return super().login(request, extra_context)
