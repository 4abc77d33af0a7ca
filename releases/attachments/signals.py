"""A document's file goes when its row goes (also when its release is deleted), after commit; its text reaches the release's search document."""

from django.db.models.signals import post_delete, post_save

from .. import search
from ..images.storage import delete_after_commit


def attachment_saved(sender, instance, raw=False, **kwargs):
    # The release's search document includes its documents' text.
    if not raw:
        search.reindex([instance.release_id])


def attachment_deleted(sender, instance, using, origin=None, **kwargs):
    if instance.file:
        delete_after_commit(instance.file.storage, [instance.file.name], using)
    # Not when the release itself is being deleted (its row and index entry go anyway).
    if getattr(origin, "model", type(origin)) is sender:
        search.reindex([instance.release_id])


def register():
    post_save.connect(attachment_saved, sender="releases.ReleaseAttachment", dispatch_uid="attachments.saved")
    post_delete.connect(attachment_deleted, sender="releases.ReleaseAttachment", dispatch_uid="attachments.deleted")
