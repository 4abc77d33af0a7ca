"""The security audit log: who signed in, failed, enrolled or reset a second factor, changed roles, published."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from releases.clients import client_address


class SecurityEvent(models.Model):
    """One security-relevant event. Never holds a password, a code or a secret: only names and ids."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("signed in with password")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        SIGN_OUT = "sign_out", _("signed out")
        SECOND_FACTOR_PASSED = "second_factor_passed", _("second factor accepted")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("second factor refused")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
        SECOND_FACTOR_SET_UP = "second_factor_set_up", _("second factor set up")
        SECOND_FACTOR_RESET = "second_factor_reset", _("second factor reset")
        GROUPS_CHANGED = "groups_changed", _("roles changed")
        PERMISSIONS_CHANGED = "permissions_changed", _("permissions changed")
        RELEASE_PUBLISHED = "release_published", _("release published")
        RELEASE_UNPUBLISHED = "release_unpublished", _("release unpublished")
        RELEASE_WITHDRAWN = "release_withdrawn", _("release withdrawn")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    event = models.CharField(_("event"), max_length=40, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the user row is deleted, and for failed sign-ins that name no real user.
    username = models.CharField(_("username"), max_length=150, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        app_label = "releases"
        ordering = ["-created_at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event} {self.username}"


def current_request():
    """The request being served, as django-simple-history's middleware keeps it (None in commands)."""
    return getattr(HistoricalRecords.context, "request", None)


def client_ip(request):
    # The site's one rule for the client's address behind the trusted proxies.
    return client_address(request) or None


def record(event, user, obj=None, request=None, **details):
    """Write one event. `user` is who acted (None if nobody signed in); `obj` what it concerned."""
    request = request or current_request()
    if user is not None and not user.is_authenticated:
        user = None
    return SecurityEvent.objects.create(
        event=event,
        user=user,
        username=details.pop("username", None) or (user.get_username() if user else ""),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        details=details,
    )


def _signed_in(sender, request, user, **kwargs):
    record(SecurityEvent.Kind.SIGN_IN, user, request=request)


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(SecurityEvent.Kind.SIGN_OUT, user, request=request)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the name tried: `credentials` also holds the password (Django masks it, but why keep it).
    step = kwargs.get("step", "password")
    kind = SecurityEvent.Kind.SECOND_FACTOR_FAILED if step == "code" else SecurityEvent.Kind.SIGN_IN_FAILED
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")[:150]
    user = request.user if step == "code" and request is not None else None
    record(kind, user, request=request, username=username or "?")


def _related_changed(kind, field):
    """A handler for m2m_changed on the user's `field` (groups or permissions), either side."""

    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        request = current_request()
        actor = request.user if request is not None else None
        change = {"post_add": "added", "post_remove": "removed", "pre_clear": "cleared"}[action]
        if reverse:
            # group.user_set.add(...): one event per user whose roles changed.
            users = model.objects.filter(pk__in=pk_set) if pk_set else model.objects.filter(**{field: instance})
            for user in users:
                record(kind, actor, obj=user, **{change: [str(instance)]})
            return
        related = model.objects.filter(pk__in=pk_set) if pk_set else getattr(instance, field).all()
        if related:
            record(kind, actor, obj=instance, **{change: sorted(str(item) for item in related)})

    return handler


def connect_signals():
    user_model = get_user_model()
    user_logged_in.connect(_signed_in, dispatch_uid="audit-sign-in")
    user_logged_out.connect(_signed_out, dispatch_uid="audit-sign-out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit-sign-in-failed")
    m2m_changed.connect(
        _related_changed(SecurityEvent.Kind.GROUPS_CHANGED, "groups"), sender=user_model.groups.through, weak=False,
        dispatch_uid="audit-groups",
    )
    m2m_changed.connect(
        _related_changed(SecurityEvent.Kind.PERMISSIONS_CHANGED, "user_permissions"), sender=user_model.user_permissions.through,
        weak=False, dispatch_uid="audit-permissions",
    )
