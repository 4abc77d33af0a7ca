"""The editorial lifecycle's transitions: review, approval, return, withdrawal, restoring and featuring.

Each transition checks the role on the server (releases/roles.py), refuses a release in the wrong
state with a ValidationError, writes the release and a ReleaseEvent in one transaction, and sends
its e-mail after the commit. Saving the release starts a new page-cache generation (caching.py).
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .models import Release, ReleaseEvent, Withdrawal

logger = logging.getLogger(__name__)
Status = Release.Status
Action = ReleaseEvent.Action


def _require(allowed, message=None):
    if not allowed:
        raise PermissionDenied(message or _("Only publishers may do this."))


def _require_state(release, *statuses):
    if release.status not in statuses:
        raise ValidationError(_("This cannot be done to a release that is %(state)s.") % {"state": release.get_status_display()})


def _record(release, user, action, comment=""):
    release.updated_by = user
    release.save()
    return ReleaseEvent.objects.create(release=release, user=user, action=action, comment=comment)


# --- review --------------------------------------------------------------------------

@transaction.atomic
def submit(release, user, link=""):
    """An editor asks for review: draft -> review; the publishers are told."""
    _require(roles.can_edit(user, release), _("You may not edit this release."))
    _require_state(release, Status.DRAFT)
    release.status = Status.REVIEW
    _record(release, user, Action.SUBMITTED)
    _mail(publishers(), _("Submitted for review: %(title)s"), release, user, link)


@transaction.atomic
def take_back(release, user):
    """The editor takes a release back from review to change it: review -> draft."""
    _require(roles.can_write(user), _("You may not edit this release."))
    _require_state(release, Status.REVIEW)
    release.status = Status.DRAFT
    _record(release, user, Action.TAKEN_BACK)


@transaction.atomic
def approve(release, user, publish_at=None, link=""):
    """A publisher approves: review -> published now, or scheduled for `publish_at`."""
    _require(roles.can_publish(user))
    _require_state(release, Status.REVIEW, Status.DRAFT)
    if release.missing_alt_text():
        raise ValidationError(_("Every photo needs alt text before the release can be published or scheduled."))
    now = timezone.now()
    scheduled = publish_at is not None and publish_at > now
    release.status, release.publish_at, release.review_comment = Status.PUBLISHED, publish_at if scheduled else now, ""
    _record(release, user, Action.SCHEDULED if scheduled else Action.PUBLISHED)
    _mail(_authors(release), _("Approved: %(title)s"), release, user, link)


@transaction.atomic
def return_to_editor(release, user, comment, link=""):
    """A publisher sends a release in review back to draft, saying why."""
    _require(roles.can_publish(user))
    _require_state(release, Status.REVIEW)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what needs changing."))
    release.status, release.review_comment = Status.DRAFT, comment
    _record(release, user, Action.RETURNED, comment)
    _mail(_authors(release), _("Returned for changes: %(title)s"), release, user, link, comment)


# --- withdrawal ----------------------------------------------------------------------

@transaction.atomic
def withdraw(release, user, kind, reason, replacement=None):
    """A publisher withdraws a public release: it leaves every list; its URL explains, answers 410 or redirects."""
    _require(roles.can_publish(user))
    if not release.is_published():
        raise ValidationError(_("Only a public release can be withdrawn."))
    reason = (reason or "").strip()
    if kind not in Withdrawal.values:
        raise ValidationError(_("Choose how the release is withdrawn."))
    if not reason:
        raise ValidationError(_("A withdrawal needs a public explanation."))
    if kind == Withdrawal.REPLACED and (replacement is None or replacement.pk == release.pk or not replacement.is_published()):
        raise ValidationError(_("Choose the public release that replaces this one."))
    release.status, release.withdrawal_kind, release.withdrawal_reason = Status.WITHDRAWN, kind, reason
    release.withdrawn_at, release.featured_until = timezone.now(), None
    release.replaced_by = replacement if kind == Withdrawal.REPLACED else None
    _record(release, user, Action.WITHDRAWN, reason)


@transaction.atomic
def restore(release, user):
    """A publisher undoes a withdrawal: the release is public again at its URL and in the lists."""
    _require(roles.can_publish(user))
    _require_state(release, Status.WITHDRAWN)
    release.status, release.withdrawal_kind, release.withdrawal_reason = Status.PUBLISHED, "", ""
    release.withdrawn_at = release.replaced_by = None
    _record(release, user, Action.RESTORED)


# --- featuring -----------------------------------------------------------------------

@transaction.atomic
def feature(release, user, until):
    """A publisher features a public release until `until` (None stops it now)."""
    _require(roles.can_publish(user))
    if until is not None and (not release.is_published() or until <= timezone.now()):
        raise ValidationError(_("Only a public release can be featured, and only until a time still to come."))
    release.featured_until = until
    _record(release, user, Action.FEATURED if until else Action.UNFEATURED)


# --- e-mail --------------------------------------------------------------------------

def publishers():
    """Active users who may publish and have an address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    codename = roles.PUBLISH_PERMISSION.split(".", 1)[1]
    return users.filter(
        Q(is_superuser=True) | Q(groups__permissions__codename=codename) | Q(user_permissions__codename=codename)
    ).distinct()


def _authors(release):
    return [user for user in (release.created_by,) if user is not None and user.is_active and user.email]


def _mail(recipients, subject, release, actor, link, comment=""):
    addresses = sorted({user.email for user in recipients if user.pk != actor.pk})
    if not addresses:
        return
    subject = subject % {"title": release.title[:120]}
    lines = [release.title, "", _("By: %(user)s") % {"user": actor.get_full_name() or actor.get_username()}]
    if comment:
        lines += ["", comment]
    if link:
        lines += ["", link]
    body = "\n".join(lines)

    def send():
        try:
            send_mail(subject, body, None, addresses)
        except Exception:  # a mail server down must not turn a committed transition into an error page
            logger.exception("Could not send the lifecycle e-mail %r", subject)

    transaction.on_commit(send)
