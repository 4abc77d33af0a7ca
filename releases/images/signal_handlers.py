"""Image files go when their row goes, after the transaction commits; connected by register() from ReleasesConfig.ready()."""

from django.db.models.signals import post_delete

from .storage import delete_after_commit, stored_names


def release_image_deleted(sender, instance, using, **kwargs):
    delete_after_commit(instance._meta.get_field("image").storage, stored_names(instance), using)


def official_deleted(sender, instance, using, **kwargs):
    if instance.portrait:
        delete_after_commit(instance.portrait.storage, [instance.portrait.name], using)


def register():
    """Connect the handlers (replacing a file is handled by the models' save(), see storage.files_before_row)."""
    post_delete.connect(release_image_deleted, sender="releases.ReleaseImage", dispatch_uid="images.release_image_deleted")
    post_delete.connect(official_deleted, sender="releases.Official", dispatch_uid="images.official_deleted")
