"""A document's files over its life: orphans found by cleanup_media, removed after commit with their row or release, history."""

import datetime
import io
import os

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.attachments import documents
from tests.factories import ReleaseAttachmentFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def test_cleanup_media_finds_orphan_documents_and_keeps_used_ones():
    used = ReleaseAttachmentFactory()
    orphan = default_storage.save("documents/2020/01/abandoned.pdf", io.BytesIO(documents.make_pdf()))
    old = (datetime.datetime.now() - datetime.timedelta(hours=3)).timestamp()
    os.utime(default_storage.path(orphan), (old, old))
    os.utime(default_storage.path(used.file.name), (old, old))
    out = io.StringIO()
    call_command("cleanup_media", "--dry-run", stdout=out, stderr=io.StringIO())
    assert f"would delete: {orphan}" in out.getvalue() and used.file.name not in out.getvalue()
    call_command("cleanup_media", stdout=io.StringIO(), stderr=io.StringIO())
    assert not default_storage.exists(orphan) and default_storage.exists(used.file.name)


def test_deleting_a_release_removes_its_documents_after_commit(django_capture_on_commit_callbacks):
    attachment = ReleaseAttachmentFactory()
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attachment.release.delete()
    assert default_storage.exists(name)  # not before the commit
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)


def test_replacing_a_document_removes_the_old_file_after_commit(django_capture_on_commit_callbacks):
    attachment = ReleaseAttachmentFactory()
    old = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment.file = SimpleUploadedFile("new.docx", documents.make_docx())
        attachment.save()
    attachment.refresh_from_db()
    assert attachment.file_type == "docx" and attachment.file.name != old
    assert not default_storage.exists(old) and default_storage.exists(attachment.file.name)


def test_history_records_each_change():
    attachment = ReleaseAttachmentFactory(release=ReleaseFactory())
    attachment.title = "ฉบับแก้ไข"
    attachment.save()
    assert [h.title for h in attachment.history.all()] == ["ฉบับแก้ไข", "แถลงการณ์ร่วม"]
