"""The editorial lifecycle's transitions: review, approval, return, withdrawal, restoring and featuring.

Each transition checks the role on the server (releases/roles.py), refuses a release in the wrong
state with a ValidationError, writes the release and a ReleaseEvent in one transaction, and sends
its e-mail after the commit. Saving the release starts a new page-cache generation (caching.py).
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy as _lazy

from . import roles, thai
from .security import audit
from .models import Release, ReleaseEvent, ReleaseRevision, Withdrawal

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
    audit.record(audit.SecurityEvent.Kind.RELEASE_PUBLISHED, user, release, publish_at=str(release.publish_at))
    _mail(_authors(release), _("Approved: %(title)s"), release, user, link)


def record_published(release, user, link=""):
    """A publisher published or scheduled a release from the form or the list action: on the record, the author told."""
    ReleaseEvent.objects.create(release=release, user=user, action=Action.SCHEDULED if release.is_scheduled() else Action.PUBLISHED)
    audit.record(audit.SecurityEvent.Kind.RELEASE_PUBLISHED, user, release, publish_at=str(release.publish_at))
    _mail(_authors(release), _("Published: %(title)s"), release, user, link)


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
    audit.record(audit.SecurityEvent.Kind.RELEASE_WITHDRAWN, user, release, kind=kind)


@transaction.atomic
def restore(release, user):
    """A publisher undoes a withdrawal: the release is public again at its URL and in the lists."""
    _require(roles.can_publish(user))
    _require_state(release, Status.WITHDRAWN)
    release.status, release.withdrawal_kind, release.withdrawal_reason = Status.PUBLISHED, "", ""
    release.withdrawn_at = release.replaced_by = None
    _record(release, user, Action.RESTORED)
    audit.record(audit.SecurityEvent.Kind.RELEASE_PUBLISHED, user, release, restored="yes")


# --- featuring -----------------------------------------------------------------------

@transaction.atomic
def feature(release, user, until):
    """A publisher features a public release until `until` (None stops it now)."""
    _require(roles.can_publish(user))
    if until is not None and (not release.is_published() or until <= timezone.now()):
        raise ValidationError(_("Only a public release can be featured, and only until a time still to come."))
    release.featured_until = until
    _record(release, user, Action.FEATURED if until else Action.UNFEATURED)


# --- staged edits to a live release --------------------------------------------------

# A publisher's approved change replaced by an unapproved edit would be a silent un-approval.
SCHEDULED_CHANGE_WAITING = _lazy(
    "A change to this release is scheduled: wait until it has gone live, or ask a publisher to cancel it."
)

# Set by the publishing workflow only, never carried by an edit.
NOT_STAGED = {"status", "publish_at"}


def _comparable(field, value):
    if field.many_to_many:
        return sorted(item.pk for item in value)
    if field.is_relation:
        return value.pk if value is not None else None
    return value


def revision_data(form, live):
    """What an edit changes in the live release, for a ReleaseRevision: foreign keys by id,
    many-to-many as sorted ids. Compared with the stored row, not the form's starting point
    (a history revert starts from an old version)."""
    data = {}
    for name, value in form.cleaned_data.items():
        try:
            field = Release._meta.get_field(name)
        except FieldDoesNotExist:  # the form's own fields (the correction note) are kept apart
            continue
        if not field.editable or name in NOT_STAGED:
            continue
        current = getattr(live, name).all() if field.many_to_many else getattr(live, name)
        new, old = _comparable(field, value), _comparable(field, current)
        # Left empty, these are derived on save: compare what saving would make of them.
        if name == "slug" and not new:
            new = thai.slugify(form.cleaned_data.get("title") or live.title)
        elif name == "summary" and not new.strip():
            new = Release(body=form.cleaned_data.get("body", live.body)).derive_summary()
        if new != old:
            data[name] = new
    return data


def apply_revision(release, data):
    """Set a revision's fields on `release` (not saved); returns the many-to-many ids to set after saving."""
    many = {}
    for name, value in data.items():
        field = Release._meta.get_field(name)
        if field.many_to_many:
            many[name] = value
        elif field.is_relation:
            setattr(release, field.attname, value)
        else:
            setattr(release, name, field.to_python(value))
    return many


@transaction.atomic
def stage_revision(release, user, data, correction_note="", link=""):
    """An edit of a live release by someone who may not publish: kept aside until a publisher approves it."""
    _require(roles.can_write(user), _("You may not edit this release."))
    _require_state(release, Status.PUBLISHED)
    if ReleaseRevision.objects.filter(release=release, go_live_at__isnull=False).exists():
        raise ValidationError(SCHEDULED_CHANGE_WAITING)
    data = {**data, "_correction": correction_note} if correction_note else data
    ReleaseRevision.objects.update_or_create(release=release, defaults={"data": data, "author": user})
    ReleaseEvent.objects.create(release=release, user=user, action=Action.REVISION_SUBMITTED)
    _mail(publishers(), _("Edit waiting for approval: %(title)s"), release, user, link)


