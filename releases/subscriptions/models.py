"""Subscribers, their lists, and the outbox: one Announcement per release, one Delivery per subscriber."""

import secrets

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from .lists import KIND_CHOICES, lists_of


def new_token():
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def for_release(self, release):
        """Confirmed subscribers with a list that `release` belongs to."""
        wanted = Q(pk__in=[])
        for kind, value in lists_of(release):
            wanted |= Q(subscriptions__kind=kind, subscriptions__value=value)
        return self.filter(wanted).distinct()

    def confirm(self, email, lists, frequency, language, consent_text, now):
        """The confirmed request: the address (new or known) gets these lists added, and this consent recorded."""
        with transaction.atomic():
            subscriber, _created = self.update_or_create(
                email=email,
                defaults={"frequency": frequency, "language": language, "consent_text": consent_text, "consent_at": now},
            )
            subscriber.set_lists(lists, replace=False)
        return subscriber


class Subscriber(models.Model):
    """An address that confirmed (double opt-in); unconfirmed requests live only in the signed link."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as published")
        DAILY = "daily", _("Daily digest")

    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(_("language"), max_length=2, default="th")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    # Random, never shown unsigned: the manage and unsubscribe links carry it signed.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    consent_text = models.TextField(_("consent text"), editable=False)
    consent_at = models.DateTimeField(_("consent given at"), editable=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return self.email

    def lists(self):
        return sorted((s.kind, s.value) for s in self.subscriptions.all())

    def set_lists(self, lists, replace=True):
        """Add these (kind, value) lists; with `replace`, drop the others."""
        wanted = set(lists)
        current = {(s.kind, s.value): s for s in self.subscriptions.all()}
        if replace:
            Subscription.objects.filter(pk__in=[s.pk for key, s in current.items() if key not in wanted]).delete()
        Subscription.objects.bulk_create(
            [Subscription(subscriber=self, kind=kind, value=value) for kind, value in wanted if (kind, value) not in current]
        )


class Subscription(models.Model):
    """One list of one subscriber: a kind ("category") and a value (its slug); "all" has no value."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    value = models.CharField(_("value"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["subscriber", "kind", "value"], name="subscription_unique")]

    def __str__(self):
        return f"{self.kind}:{self.value}"


class Announcement(models.Model):
    """That a release was announced: written (unique) before anything is sent, so it happens once."""

    release = models.OneToOneField("releases.Release", on_delete=models.CASCADE, related_name="announcement")
    announced_at = models.DateTimeField(_("announced at"), auto_now_add=True)
    # The optional LINE broadcast, claimed and marked like a delivery.
    line_claimed_at = models.DateTimeField(null=True, blank=True)
    line_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-announced_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return str(self.release_id)


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Delivery.Status.PENDING)

    def claimable(self, stale_before):
        """Pending and not being sent: never claimed, or its claim lapsed (the worker died)."""
        return self.pending().filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_before))


class Delivery(models.Model):
    """One release for one subscriber, recorded with its announcement and claimed before the send."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery", "pending")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("skipped (no longer public)")

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    digest = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["announcement", "subscriber"], name="delivery_once_per_subscriber")]
        indexes = [models.Index(fields=["status", "claimed_at"], name="delivery_pending_idx")]

    def __str__(self):
        return f"{self.announcement_id}→{self.subscriber_id}"
