"""The editorial record of a release: its lifecycle fields, its events (who did what, when) and pending revisions."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Withdrawal(models.TextChoices):
    """How a withdrawn release answers at its URL."""

    EXPLAINED = "explained", _("withdrawn, with the explanation shown above the text")
    ERROR = "error", _("published in error (410 Gone)")
    REPLACED = "replaced", _("replaced by another release (301 redirect)")


class LifecycleFields(models.Model):
    """Fields of Release that belong to the editorial lifecycle (kept here so models.py stays small)."""

    withdrawal_kind = models.CharField(_("withdrawal"), max_length=10, choices=Withdrawal.choices, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("withdrawal explanation"), blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+", verbose_name=_("replaced by"),
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True, editable=False)
    featured_until = models.DateTimeField(_("featured until"), null=True, blank=True, editable=False)
    corrected_at = models.DateTimeField(_("last corrected"), null=True, blank=True, editable=False)
    # Optimistic locking: each save adds one; a form holding an older number is refused.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def modified_at(self):
        """When readers were last told of a change: the last correction, else publication (feeds, JSON-LD)."""
        return self.corrected_at or self.publish_at


class ReleaseEvent(models.Model):
    """One step in a release's lifecycle, with who took it and why; corrections carry a public note."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for review")
        TAKEN_BACK = "taken_back", _("taken back from review")
        RETURNED = "returned", _("returned to the editor")
        PUBLISHED = "published", _("approved and published")
        SCHEDULED = "scheduled", _("approved and scheduled")
        WITHDRAWN = "withdrawn", _("withdrawn")
        RESTORED = "restored", _("restored")
        CORRECTED = "corrected", _("corrected")
        FEATURED = "featured", _("featured")
        UNFEATURED = "unfeatured", _("no longer featured")
        REVISION_SUBMITTED = "rev_saved", _("edit saved for approval")
        REVISION_APPROVED = "rev_ok", _("pending edit approved")
        REVISION_DISCARDED = "rev_drop", _("pending edit discarded")
        REVISION_SCHEDULED = "rev_sched", _("change scheduled")
        REVISION_UNSCHEDULED = "rev_unsch", _("scheduled change cancelled")
        REVISION_LIVE = "rev_live", _("scheduled change went live")

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="events", verbose_name=_("release"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("release event")
        verbose_name_plural = _("release events")
        indexes = [models.Index(fields=["release", "action", "-at"], name="release_event_idx")]

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"


class ReleaseRevision(models.Model):
    """An edit of a live release kept aside: waiting for a publisher, or approved to go live at `go_live_at`."""

    release = models.OneToOneField("releases.Release", on_delete=models.CASCADE, related_name="pending_revision", verbose_name=_("release"))
    # Changed fields only, as the form cleaned them: {"title": "...", "category": 3, "officials": [1, 2]}.
    data = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("saved at"), auto_now=True)
    # Set by a publisher: the change goes live by itself at this time (releases/scheduled_edits.py).
    go_live_at = models.DateTimeField(_("goes live at"), null=True, blank=True, db_index=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("scheduled by"),
    )

    class Meta:
        verbose_name = _("pending edit")
        verbose_name_plural = _("pending edits")

    def __str__(self):
        return str(self.release_id)
