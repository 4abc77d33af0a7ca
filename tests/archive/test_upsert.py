"""The upsert of one file: fields written, idempotency, corrections, conflicts with editors."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from releases import archive
from releases.archive import bulk, format
from releases.models import Official, Release
from tests.archive.pages import TODAY, THAI_PAGE, page, write, run, totals
from tests.factories import CategoryFactory


@pytest.mark.django_db
def test_bad_files_are_reported_and_written_nowhere_while_others_import(tmp_path):
    CategoryFactory()
    write(tmp_path, "good.txt", page(title="ข่าวที่ดี"))
    write(tmp_path, "impossible.txt", page(date="31 ก.พ. 2564"))
    write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(tmp_path, "huge.txt", page(paragraphs=["ก" * 400]))
    out, err = run(tmp_path, expect_failure=True, max_size=300)
    assert list(Release.objects.values_list("title", flat=True)) == ["ข่าวที่ดี"]
    assert f"{tmp_path / 'impossible.txt'}:5: unusable date" in err
    assert f"{tmp_path / 'binary.txt'}:3: binary file" in err
    assert f"{tmp_path / 'huge.txt'}: file is" in err
    assert totals(out) == {"created": 1, "updated": 0, "unchanged": 0, "conflicts": 0, "failed": 3, "skipped": 0}


@pytest.mark.django_db
def test_database_validation_failure_writes_nothing(tmp_path, monkeypatch):
    """full_clean() runs on both databases; a failing file leaves no release, no officials, no link."""
    CategoryFactory()
    monkeypatch.setattr(format, "MAX_TITLE_LENGTH", 10_000)  # let the parser pass it to the model
    write(tmp_path, "long.txt", page(title="ก" * 600, paragraphs=["นาย Erik Svensson ผู้แทนพิเศษ มาเยือน"]))
    out, err = run(tmp_path, expect_failure=True, create_officials=True)
    assert "title: " in err and "600" in err
    assert Release.objects.count() == 0 and Official.objects.count() == 0


# --- what is written ----------------------------------------------------------------------


@pytest.mark.django_db
def test_import_sets_fields(tmp_path):
    CategoryFactory()
    write(tmp_path, "mfa-2565-03-12.txt", THAI_PAGE)
    run(tmp_path)
    release = Release.objects.get()
    assert release.source_key == "mfa-2565-03-12"
    assert release.release_date == datetime.date(2022, 3, 12)
    assert release.view_count == 71 and release.expected_image_count == 2
    assert len(release.paragraphs) == 5 and release.language == "th"
    assert release.summary == release.paragraphs[0]
    assert release.status == Release.Status.DRAFT and release.publish_at is None
    assert release.category.slug == "press-release"
    assert release.slug and release.source_checksum and release.import_snapshot["title"] == release.title


@pytest.mark.django_db
def test_source_prefix_and_category(tmp_path):
    CategoryFactory()
    CategoryFactory(slug="statement", name_th="แถลงการณ์")
    write(tmp_path, "x.txt", page())
    run(tmp_path, source_prefix="mfa-th", category="statement")
    release = Release.objects.get()
    assert release.source_key == "mfa-th/x" and release.category.slug == "statement"


@pytest.mark.django_db
def test_unknown_category_or_bad_prefix_stop_the_command(tmp_path):
    CategoryFactory()
    with pytest.raises(CommandError, match="no category"):
        call_command("import_releases", str(tmp_path), category="nope", stdout=io.StringIO())
    with pytest.raises(CommandError, match="source prefix"):
        call_command("import_releases", str(tmp_path), source_prefix="../x", stdout=io.StringIO())


@pytest.mark.django_db
def test_publish_never_schedules(tmp_path):
    CategoryFactory()
    today = timezone.localdate()
    write(tmp_path, "old.txt", page(date="3 Jan 2022", paragraphs=["Old news."], title="Old"))
    write(tmp_path, "today.txt", page(date=f"{today.day} {today:%b} {today.year}", paragraphs=["Fresh news."], title="Today"))
    run(tmp_path, publish=True)
    old, fresh = Release.objects.get(title="Old"), Release.objects.get(title="Today")
    assert timezone.localtime(old.publish_at).replace(tzinfo=None) == datetime.datetime(2022, 1, 3, 9, 0)
    assert fresh.publish_at <= timezone.now()
    assert set(Release.objects.published()) == {old, fresh}


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    CategoryFactory()
    write(tmp_path, "a.txt", page(paragraphs=["นาย Erik Svensson ผู้แทนพิเศษ มาเยือน"]))
    out, _ = run(tmp_path, dry_run=True, create_officials=True, publish=True)
    assert "Dry run: created 1" in out and "Erik Svensson" in out
    assert Release.objects.count() == 0 and Official.objects.count() == 0


# --- idempotency, corrections and conflicts -------------------------------------------------


def setup_queries():
    """A run's fixed queries: its category, the officials and the releases a killed run left
    unindexed; on PostgreSQL also setting the connection's commit mode and resetting it
    (bulk._lazy_commits); and, when it changed anything, dropping the stored pages (one DELETE)."""
    from django.db import connection

    return 3 + (2 if connection.vendor == "postgresql" else 0) + 1


@pytest.mark.django_db
def test_second_run_changes_nothing(tmp_path, django_assert_max_num_queries):
    CategoryFactory()
    for number in range(3):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวที่ {number}"))
    assert totals(run(tmp_path)[0])["created"] == 3
    before = list(Release.objects.values_list("pk", "updated_at"))
    with django_assert_max_num_queries(1 + setup_queries()):  # one lookup for up to LOOKUP_FILES files
        out, _ = run(tmp_path)
    assert totals(out) == {"created": 0, "updated": 0, "unchanged": 3, "conflicts": 0, "failed": 0, "skipped": 0}
    assert list(Release.objects.values_list("pk", "updated_at")) == before


@pytest.mark.django_db
def test_releases_are_looked_up_a_chunk_of_files_at_a_time(tmp_path, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(bulk, "LOOKUP_FILES", 2)
    CategoryFactory()
    for number in range(5):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวที่ {number}"))
    write(tmp_path, "r9.txt", page(title="ข่าวที่ 9"))
    run(tmp_path)
    write(tmp_path, "r9.txt", page(title="ข่าวที่ 9 แก้ไข"))
    # 3 lookups (not 6), r9 updated and indexed (with its documents' text), its version's countries and topics (2)
    with django_assert_max_num_queries(3 + setup_queries() + 15):
        out, _ = run(tmp_path)
    assert totals(out)["unchanged"] == 5 and totals(out)["updated"] == 1
    assert Release.objects.filter(title="ข่าวที่ 9 แก้ไข").exists()


@pytest.mark.django_db
def test_a_release_deleted_after_its_lookup_is_imported_anew(tmp_path):
    CategoryFactory()
    write(tmp_path, "a.txt", page(title="ข่าวก"))
    write(tmp_path, "b.txt", page(title="ข่าวข"))
    run(tmp_path)
    write(tmp_path, "b.txt", page(title="ข่าวข แก้ไข"))
    outcomes = archive.Importer(today=TODAY).run([tmp_path])
    assert next(outcomes).status == "unchanged"  # a.txt; b's release was looked up with it
    Release.objects.filter(source_key="b").delete()  # an editor deletes it in the admin meanwhile
    assert [outcome.status for outcome in outcomes] == ["created"]
    assert Release.objects.get(source_key="b").title == "ข่าวข แก้ไข"


@pytest.mark.django_db
def test_corrected_file_updates_its_release(tmp_path):
    CategoryFactory()
    path = write(tmp_path, "r.txt", page(title="ข่าวเดิม", paragraphs=["เนื้อหาเดิม"]))
    run(tmp_path)
    write(tmp_path, "r.txt", page(title="ข่าวแก้ไข", paragraphs=["เนื้อหาแก้ไข", "ย่อหน้าเพิ่ม"], photos=1))
    assert totals(run(path)[0])["updated"] == 1
    release = Release.objects.get()
    assert release.title == "ข่าวแก้ไข" and release.paragraphs == ["เนื้อหาแก้ไข", "ย่อหน้าเพิ่ม"]
    assert release.summary == "เนื้อหาแก้ไข" and release.expected_image_count == 1
    assert release.slug == "ข่าวแก้ไข"


@pytest.mark.django_db
def test_whitespace_only_change_is_unchanged(tmp_path):
    CategoryFactory()
    write(tmp_path, "r.txt", page())
    run(tmp_path)
    write(tmp_path, "r.txt", page().replace("\n", "\r\n"))
    assert totals(run(tmp_path)[0])["unchanged"] == 1
    write(tmp_path, "r.txt", page().replace("\n", "\r\n"))
    assert totals(run(tmp_path)[0])["unchanged"] == 1


@pytest.mark.django_db
def test_view_count_is_never_lowered(tmp_path):
    CategoryFactory()
    write(tmp_path, "r.txt", page(views="100 views"))
    run(tmp_path)
    Release.objects.update(view_count=500)  # the live site counted more since
    write(tmp_path, "r.txt", page(views="120 views", paragraphs=["แก้ไขแล้ว"]))
    run(tmp_path)
    assert Release.objects.get().view_count == 500
    write(tmp_path, "r.txt", page(views="900 views", paragraphs=["แก้ไขแล้ว"]))
    assert totals(run(tmp_path)[0])["updated"] == 1
    assert Release.objects.get().view_count == 900


@pytest.mark.django_db
def test_editor_changes_are_kept_and_reported_as_conflicts(tmp_path):
    CategoryFactory()
    write(tmp_path, "r.txt", page(title="ข่าวเดิม", paragraphs=["เนื้อหาเดิม"]))
    run(tmp_path)
    release = Release.objects.get()
    release.title = "หัวข้อที่บรรณาธิการแก้"
    release.save()
    write(tmp_path, "r.txt", page(title="ข่าวแก้ไขจากต้นฉบับ", paragraphs=["เนื้อหาใหม่"]))
    out, _ = run(tmp_path)
    assert totals(out)["conflicts"] == 1 and totals(out)["updated"] == 1
    assert f"conflict {tmp_path / 'r.txt'}: kept the editor's title" in out
    release.refresh_from_db()
    assert release.title == "หัวข้อที่บรรณาธิการแก้"  # the editor's
    assert release.paragraphs == ["เนื้อหาใหม่"]  # the import's: nobody touched it
    # The same file again: nothing new to say.
    assert totals(run(tmp_path)[0]) == {"created": 0, "updated": 0, "unchanged": 1, "conflicts": 0, "failed": 0, "skipped": 0}


@pytest.mark.django_db
def test_editor_summary_survives_a_body_correction(tmp_path):
    CategoryFactory()
    write(tmp_path, "r.txt", page(paragraphs=["เนื้อหาเดิม"]))
    run(tmp_path)
    Release.objects.update(summary="สรุปที่บรรณาธิการเขียน")
    write(tmp_path, "r.txt", page(paragraphs=["เนื้อหาใหม่"]))
    out, _ = run(tmp_path)
    release = Release.objects.get()
    assert release.summary == "สรุปที่บรรณาธิการเขียน" and release.paragraphs == ["เนื้อหาใหม่"]
    assert "kept the editor's summary" in out


@pytest.mark.django_db
def test_publish_on_rerun_but_not_over_an_editors_unpublish(tmp_path):
    CategoryFactory()
    write(tmp_path, "r.txt", page())
    run(tmp_path)
    run(tmp_path, publish=True)  # same file, now published
    release = Release.objects.get()
    assert release.status == Release.Status.PUBLISHED
    Release.objects.update(status=Release.Status.DRAFT, publish_at=None)  # an editor took it down
    write(tmp_path, "r.txt", page(paragraphs=["แก้ไข"]))
    out, _ = run(tmp_path, publish=True)
    assert Release.objects.get().status == Release.Status.DRAFT
    assert "kept the editor's status" in out


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["explained", "error", "replaced"])
def test_a_reimport_never_moves_a_withdrawn_release_back(tmp_path, publisher, kind):
    from releases import lifecycle
    from releases.models import Withdrawal

    CategoryFactory()
    write(tmp_path, "r.txt", page())
    write(tmp_path, "other.txt", page(title="ข่าวที่มาแทน"))
    run(tmp_path, publish=True)
    release, replacement = Release.objects.get(source_key="r"), Release.objects.get(source_key="other")
    lifecycle.withdraw(release, publisher, getattr(Withdrawal, kind.upper()), "ข้อมูลคลาดเคลื่อน", replacement=replacement)
    write(tmp_path, "r.txt", page(paragraphs=["ฉบับแก้ไขจากต้นทาง"]))
    run(tmp_path, publish=True)
    release.refresh_from_db()
    assert release.status == Release.Status.WITHDRAWN
    assert release.withdrawal_kind == getattr(Withdrawal, kind.upper()) and release.withdrawal_reason == "ข้อมูลคลาดเคลื่อน"
    assert not Release.objects.published().filter(pk=release.pk).exists()


@pytest.mark.django_db
def test_a_release_in_review_is_not_published_by_a_reimport(tmp_path):
    CategoryFactory()
    write(tmp_path, "r.txt", page())
    run(tmp_path)
    Release.objects.update(status=Release.Status.REVIEW)
    write(tmp_path, "r.txt", page(paragraphs=["แก้ไข"]))
    run(tmp_path, publish=True)
    assert Release.objects.get().status == Release.Status.REVIEW


@pytest.mark.django_db
def test_duplicate_names_in_one_run_fail(tmp_path):
    CategoryFactory()
    write(tmp_path, "a/same.txt", page(title="หนึ่ง"))
    write(tmp_path, "b/same.txt", page(title="สอง"))
    out, err = run(tmp_path, expect_failure=True)
    assert Release.objects.get().title == "หนึ่ง"
    assert "same name" in err


@pytest.mark.django_db
def test_a_source_key_with_a_line_break_is_refused_through_the_module_api_too(tmp_path):
    CategoryFactory()
    path = write(tmp_path, "plain.txt", page())
    outcome = archive.Importer(today=TODAY).import_file(path, "two\nlines")
    assert outcome.status == "failed" and outcome.reason == "line break in the source key"
    assert outcome.location() == str(path) and not Release.objects.exists()


@pytest.mark.django_db
def test_the_url_line_makes_the_old_address_lead_to_the_release(tmp_path, client):
    from releases.redirects.models import LegacyURL

    CategoryFactory()
    write(tmp_path, "press-0929.txt", "URL: https://www.mfa.go.th/th/content/กต.แถลงข่าว?cate=5d5bcb4e15e39c306000683e\n\n" + page(title="กต.แถลงข่าว"))
    run(tmp_path, publish=True)
    release = Release.objects.get()
    assert list(LegacyURL.objects.values_list("path", "release")) == [("/th/content/กต.แถลงข่าว", release.pk)]
    response = client.get("/th/content/%E0%B8%81%E0%B8%95.%E0%B9%81%E0%B8%96%E0%B8%A5%E0%B8%87%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/")
    assert response.status_code == 301 and response["Location"] == release.get_absolute_url()

    # A corrected file moves the address; the first one keeps leading to the release too.
    write(tmp_path, "press-0929.txt", "URL: /main/th/news3/6886/119352-x.html\n\n" + page(title="กต.แถลงข่าว"))
    run(tmp_path)
    assert set(LegacyURL.objects.values_list("path", flat=True)) == {"/th/content/กต.แถลงข่าว", "/main/th/news3/6886/119352"}


@pytest.mark.django_db
def test_a_dry_run_records_no_old_address(tmp_path):
    from releases.redirects.models import LegacyURL

    CategoryFactory()
    write(tmp_path, "a.txt", "URL: /th/content/a\n" + page())
    run(tmp_path, dry_run=True)
    assert not LegacyURL.objects.exists()
