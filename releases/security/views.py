"""The second sign-in step: set up an authenticator (QR code, confirm, recovery codes) or give a code."""

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.contrib import admin
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import SecurityEvent, record
from .recovery import RecoveryCodeDevice


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


def qr_svg(text):
    """The QR code as inline SVG markup: drawn by our page itself, so the CSP needs no exception."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return mark_safe(image.to_string(encoding="unicode"))  # our own markup, from a URL we built


@method_decorator([never_cache, sensitive_post_parameters("otp_token")], name="dispatch")
class SecondStepView(FormView):
    """For a staff user who gave the right password in this session and now owes the second factor."""

    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect("admin:login")
        if user.is_verified():
            return HttpResponseRedirect(self.next_url())
        if self.is_locked():
            return get_lockout_response(request, credentials=self.credentials())
        return super().dispatch(request, *args, **kwargs)

    def next_url(self):
        wanted = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(wanted, {self.request.get_host()}, self.request.is_secure()):
            return wanted
        return reverse("admin:index")

    def credentials(self):
        return {"username": self.request.user.get_username()}

    def is_locked(self):
        return AxesProxyHandler.is_locked(self.request, credentials=self.credentials())

    def get_context_data(self, **kwargs):
        return self.page_context(title=self.title, **super().get_context_data(**kwargs))

    def page_context(self, **extra):
        """The admin's own context (header, site name), so these pages look like the admin."""
        return {**admin.site.each_context(self.request), "next": self.next_url(), **extra}

    def signed_in(self, device):
        """The code was right: bind the device to the session under a new session key."""
        django_otp.login(self.request, device)
        self.request.session.cycle_key()

    def code_refused(self, form):
        """Count it with django-axes like a wrong password (which locks the user out after too many)."""
        form.add_error("otp_token", gettext("That code is not valid. Check the time on your phone and try again."))
        user_login_failed.send(sender=__name__, credentials=self.credentials(), request=self.request, step="code")
        if getattr(self.request, "axes_locked_out", False):
            return get_lockout_response(self.request, credentials=self.credentials())
        return self.form_invalid(form)


class SetUpView(SecondStepView):
    """First sign-in of a staff user: scan the QR code, confirm one code, keep the recovery codes."""

    template_name = "security/set_up.html"
    title = _("Set up two-step sign-in")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and django_otp.user_has_device(request.user):
            return redirect(f"{reverse('security:verify')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def device(self):
        # The same unconfirmed device across GET and POST, so the QR code scanned is the one checked.
        user = self.request.user
        return TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name=gettext("Authenticator app"), confirmed=False
        )

    def get_context_data(self, **kwargs):
        device = self.device()
        secret = b32encode(device.bin_key).decode()
        return super().get_context_data(
            qr_svg=qr_svg(device.config_url),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            **kwargs,
        )

    def form_valid(self, form):
        device = self.device()
        if not django_otp.verify_token(self.request.user, device.persistent_id, form.cleaned_data["otp_token"].strip()):
            return self.code_refused(form)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = RecoveryCodeDevice.issue(self.request.user)
        self.signed_in(device)
        record(SecurityEvent.Kind.SECOND_FACTOR_SET_UP, self.request.user, request=self.request)
        # Shown once, in this response: only their hashes are kept.
        context = self.page_context(title=gettext("Your recovery codes"), codes=codes)
        return TemplateResponse(self.request, "security/recovery_codes.html", context)


class VerifyView(SecondStepView):
    """Every later sign-in: a code from the authenticator app, or one recovery code."""

    template_name = "security/verify.html"
    title = _("Two-step sign-in")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not django_otp.user_has_device(request.user):
            return redirect(f"{reverse('security:set_up')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user, token = self.request.user, form.cleaned_data["otp_token"].strip()
        # Six digits are an authenticator code; anything else can only be a recovery code.
        model = TOTPDevice if token.isdigit() else RecoveryCodeDevice
        for device in model.objects.devices_for_user(user, confirmed=True):
            verified = django_otp.verify_token(user, device.persistent_id, token)
            if verified:
                self.signed_in(verified)
                record(SecurityEvent.Kind.SECOND_FACTOR_PASSED, user, request=self.request, method=model._meta.model_name)
                if model is RecoveryCodeDevice:
                    record(SecurityEvent.Kind.RECOVERY_CODE_USED, user, request=self.request, remaining=verified.remaining)
                return HttpResponseRedirect(self.next_url())
        return self.code_refused(form)
