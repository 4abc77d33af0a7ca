"""releases/importer.py and the import_releases command: format, bad input, idempotency, conflicts."""

import datetime
import io
import os
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image

from releases import importer
from releases.importer import Candidate, SourceError, decode, find_candidates, parse
from releases.models import Official, Release
from tests.factories import CategoryFactory, OfficialFactory

TODAY = datetime.date(2025, 6, 1)

# Written for these tests in the shape of the ministry's pages (not copied from any of them).
THAI_PAGE = (
    "กระทรวงการต่างประเทศจัดสัมมนาการคุ้มครองแรงงานไทยในต่างแดน\n"
    "\n"
    "กระทรวงการต่างประเทศจัดสัมมนาการคุ้มครองแรงงานไทยในต่างแดน\n"
    "\n"
    "12 มี.ค. 2565\n"
    "\n"
    "71 view\n"
    "\n"
    "เมื่อวันที่ ๑๐ มีนาคม ๒๕๖๕ นายสุรเชษฐ์ ทองประเสริฐ อธิบดีกรมการกงสุล เป็นประธานเปิดการสัมมนา"
    "เรื่องการคุ้มครองแรงงานไทยในต่างแดน ณ กรุงเทพมหานคร\n"
    "\n"
    "\u00a0\n"
    "\n"
    "ผู้เข้าร่วมสัมมนากว่า ๑๕๐ คน ได้แลกเปลี่ยนประสบการณ์การให้ความช่วยเหลือคนไทยที่ประสบปัญหา\n"
    "\n"
    "\u00a0\n"
    "\n"
    "นายกรัฐมนตรีได้ส่งสารแสดงความชื่นชมต่อเจ้าหน้าที่กงสุลทุกคน\n"
    "\n"
    "\u00a0\n"
    "\n"
    "ในช่วงบ่าย ที่ประชุมได้หารือกับนาง Maria Lindqvist ผู้แทนองค์การระหว่างประเทศ\n"
    "\n"
    "กระทรวงฯ จะจัดการสัมมนาลักษณะนี้อีกครั้งในปี ๒๕๖๖\n"
    "\n"
    "รูปภาพประกอบ\n"
    "\n"
    "รูปภาพประกอบ\n"
)

ENGLISH_PAGE = (
    "Thailand Opens New Consular Office Hours for Travellers\n"
    "\n"
    "Thailand Opens New Consular Office Hours for Travellers\n"
    "\n"
    "5 April 2023\n"
    "\n"
    "1,204 views\n"
    "\n"
    "On 4 April 2023, Mr. Arthit Boonmee, Director-General of the Department of Consular Affairs, "
    "announced longer opening hours at passport offices.\n"
    "\n"
    "The new hours begin next month.\n"
    "\n"
    "Photo\n"
)


def page(title="หัวข้อข่าวทดสอบ", date="1 ม.ค. 2566", views="10 views", paragraphs=("ย่อหน้าแรก", "ย่อหน้าที่สอง"), photos=0, photo_line="รูปภาพประกอบ", repeat_title=True):
    blocks = [title] + ([title] if repeat_title else []) + [date] + ([views] if views else []) + list(paragraphs) + [photo_line] * photos
    return "\n\n".join(blocks) + "\n"


