"""releases/archive/documents.py: documents exported beside each release and imported back (round trip)."""

import io
import json

import pytest
from django.core.management import call_command

from releases.archive import relative_path
from releases.archive.documents import documents_dir
from releases.models import Release, ReleaseAttachment
from tests.attachments import documents
from tests.factories import ReleaseAttachmentFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


def export(directory):
    out = io.StringIO()
    call_command("export_releases", str(directory), stdout=out)
    return out.getvalue()


def test_round_trip_keeps_documents_their_titles_languages_order_and_bytes(tmp_path):
    tmp_path = tmp_path / "archive"
    release = ReleaseFactory(source_key="th-1")
    pdf = ReleaseAttachmentFactory(release=release, title="แถลงการณ์ร่วม", order=1, file__data=documents.make_pdf(["หน้าหนึ่ง", "หน้าสอง"]))
    docx = ReleaseAttachmentFactory(release=release, title="Fact sheet", language="en", order=2, file__data=documents.make_docx())
    originals = {a.title: a.file.read() for a in (pdf, docx)}
    export(tmp_path)
    folder = documents_dir(tmp_path / relative_path(release))
    assert sorted(p.name for p in folder.iterdir()) == ["01.pdf", "02.docx", "manifest.json"]
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))[0] == {"file": "01.pdf", "title": "แถลงการณ์ร่วม", "language": "th", "order": 1}

    Release.objects.all().delete()
    out, err = io.StringIO(), io.StringIO()
    call_command("import_releases", str(tmp_path), stdout=out, stderr=err)
    assert "not a .txt file" not in out.getvalue() + err.getvalue()
    imported = Release.objects.get(source_key="th-1")
    attachments = list(imported.attachments.all())
    assert [(a.title, a.language, a.order, a.file_type, a.page_count) for a in attachments] == [
        ("แถลงการณ์ร่วม", "th", 1, "pdf", 2), ("Fact sheet", "en", 2, "docx", 2),
    ]
    assert {a.title: a.file.read() for a in attachments} == originals


def test_a_second_export_leaves_unchanged_documents_alone(tmp_path):
    tmp_path = tmp_path / "archive"
    release = ReleaseAttachmentFactory(release=ReleaseFactory(source_key="a")).release
    export(tmp_path)
    path = documents_dir(tmp_path / relative_path(release)) / "01.pdf"
    before = path.stat().st_mtime_ns
    export(tmp_path)
    assert path.stat().st_mtime_ns == before


def test_import_attaches_once_and_reports_refused_documents(tmp_path):
    tmp_path = tmp_path / "archive"
    release = ReleaseFactory(source_key="b")
    ReleaseAttachmentFactory(release=release)
    export(tmp_path)
    folder = documents_dir(tmp_path / relative_path(release))
    (folder / "01.pdf").write_bytes(documents.html_named_pdf())
    Release.objects.all().delete()
    out = io.StringIO()
    call_command("import_releases", str(tmp_path), "-v", "2", stdout=out, stderr=io.StringIO())
    assert not ReleaseAttachment.objects.exists()
    assert "document 01.pdf refused" in out.getvalue()
    # Importing again does not attach twice either.
    (folder / "01.pdf").write_bytes(documents.make_pdf())
    call_command("import_releases", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("import_releases", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    assert ReleaseAttachment.objects.count() == 1
