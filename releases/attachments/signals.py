"""A document's file goes when its row goes (also when its release is deleted), after the transaction commits."""

from django.db.models.signals import post_delete

from ..images.storage import delete_after_commit


def attachment_deleted(sender, instance, using, **kwargs):
    if instance.file:
        delete_after_commit(instance.file.storage, [instance.file.name], using)


def register():
    post_delete.connect(attachment_deleted, sender="releases.ReleaseAttachment", dispatch_uid="attachments.deleted")