def write(directory, name, text, encoding="utf-8"):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run(*paths, expect_failure=False, **options):
    out, err = io.StringIO(), io.StringIO()
    args = [str(path) for path in paths]
    if expect_failure:
        with pytest.raises(CommandError):
            call_command("import_releases", *args, stdout=out, stderr=err, **options)
    else:
        call_command("import_releases", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def totals(output):
    match = re.search(r"created (\d+), updated (\d+), unchanged (\d+), conflicts (\d+), failed (\d+), skipped (\d+)", output)
    assert match, output
    return dict(zip(["created", "updated", "unchanged", "conflicts", "failed", "skipped"], map(int, match.groups())))


def jpeg_bytes(color=(30, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(buffer, "JPEG")
    return buffer.getvalue()


# --- the format ---------------------------------------------------------------------------


def test_parses_a_thai_page():
    """Title printed twice, Buddhist-era date, views, paragraphs between no-break-space lines, photo lines."""
    parsed = parse(THAI_PAGE, today=TODAY)
    assert parsed.title == "กระทรวงการต่างประเทศจัดสัมมนาการคุ้มครองแรงงานไทยในต่างแดน"
    assert parsed.release_date == datetime.date(2022, 3, 12)
    assert parsed.view_count == 71
    assert len(parsed.paragraphs) == 5
    assert parsed.expected_image_count == 2
    assert parsed.language == "th"
    assert "๑๐ มีนาคม ๒๕๖๕" in parsed.paragraphs[0]  # Thai digits kept as written
    assert "\u00a0" not in parsed.body


def test_parses_an_english_page():
    parsed = parse(ENGLISH_PAGE, today=TODAY)
    assert parsed.release_date == datetime.date(2023, 4, 5)
    assert parsed.view_count == 1204
    assert parsed.paragraphs == (
        "On 4 April 2023, Mr. Arthit Boonmee, Director-General of the Department of Consular Affairs, announced longer opening hours at passport offices.",
        "The new hours begin next month.",
    )
    assert parsed.expected_image_count == 1
    assert parsed.language == "en"


@pytest.mark.parametrize(
    "date, expected",
    [
        ("29 ก.ย. 2564", datetime.date(2021, 9, 29)),
        ("29 กันยายน 2564", datetime.date(2021, 9, 29)),
        ("๒๙ ก.ย. ๒๕๖๔", datetime.date(2021, 9, 29)),
        ("29 Sep 2021", datetime.date(2021, 9, 29)),
        ("29 September 2021", datetime.date(2021, 9, 29)),
        ("29 ก.ย. 2021", datetime.date(2021, 9, 29)),  # a Christian-era year on a Thai page: not 1478
    ],
)
def test_date_forms(date, expected):
    assert parse(page(date=date), today=TODAY).release_date == expected


@pytest.mark.parametrize("views, expected", [("71 view", 71), ("1,204 views", 1204), ("๗๑ view", 71), ("5 Views", 5), (None, 0)])
def test_view_count_forms(views, expected):
    parsed = parse(page(views=views), today=TODAY)
    assert parsed.view_count == expected
    assert parsed.paragraphs == ("ย่อหน้าแรก", "ย่อหน้าที่สอง")


def test_title_printed_once():
    parsed = parse(page(repeat_title=False), today=TODAY)
    assert parsed.title == "หัวข้อข่าวทดสอบ"
    assert parsed.paragraphs[0] == "ย่อหน้าแรก"


@pytest.mark.parametrize("photo_line", ["รูปภาพประกอบ", "Photo", "Image", "photo"])
def test_photo_lines(photo_line):
    assert parse(page(photos=3, photo_line=photo_line), today=TODAY).expected_image_count == 3


def test_windows_line_endings_and_byte_order_mark():
    raw = "\ufeff".encode() + THAI_PAGE.replace("\n", "\r\n").encode("utf-8")
    parsed = parse(decode(raw), today=TODAY)
    assert parsed.title.startswith("กระทรวง") and len(parsed.paragraphs) == 5 and "\r" not in parsed.body


def test_cp874_page():
    parsed = parse(decode(THAI_PAGE.replace("\u00a0", " ").encode("cp874")), today=TODAY)
    assert parsed.title == "กระทรวงการต่างประเทศจัดสัมมนาการคุ้มครองแรงงานไทยในต่างแดน"
    assert len(parsed.paragraphs) == 5


def test_paragraph_lines_are_kept_together():
    parsed = parse(page(paragraphs=("บรรทัดหนึ่ง\nบรรทัดสอง", "ย่อหน้าถัดไป")), today=TODAY)
    assert parsed.paragraphs == ("บรรทัดหนึ่ง\nบรรทัดสอง", "ย่อหน้าถัดไป")


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, line, reason",
    [
        (b"", 1, "empty"),
        (b"  \n\xc2\xa0\n\t\n", 1, "empty"),
        (b"title\n\x00\x01\x02", 2, "binary"),
        (b"title\n\n\x81\x82\x83", 3, "cannot be decoded"),
        ("หัวข้อ\n\nข้อความ\u0085ผิด\n".encode(), 3, "control character U+0085"),
        (page(title="29 ม.ค. 2566").encode(), 1, "no title"),
        ("หัวข้อข่าว\n\nย่อหน้าแรกของข่าว\n\nย่อหน้าที่สอง\n".encode(), 3, "no date line"),
        ("หัวข้อข่าว\n".encode(), 1, "no date line"),
        (page(date="31 ก.พ. 2564").encode(), 5, "no such day"),
        (page(date="29 ก.พ. 2564").encode(), 5, "no such day"),
        (page(date="1 ม.ค. 2021").encode(), None, None),  # control: a CE year is read as CE
        (page(date="1 ม.ค. 1478").encode(), 5, "implausible year"),
        (page(date="1 ม.ค. 2664").encode(), 5, "implausible year"),  # 2121 CE: would look "scheduled"
        (page(date="31 Dec 2024").encode(), 5, "in the future"),
        (page(title="ก" * 501).encode(), 1, "over the limit of 500"),
        (page(views="99999999999999999999 views").encode(), 7, "does not fit"),
        (page(views="-5 views").encode(), 7, "unreadable view count"),
        (page(paragraphs=()).encode(), 7, "no body text"),
    ],
)
def test_bad_input_is_reported_with_line_and_reason(raw, line, reason):
    today = datetime.date(2024, 12, 30)
    if reason is None:
        assert parse(decode(raw), today=today).release_date == datetime.date(2021, 1, 1)
        return
    with pytest.raises(SourceError) as caught:
        parse(decode(raw), today=today)
    assert reason in caught.value.reason
    assert caught.value.line == line


def test_size_limit_is_checked_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", page())
    monkeypatch.setattr(importer, "open", lambda *a, **k: pytest.fail("read a file over the limit"), raising=False)
    with pytest.raises(SourceError, match="over the 10-byte limit"):
        importer.read_source(path, max_bytes=10)


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
    monkeypatch.setattr(importer, "MAX_TITLE_LENGTH", 10_000)  # let the parser pass it to the model
    write(tmp_path, "long.txt", page(title="ก" * 600, paragraphs=["นาย Erik Svensson ผู้แทนพิเศษ มาเยือน"]))
    out, err = run(tmp_path, expect_failure=True, create_officials=True)
    assert "title: " in err and "600" in err
    assert Release.objects.count() == 0 and Official.objects.count() == 0


# --- walking directories ------------------------------------------------------------------


@pytest.mark.django_db
def test_directories_are_walked_recursively_and_odd_entries_skipped(tmp_path):
    CategoryFactory()
    archive = tmp_path / "archive"
    write(archive, "2564/a.txt", page(title="ข่าว ก"))
    write(archive, "2565/deep/b.TXT", page(title="ข่าว ข"))
    write(archive, ".hidden.txt", page(title="ซ่อน"))
    write(archive, "notes.md", "x")
    outside = write(tmp_path, "outside.txt", page(title="นอก"))
    os.symlink(outside, archive / "link-out.txt")
    os.symlink(archive / "2564" / "a.txt", archive / "link-in.txt")
    out, err = run(archive)
    assert sorted(Release.objects.values_list("source_key", flat=True)) == ["a", "b", "link-in"]
    assert "skipped" in out and "symbolic link leading outside" in out and "hidden" in out and "not a .txt file" in out
    assert totals(out)["skipped"] == 3


def test_walk_is_lazy(tmp_path):
    """Files are found one directory at a time, not listed up front."""
    write(tmp_path, "a/1.txt", "x")
    (tmp_path / "b").mkdir()
    found = importer.iter_sources([tmp_path])
    assert next(found).path.endswith("1.txt")
    write(tmp_path, "b/2.txt", "x")  # made after the walk started, in a directory not yet read: found
    assert [item.stem for item in found] == ["2"]


@pytest.mark.django_db
def test_missing_path_fails(tmp_path):
    CategoryFactory()
    out, err = run(tmp_path / "nope", expect_failure=True)
    assert "no such file or directory" in err


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
    """A run's fixed queries: its category and the officials; on PostgreSQL also setting the
    connection's commit mode and resetting it (importer._lazy_commits)."""
    from django.db import connection

    return 2 + (2 if connection.vendor == "postgresql" else 0)


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
    monkeypatch.setattr(importer, "LOOKUP_FILES", 2)
    CategoryFactory()
    for number in range(5):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวที่ {number}"))
    write(tmp_path, "r9.txt", page(title="ข่าวที่ 9"))
    run(tmp_path)
    write(tmp_path, "r9.txt", page(title="ข่าวที่ 9 แก้ไข"))
    with django_assert_max_num_queries(3 + setup_queries() + 12):  # 3 lookups (not 6), r9 updated and indexed
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
    outcomes = importer.Importer(today=TODAY).run([tmp_path])
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
def test_duplicate_names_in_one_run_fail(tmp_path):
    CategoryFactory()
    write(tmp_path, "a/same.txt", page(title="หนึ่ง"))
    write(tmp_path, "b/same.txt", page(title="สอง"))
    out, err = run(tmp_path, expect_failure=True)
    assert Release.objects.get().title == "หนึ่ง"
    assert "same name" in err


# --- interruption -------------------------------------------------------------------------


def crash_on_third_file(monkeypatch):
    """Ctrl-C inside the third file's transaction, after its parsing; returns the real method."""
    real = importer.Importer._officials
    calls = {"n": 0}

    def crash_on_third(self, parsed, outcome):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, parsed, outcome)

    monkeypatch.setattr(importer.Importer, "_officials", crash_on_third)
    return real


@pytest.mark.django_db
def test_interrupted_run_leaves_whole_releases_and_rerun_completes(tmp_path, monkeypatch):
    CategoryFactory()
    for number in range(5):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวที่ {number}", paragraphs=[f"เนื้อหา {number}", "ต่อ"], photos=1))
    real = crash_on_third_file(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path)
    assert sorted(Release.objects.values_list("source_key", flat=True)) == ["r0", "r1"]
    assert all(r.paragraphs and r.expected_image_count == 1 for r in Release.objects.all())
    monkeypatch.setattr(importer.Importer, "_officials", real)
    out, _ = run(tmp_path)
    assert totals(out)["created"] == 3 and totals(out)["unchanged"] == 2
    assert sorted(Release.objects.values_list("source_key", flat=True)) == [f"r{n}" for n in range(5)]


# --- officials ----------------------------------------------------------------------------


@pytest.mark.django_db  # segmentation uses the search dictionary, which holds officials' names
def test_candidates_are_honorific_names_not_titles():
    text = (
        "นายกรัฐมนตรีและรองนายกรัฐมนตรีพบกับนายวีรพล ศักดิ์สิทธิ์ และนางสาวพิมพ์ชนก แสงทอง "
        "ร่วมกับ Mr. Tomas Berg, Deputy Minister และ ดร.อรุณ ฟ้าใส นายอำเภอเมืองก็มาด้วย"
    )
    assert find_candidates(text) == [
        Candidate("นาย", "วีรพล ศักดิ์สิทธิ์"),
        Candidate("นางสาว", "พิมพ์ชนก แสงทอง"),
        Candidate("Mr.", "Tomas Berg"),
        Candidate("ดร.", "อรุณ ฟ้าใส"),
    ]
    assert str(Candidate("นาย", "วีรพล ศักดิ์สิทธิ์")) == "นายวีรพล ศักดิ์สิทธิ์"
    assert str(Candidate("นาย", "Anders Holm")) == "นาย Anders Holm"


@pytest.mark.django_db  # segmentation uses the search dictionary, which holds officials' names
@pytest.mark.parametrize(
    "text, expected",
    [
        ("H.E. Mr. Tomas Berg, Ambassador of Sweden", Candidate("H.E. Mr.", "Tomas Berg")),
        ("met Dr. Ahmad bin Hassan yesterday", Candidate("Dr.", "Ahmad bin Hassan")),
        ("โดยพล.อ.สมศักดิ์ กล้าหาญ เป็นประธาน", Candidate("พล.อ.", "สมศักดิ์ กล้าหาญ")),
    ],
)
def test_more_honorifics(text, expected):
    assert find_candidates(text) == [expected]


@pytest.mark.django_db  # segmentation uses the search dictionary, which holds officials' names
@pytest.mark.parametrize(
    "text", ["นายวีรพลกล่าวว่า ทั้งสองฝ่ายเห็นพ้อง", "นายวีรพลได้เดินทาง ไปยัง", "นายวีรพล รัฐมนตรีว่าการ", "พ.ศ. ๒๕๖๖ ศ. ทดสอบ"]
)
def test_a_sentence_or_title_after_an_honorific_is_not_a_name(text):
    assert find_candidates(text) == []


@pytest.mark.django_db
def test_known_officials_are_linked_by_alias_and_others_listed(tmp_path):
    CategoryFactory()
    known = OfficialFactory(honorific="นาย", name_th="สุรเชษฐ์ ทองประเสริฐ", name_en="Surachet Thongprasert", aliases="อธิบดีสุรเชษฐ์")
    english = OfficialFactory(name_th="อาทิตย์ บุญมี", name_en="Arthit Boonmee")
    OfficialFactory(name_th="ไม่เกี่ยวข้อง", name_en="Don")  # "Don" is not in "Donald"
    write(tmp_path, "th.txt", THAI_PAGE)
    write(tmp_path, "en.txt", ENGLISH_PAGE.replace("The new hours", "Donald Smith said the new hours"))
    out, _ = run(tmp_path, verbosity=2)
    assert list(Release.objects.get(source_key="th").officials.all()) == [known]
    assert list(Release.objects.get(source_key="en").officials.all()) == [english]
    assert "unmatched names: นาง Maria Lindqvist" in out
    assert "นายกรัฐมนตรี" not in out.split("Unmatched names")[1]


@pytest.mark.django_db
def test_create_officials(tmp_path):
    CategoryFactory()
    OfficialFactory(slug="surachet-thongprasoet")
    write(tmp_path, "a.txt", THAI_PAGE)
    write(tmp_path, "b.txt", page(title="อีกข่าว", paragraphs=["นายสุรเชษฐ์ ทองประเสริฐ เดินทางไปเชียงใหม่"]))
    run(tmp_path, create_officials=True)
    created = Official.objects.get(name_th="สุรเชษฐ์ ทองประเสริฐ")
    assert created.honorific == "นาย" and re.fullmatch(r"[a-z0-9-]+", created.slug)
    assert created.slug != "surachet-thongprasoet"
    latin = Official.objects.get(name_th="Maria Lindqvist")
    assert latin.name_en == "Maria Lindqvist" and latin.slug == "maria-lindqvist"
    # Linked to both releases, created once.
    assert set(created.releases.values_list("source_key", flat=True)) == {"a", "b"}
    assert Official.objects.filter(name_th="สุรเชษฐ์ ทองประเสริฐ").count() == 1


@pytest.mark.django_db
def test_officials_changed_by_an_editor_are_kept(tmp_path):
    CategoryFactory()
    known = OfficialFactory(name_th="สุรเชษฐ์ ทองประเสริฐ")
    other = OfficialFactory()
    write(tmp_path, "a.txt", THAI_PAGE)
    run(tmp_path)
    release = Release.objects.get()
    release.officials.set([other])
    write(tmp_path, "a.txt", THAI_PAGE.replace("71 view", "72 views"))
    out, _ = run(tmp_path)
    assert list(release.officials.all()) == [other] and "kept the editor's officials" in out
    assert known not in release.officials.all()


# --- photos -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_photos_attached_through_the_pipeline_once(tmp_path):
    CategoryFactory()
    sources, photos = tmp_path / "src", tmp_path / "img"
    write(sources, "r.txt", page(photos=2))
    write(photos, "r-1.jpg", jpeg_bytes())
    write(photos, "r-2.jpg", jpeg_bytes((200, 40, 40)))
    write(photos, "photos.json", '{"r-1.jpg": {"alt": "นักศึกษายืนเรียงแถว", "caption": "พิธีมอบทุน"}}')
    out, _ = run(sources, images=photos)
    release = Release.objects.get()
    first, second = release.images.all()
    assert (first.alt_text, first.caption, first.order) == ("นักศึกษายืนเรียงแถว", "พิธีมอบทุน", 0)
    assert second.alt_text == "รูปภาพประกอบ 2: หัวข้อข่าวทดสอบ" and second.width == 320
    assert "photos attached 2" in out
    assert totals(run(sources, images=photos)[0])["unchanged"] == 1
    assert release.images.count() == 2


@pytest.mark.django_db
def test_photos_added_later_update_an_unchanged_release(tmp_path):
    CategoryFactory()
    sources, photos = tmp_path / "src", tmp_path / "img"
    write(sources, "r.txt", page(photos=1))
    photos.mkdir()
    run(sources, images=photos)
    write(photos, "r-1.jpg", jpeg_bytes())
    assert totals(run(sources, images=photos)[0])["updated"] == 1
    assert Release.objects.get().images.count() == 1


@pytest.mark.django_db
def test_rejected_photo_is_reported_and_the_release_still_imports(tmp_path):
    CategoryFactory()
    sources, photos = tmp_path / "src", tmp_path / "img"
    write(sources, "r.txt", page(photos=2))
    write(photos, "r-1.jpg", b"%PDF-1.4 not a photo")
    write(photos, "r-2.jpg", jpeg_bytes())
    out, err = run(sources, images=photos)
    release = Release.objects.get()
    assert release.images.count() == 1
    assert "r-1.jpg rejected" in out and "rejected 1" in out


# --- progress and output ------------------------------------------------------------------


@pytest.mark.django_db
def test_plain_progress_lines_when_not_a_terminal(tmp_path, monkeypatch):
    from releases.management.commands import import_releases

    CategoryFactory()
    monkeypatch.setattr(import_releases, "PLAIN_PROGRESS_EVERY", 2)
    for number in range(5):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าว {number}"))
    out, _ = run(tmp_path)
    assert re.search(r"… 2 files \(\d+/s\)", out) and re.search(r"… 4 files", out)


@pytest.mark.django_db
def test_progress_bar_on_a_terminal(tmp_path, monkeypatch):
    CategoryFactory()
    for number in range(3):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าว {number}"))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    call_command("import_releases", str(tmp_path), stdout=terminal)
    assert "3/3" in terminal.getvalue() and "file/s" in terminal.getvalue()


@pytest.mark.django_db
def test_quiet_shows_only_errors(tmp_path):
    CategoryFactory()
    write(tmp_path, "good.txt", page())
    write(tmp_path, "bad.txt", "")
    write(tmp_path, "skip.md", "")
    out, err = run(tmp_path, verbosity=0, expect_failure=True)
    assert out == ""
    assert err.strip() == f"{tmp_path / 'bad.txt'}:1: empty file (nothing but white space)"


@pytest.mark.django_db
def test_search_index_of_a_created_release_names_its_officials(tmp_path):
    """Linked without a second segmentation, yet indexed exactly as a full reindex would."""
    from releases import search

    CategoryFactory()
    OfficialFactory(honorific="นาย", name_th="สุรเชษฐ์ ทองประเสริฐ", name_en="Surachet Thongprasert")
    write(tmp_path, "a.txt", THAI_PAGE)
    run(tmp_path)
    release = Release.objects.get()
    assert release.officials.count() == 1
    assert {field: getattr(release, field) for field in search.SEARCH_FIELDS} == search.document_for(release)
    assert "surachet" in release.search_summary.split()


# --- bulk mode: search indexing and page-cache renewal in batches ----------------------------


def findable(title):
    from releases import search

    return search.search_releases(Release.objects.published(), title).filter(title=title).exists()


@pytest.mark.django_db
def test_a_bulk_import_leaves_every_release_findable_and_the_page_cache_renewed(tmp_path, monkeypatch):
    from releases import caching, search

    CategoryFactory()
    titles = [f"ข่าวการประชุมความร่วมมือ {n}" for n in range(5)] + ["Consular office hours extended"]
    for number, title in enumerate(titles):
        write(tmp_path, f"r{number}.txt", page(title=title, paragraphs=[f"เนื้อหาข่าว {number}", "ต่อ"]))
    bumps = []
    monkeypatch.setattr(caching, "bump", lambda real=caching.bump: (bumps.append(1), real())[1])
    token = caching.current_token()
    run(tmp_path, publish=True)
    assert Release.objects.published().count() == 6
    for release in Release.objects.all():
        assert {f: getattr(release, f) for f in search.SEARCH_FIELDS} == search.document_for(release)
    assert all(findable(title) for title in titles)
    assert caching.current_token() != token
    assert len(bumps) <= 2  # once at the end (now and on commit), not twice per release


def bulk_run_in_batches_of_two(tmp_path, monkeypatch, files, workers):
    """Imports `files` pages in bulk mode; the number indexed after each file, and the importer."""
    CategoryFactory()
    monkeypatch.setattr(importer, "BULK_BATCH_FILES", 2)
    for number in range(files):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวลำดับที่ {number}"))
    imp = importer.Importer(bulk=True, publish=True, today=TODAY, workers=workers)
    indexed_while_running = []
    for outcome in imp.run([tmp_path]):
        assert outcome.status == "created"
        indexed_while_running.append(Release.objects.exclude(search_title="").count())
    assert Release.objects.filter(search_title="").count() == 0 and imp.totals["indexed"] == files
    return indexed_while_running


@pytest.mark.django_db
def test_bulk_mode_indexes_at_each_batch_boundary(tmp_path, monkeypatch):
    indexed_while_running = bulk_run_in_batches_of_two(tmp_path, monkeypatch, 5, workers=1)
    assert indexed_while_running == [0, 2, 2, 4, 4]  # a batch of two, indexed after its second file


@pytest.mark.django_db(transaction=True)
def test_bulk_mode_with_workers_overlaps_indexing_and_completes_it(tmp_path, monkeypatch):
    # With worker processes a batch is segmented while the next one is written, and stored at a
    # later boundary (or the end): never before its batch is complete, all of them by the end.
    indexed_while_running = bulk_run_in_batches_of_two(tmp_path, monkeypatch, 7, workers=2)
    assert all(indexed <= number // 2 * 2 for number, indexed in enumerate(indexed_while_running, start=1))
    assert indexed_while_running == sorted(indexed_while_running)
    assert all(findable(f"ข่าวลำดับที่ {number}") for number in range(7))


@pytest.mark.django_db(transaction=True)
def test_the_workers_store_their_batches_on_postgresql_only(tmp_path, monkeypatch):
    # On PostgreSQL the importing process must not wait for the server to build the vectors.
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from releases import search

    with CaptureQueriesContext(connection) as queries:
        bulk_run_in_batches_of_two(tmp_path, monkeypatch, 5, workers=2)
    stored_here = [q for q in queries if q["sql"].startswith("UPDATE releases_release SET search_title")]
    assert len(stored_here) == (0 if connection.vendor == "postgresql" else 3)
    assert all(findable(f"ข่าวลำดับที่ {number}") for number in range(5))
    assert search.indexing.workers_store() == (connection.vendor == "postgresql")
    with transaction.atomic():  # rows of an open transaction are invisible to the workers
        assert not search.indexing.workers_store()


@pytest.mark.django_db
def test_with_workers_files_are_read_and_parsed_ahead_in_other_processes(tmp_path, monkeypatch):
    CategoryFactory()
    OfficialFactory(name_th="สุรเชษฐ์ ทองประเสริฐ")
    for number in range(5):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวอ่านล่วงหน้า {number}", paragraphs=["นายสุรเชษฐ์ ทองประเสริฐ แถลงข่าว"]))
    parsed_here = []
    real_parse = importer.parse

    def spy(text, today=None):
        parsed_here.append(os.getpid())  # a forked worker appends to its own copy
        return real_parse(text, today=today)

    monkeypatch.setattr(importer, "parse", spy)
    outcomes = list(importer.Importer(bulk=True, today=TODAY, workers=2).run([tmp_path]))
    assert [o.status for o in outcomes] == ["created"] * 5
    assert parsed_here == []  # nothing parsed by the importing process
    release = Release.objects.get(source_key="r3")
    assert release.title == "ข่าวอ่านล่วงหน้า 3" and release.paragraphs == ["นายสุรเชษฐ์ ทองประเสริฐ แถลงข่าว"]
    assert [o.name_th for o in release.officials.all()] == ["สุรเชษฐ์ ทองประเสริฐ"]

    write(tmp_path, "r3.txt", page(title="ข่าวอ่านล่วงหน้า 3 แก้ไข"))
    monkeypatch.setattr(importer, "LOOKUP_FILES", 2)  # several chunks ahead
    imp = importer.Importer(bulk=True, today=TODAY, workers=8)
    outcomes = imp.run([tmp_path])
    statuses = [next(outcomes).status]
    assert imp._reader_pool._processes == importer.MAX_READERS  # however many workers index
    statuses += [o.status for o in outcomes]
    assert statuses == ["unchanged"] * 3 + ["updated", "unchanged"] and parsed_here == []
    assert Release.objects.get(source_key="r3").title == "ข่าวอ่านล่วงหน้า 3 แก้ไข"


@pytest.mark.django_db
def test_a_bulk_run_on_postgresql_does_not_wait_for_each_commit_to_reach_the_disk(tmp_path):
    from django.db import connection

    def setting():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    CategoryFactory()
    for number in range(2):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวบันทึกเร็ว {number}"))
    before = setting()
    during = [setting() for _ in importer.Importer(bulk=True, today=TODAY, workers=1).run([tmp_path])]
    assert during == ([None, None] if connection.vendor != "postgresql" else ["off", "off"])
    assert setting() == before  # reset for whatever the connection does next
    assert Release.objects.count() == 2


BAD_FILES = {
    "empty.txt": ("   \n\n", "empty file (nothing but white space)", 1),
    "date.txt": (page(date="31 ก.พ. 2564"), "unusable date", 5),
    "nul.txt": (b"title\n\x00", "binary file (contains NUL bytes)", 2),
    "big.txt": ("ก" * 400, "over the 1,000-byte limit", None),
}


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.django_db
def test_bad_files_are_reported_alike_when_read_ahead(tmp_path, workers):
    CategoryFactory()
    for name, (content, _reason, _line) in BAD_FILES.items():
        write(tmp_path, name, content)
    write(tmp_path, "good.txt", page(title="ข่าวที่ดี"))
    imp = importer.Importer(bulk=True, today=TODAY, workers=workers, max_bytes=1000)
    outcomes = {os.path.basename(o.path): o for o in imp.run([tmp_path])}
    assert outcomes.pop("good.txt").status == "created"
    for name, (_content, reason, line) in BAD_FILES.items():
        assert outcomes[name].status == "failed" and reason in outcomes[name].reason, name
        assert outcomes[name].line == line, name
    assert Release.objects.count() == 1


@pytest.mark.django_db
def test_a_file_read_ahead_is_never_mistaken_for_another_of_the_same_name(tmp_path):
    CategoryFactory()
    write(tmp_path, "a/same.txt", page(title="ข่าวฉบับแรก"))
    write(tmp_path, "b/same.txt", page(title="ข่าวฉบับที่สอง"))
    outcomes = list(importer.Importer(bulk=True, today=TODAY, workers=2).run([tmp_path]))
    assert [o.status for o in outcomes] == ["created", "failed"]
    assert "same name" in outcomes[1].reason
    assert Release.objects.get(source_key="same").title == "ข่าวฉบับแรก"


@pytest.mark.django_db
def test_the_module_api_indexes_each_file_at_once(tmp_path):
    CategoryFactory()
    path = write(tmp_path, "one.txt", page(title="ข่าวเดี่ยวทดสอบ"))
    imp = importer.Importer(publish=True, today=TODAY)
    assert imp.import_file(path, "one").status == "created"
    assert findable("ข่าวเดี่ยวทดสอบ")


@pytest.mark.django_db
def test_an_interrupted_bulk_run_indexes_what_it_committed(tmp_path, monkeypatch):
    CategoryFactory()
    for number in range(4):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวก่อนหยุด {number}"))
    crash_on_third_file(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, publish=True)
    assert Release.objects.count() == 2
    assert findable("ข่าวก่อนหยุด 0") and findable("ข่าวก่อนหยุด 1")


@pytest.mark.django_db
def test_a_rerun_indexes_releases_a_killed_run_left_unindexed(tmp_path):
    from releases import search

    CategoryFactory()
    for number in range(3):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวที่ถูกหยุด {number}"))
    run(tmp_path, publish=True)
    # What a killed bulk run leaves: committed releases whose search fields were never written.
    Release.objects.filter(source_key__in=["r1", "r2"]).update(**{f: "" for f in search.SEARCH_FIELDS})
    search.rebuild_fts()
    assert not findable("ข่าวที่ถูกหยุด 1")
    out, _ = run(tmp_path)
    assert totals(out)["unchanged"] == 3
    assert all(findable(f"ข่าวที่ถูกหยุด {n}") for n in range(3))


@pytest.mark.django_db(transaction=True)
def test_deferred_indexing_in_worker_processes_matches_indexing_on_save(tmp_path):
    from releases import search
    from tests.factories import ReleaseFactory

    releases = [ReleaseFactory(title=f"การประชุมอาเซียนครั้งที่ {n}", body=f"กระทรวงการต่างประเทศ {n}") for n in range(5)]
    expected = {r.pk: {f: getattr(r, f) for f in search.SEARCH_FIELDS} for r in releases}
    Release.objects.update(**{f: "" for f in search.SEARCH_FIELDS})
    with search.deferred_indexing(workers=2, batch_size=1) as indexing:
        for release in Release.objects.all():
            release.save()
        assert Release.objects.exclude(search_title="").count() == 0
    assert len(indexing.ids) == 0
    for release in Release.objects.all():
        assert {f: getattr(release, f) for f in search.SEARCH_FIELDS} == expected[release.pk]


@pytest.mark.django_db
def test_bulk_run_keeps_the_collector_off_the_dictionary_and_lets_go_after(tmp_path):
    # A full collection walked the ~500,000 objects of the dictionary tries after every batch.
    import gc

    from releases import search

    CategoryFactory()
    for number in range(2):
        write(tmp_path, f"g{number}.txt", page(title=f"ข่าวทดสอบหน่วยความจำ {number}"))
    frozen = [gc.get_freeze_count() for _ in importer.Importer(bulk=True, publish=True, today=TODAY, workers=1).run([tmp_path])]
    assert all(count > 100_000 for count in frozen)  # the tries are among the frozen objects
    assert gc.get_freeze_count() == 0
    assert findable("ข่าวทดสอบหน่วยความจำ 1")
    with search.frozen_heap():
        assert search.dictionary._trie is not None and gc.get_freeze_count() > 100_000
    assert gc.get_freeze_count() == 0
