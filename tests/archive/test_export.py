"""releases/archive/export.py and export_releases: the archive format written back, and the round trip."""

import datetime
import io

import pytest
from django.core.management import call_command

from releases.archive import relative_path, render
from releases.models import Release
from tests.factories import ReleaseFactory, ReleaseImageFactory

SEP_29 = datetime.date(2021, 9, 29)


@pytest.mark.django_db
def test_thai_release_is_written_with_a_buddhist_era_date():
    release = ReleaseFactory(
        title="ข่าวทดสอบการส่งออก", release_date=SEP_29, view_count=1204,
        body="ย่อหน้าแรก ๒๕๖๔\n\n\u00a0\n\nย่อหน้าที่สอง", expected_image_count=2,
    )
    assert render(release) == (
        "ข่าวทดสอบการส่งออก\n\nข่าวทดสอบการส่งออก\n\n29 ก.ย. 2564\n\n1,204 views\n\n"
        "ย่อหน้าแรก ๒๕๖๔\n\nย่อหน้าที่สอง\n\nรูปภาพประกอบ\n\nรูปภาพประกอบ\n"
    )


@pytest.mark.django_db
def test_english_release_is_written_with_a_christian_era_date():
    release = ReleaseFactory(title="Export test", language="en", release_date=SEP_29, view_count=1, body="One.\n\nTwo.")
    ReleaseImageFactory(release=release)
    assert render(release) == "Export test\n\nExport test\n\n29 Sep 2021\n\n1 view\n\nOne.\n\nTwo.\n\nPhoto\n"


@pytest.mark.django_db
def test_file_names_follow_source_keys_safely():
    assert str(relative_path(ReleaseFactory(source_key="mfa/2564-09-29"))) == "mfa/2564-09-29.txt"
    plain = ReleaseFactory(source_key=None)
    assert str(relative_path(plain)) == f"release-{plain.pk}.txt"
    sneaky = ReleaseFactory(source_key="../../etc/passwd")
    assert str(relative_path(sneaky)) == f"release-{sneaky.pk}.txt"


@pytest.mark.django_db
def test_command_writes_once_then_leaves_files_alone(tmp_path):
    ReleaseFactory(source_key="a")
    ReleaseFactory(source_key="b", draft=True)
    out = io.StringIO()
    call_command("export_releases", str(tmp_path), stdout=out)
    assert "2 written, 0 unchanged" in out.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    out = io.StringIO()
    call_command("export_releases", str(tmp_path), "--published", stdout=out)
    assert "Exported 1 releases" in out.getvalue() and "0 written, 1 unchanged" in out.getvalue()


@pytest.mark.django_db
def test_round_trip_into_an_empty_database(tmp_path):
    """export -> import reproduces title, date, views, language, paragraphs and photo count."""
    thai_release = ReleaseFactory(
        title="กระทรวงฯ แถลงผลการประชุม", release_date=datetime.date(2020, 2, 29), view_count=3456,
        body="เมื่อวันที่ ๒๘ กุมภาพันธ์ ๒๕๖๓ ที่ประชุม\nมีมติร่วมกัน\n\nย่อหน้าที่สอง", expected_image_count=1, source_key="th-1",
    )
    ReleaseImageFactory(release=thai_release)
    ReleaseImageFactory(release=thai_release)
    ReleaseFactory(title="Ministry statement", language="en", release_date=datetime.date(2024, 12, 31), view_count=0, body="Only paragraph.", source_key="en-1")
    ReleaseFactory(title="ข่าวไม่มีรหัส", body="เนื้อหา", source_key=None, expected_image_count=3)
    expected = {
        r.title: (r.release_date, r.view_count, r.language, r.paragraphs, max(r.images.count(), r.expected_image_count))
        for r in Release.objects.all()
    }
    call_command("export_releases", str(tmp_path), stdout=io.StringIO())
    Release.objects.all().delete()
    call_command("import_releases", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    reproduced = {
        r.title: (r.release_date, r.view_count, r.language, r.paragraphs, r.expected_image_count)
        for r in Release.objects.all()
    }
    assert reproduced == expected