@transaction.atomic
def approve_revision(release, user, go_live_at=None):
    """A publisher puts the pending edit live (with its correction note, if it has one), now or at `go_live_at`."""
    _require(roles.can_publish(user))
    revision = ReleaseRevision.objects.select_for_update().filter(release=release).first()
    if revision is None:
        raise ValidationError(_("There is no pending edit."))
    if go_live_at is not None and go_live_at > timezone.now():
        return _schedule(release, revision, user, go_live_at)
    _go_live(release, revision, user, Action.REVISION_APPROVED)


def _go_live(release, revision, user, action):
    """Apply `revision` to `release` and delete it; validated first, so a failure changes nothing."""
    data = dict(revision.data)
    note = data.pop("_correction", "")
    many = apply_revision(release, data)
    release.full_clean(exclude=list(many), validate_unique=False)
    if note:
        release.corrected_at = timezone.now()
    _record(release, user, action)
    for name, ids in many.items():  # officials, countries, topics
        getattr(release, name).set(Release._meta.get_field(name).related_model.objects.filter(pk__in=ids))
    if note:
        ReleaseEvent.objects.create(release=release, user=user, action=Action.CORRECTED, comment=note)
    revision.delete()
    _mail([revision.author] if revision.author and revision.author.email else [], _("Edit approved: %(title)s"), release, user, "")


def _schedule(release, revision, user, go_live_at):
    # Checked now, so the change is not refused (silently) when its time comes.
    trial = Release.objects.get(pk=release.pk)
    many = apply_revision(trial, {k: v for k, v in revision.data.items() if not k.startswith("_")})
    trial.full_clean(exclude=list(many), validate_unique=False)
    revision.go_live_at, revision.scheduled_by = go_live_at, user
    revision.save(update_fields=["go_live_at", "scheduled_by", "created_at"])
    when = timezone.localtime(go_live_at)
    ReleaseEvent.objects.create(
        release=release, user=user, action=Action.REVISION_SCHEDULED, comment=f"{thai.format_date(when)} {when:%H:%M}",
    )


@transaction.atomic
def schedule_edit(release, user, data, go_live_at, correction_note=""):
    """A publisher's own edit of a live release, to go live at `go_live_at`; the public keeps the live version until then."""
    _require(roles.can_publish(user), _("Only publishers may schedule a change."))
    _require_state(release, Status.PUBLISHED)
    if go_live_at <= timezone.now():
        raise ValidationError(_("A change can only be scheduled for a time still to come."))
    if ReleaseRevision.objects.filter(release=release).exists():
        raise ValidationError(_("This release already has a pending or scheduled edit: approve, discard or cancel it first."))
    data = {**data, "_correction": correction_note} if correction_note else data
    revision = ReleaseRevision.objects.create(release=release, data=data, author=user)
    _schedule(release, revision, user, go_live_at)


@transaction.atomic
def unschedule_revision(release, user):
    """A publisher cancels the time of a scheduled change: it waits again as a pending edit (to approve or discard)."""
    _require(roles.can_publish(user))
    revision = ReleaseRevision.objects.select_for_update().filter(release=release, go_live_at__isnull=False).first()
    if revision is None:
        raise ValidationError(_("No change is scheduled."))
    revision.go_live_at = revision.scheduled_by = None
    revision.save(update_fields=["go_live_at", "scheduled_by"])  # saved, not updated: the page cache's signal
    ReleaseEvent.objects.create(release=release, user=user, action=Action.REVISION_UNSCHEDULED)


def apply_scheduled(revision_pk, now):
    """Put one scheduled change live if its time has come and no one else did: True if this call did.

    Race-safe: the revision row is locked (PostgreSQL) or the write transaction is serial (SQLite),
    and a change already applied is gone. A change that no longer validates goes back to waiting,
    on the record, instead of failing the request that found it due."""
    with transaction.atomic():
        revision = (
            ReleaseRevision.objects.select_for_update(of=("self",)).select_related("release", "scheduled_by", "author")
            .filter(pk=revision_pk, go_live_at__lte=now).first()
        )
        if revision is None:
            return False
        try:
            with transaction.atomic():
                _go_live(revision.release, revision, revision.scheduled_by, Action.REVISION_LIVE)
            return True
        except ValidationError as error:
            logger.warning("The scheduled change of release %s could not go live: %s", revision.release_id, error.messages)
            revision.go_live_at = None
            revision.save(update_fields=["go_live_at"])
            ReleaseEvent.objects.create(
                release_id=revision.release_id, user=None, action=Action.REVISION_UNSCHEDULED, comment=" ".join(error.messages),
            )
            return False


@transaction.atomic
def discard_revision(release, user):
    """A publisher throws the pending edit away; the live version stays as it is."""
    _require(roles.can_publish(user))
    deleted, _rows = ReleaseRevision.objects.filter(release=release).delete()
    if not deleted:
        raise ValidationError(_("There is no pending edit."))
    ReleaseEvent.objects.create(release=release, user=user, action=Action.REVISION_DISCARDED)


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
    addresses = sorted({user.email for user in recipients if actor is None or user.pk != actor.pk})
    if not addresses:
        return
    subject = subject % {"title": release.title[:120]}
    by = actor.get_full_name() or actor.get_username() if actor is not None else "—"
    lines = [release.title, "", _("By: %(user)s") % {"user": by}]
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
