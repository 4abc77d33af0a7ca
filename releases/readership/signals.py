"""Closed days' sums go when what they were summed by changes: a release's category or officials, or the release itself."""

from django.db.models.signals import m2m_changed, post_init, post_save, pre_delete

from . import rollups


def _remember_category(sender, instance, **kwargs):
    # Kept from loading, so a save can tell a re-filed release without a query.
    instance._readership_category_id = instance.__dict__.get("category_id")


def release_saved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_readership_category_id", None)
    if not created and not raw and before is not None and before != instance.category_id:
        rollups.forget_release([instance.pk])
    instance._readership_category_id = instance.category_id


def release_deleted(sender, instance, **kwargs):
    # Before the delete: its daily rows (and so the days to drop) go with it.
    rollups.forget_release([instance.pk])


def officials_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        rollups.forget_release([instance.pk])
    elif pk_set:  # official.releases.add(...): pk_set are releases
        rollups.forget_release(list(pk_set))
    elif action == "post_clear":  # official.releases.clear(): which releases is no longer known
        rollups.forget()


def register():
    """Connect the handlers (called from ReleasesConfig.ready())."""
    from ..models import Release

    post_init.connect(_remember_category, sender=Release, dispatch_uid="readership.remember_category")
    post_save.connect(release_saved, sender=Release, dispatch_uid="readership.release_saved")
    pre_delete.connect(release_deleted, sender=Release, dispatch_uid="readership.release_deleted")
    m2m_changed.connect(officials_changed, sender=Release.officials.through, dispatch_uid="readership.officials_changed")
