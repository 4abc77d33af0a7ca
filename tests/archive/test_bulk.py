"""Bulk runs: interruption, batched indexing, read-ahead workers, lazy commits, memory."""

import os

import pytest

from releases import archive
from releases.archive import bulk, upsert
from releases.models import Release
from tests.archive.pages import TODAY, page, write, run, totals
from tests.factories import CategoryFactory, OfficialFactory


# --- interruption -------------------------------------------------------------------------


def crash_on_third_file(monkeypatch):
    """Ctrl-C inside the third file's transaction, after its parsing; returns the real method."""
    real = archive.Importer._officials
    calls = {"n": 0}

    def crash_on_third(self, parsed, outcome):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, parsed, outcome)

    monkeypatch.setattr(archive.Importer, "_officials", crash_on_third)
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
    monkeypatch.setattr(archive.Importer, "_officials", real)
    out, _ = run(tmp_path)
    assert totals(out)["created"] == 3 and totals(out)["unchanged"] == 2
    assert sorted(Release.objects.values_list("source_key", flat=True)) == [f"r{n}" for n in range(5)]


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
    monkeypatch.setattr(bulk, "BULK_BATCH_FILES", 2)
    for number in range(files):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าวลำดับที่ {number}"))
    imp = archive.Importer(bulk=True, publish=True, today=TODAY, workers=workers)
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
    real_parse = upsert.parse

    def spy(text, today=None):
        parsed_here.append(os.getpid())  # a forked worker appends to its own copy
        return real_parse(text, today=today)

    monkeypatch.setattr(upsert, "parse", spy)  # in this process
    monkeypatch.setattr(bulk, "parse", spy)  # in the forked readers
    outcomes = list(archive.Importer(bulk=True, today=TODAY, workers=2).run([tmp_path]))
    assert [o.status for o in outcomes] == ["created"] * 5
    assert parsed_here == []  # nothing parsed by the importing process
    release = Release.objects.get(source_key="r3")
    assert release.title == "ข่าวอ่านล่วงหน้า 3" and release.paragraphs == ["นายสุรเชษฐ์ ทองประเสริฐ แถลงข่าว"]
    assert [o.name_th for o in release.officials.all()] == ["สุรเชษฐ์ ทองประเสริฐ"]

    write(tmp_path, "r3.txt", page(title="ข่าวอ่านล่วงหน้า 3 แก้ไข"))
    monkeypatch.setattr(bulk, "LOOKUP_FILES", 2)  # several chunks ahead
    imp = archive.Importer(bulk=True, today=TODAY, workers=8)
    outcomes = imp.run([tmp_path])
    statuses = [next(outcomes).status]
    assert imp._reader_pool._processes == bulk.MAX_READERS  # however many workers index
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
    during = [setting() for _ in archive.Importer(bulk=True, today=TODAY, workers=1).run([tmp_path])]
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
    imp = archive.Importer(bulk=True, today=TODAY, workers=workers, max_bytes=1000)
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
    outcomes = list(archive.Importer(bulk=True, today=TODAY, workers=2).run([tmp_path]))
    assert [o.status for o in outcomes] == ["created", "failed"]
    assert "same name" in outcomes[1].reason
    assert Release.objects.get(source_key="same").title == "ข่าวฉบับแรก"


@pytest.mark.django_db
def test_the_module_api_indexes_each_file_at_once(tmp_path):
    CategoryFactory()
    path = write(tmp_path, "one.txt", page(title="ข่าวเดี่ยวทดสอบ"))
    imp = archive.Importer(publish=True, today=TODAY)
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
    frozen = [gc.get_freeze_count() for _ in archive.Importer(bulk=True, publish=True, today=TODAY, workers=1).run([tmp_path])]
    assert all(count > 100_000 for count in frozen)  # the tries are among the frozen objects
    assert gc.get_freeze_count() == 0
    assert findable("ข่าวทดสอบหน่วยความจำ 1")
    with search.frozen_heap():
        assert search.dictionary._trie is not None and gc.get_freeze_count() > 100_000
    assert gc.get_freeze_count() == 0


@pytest.mark.django_db
def test_an_import_first_indexes_releases_a_killed_run_left_unindexed_whatever_its_files(tmp_path):
    """Not only a re-run of the same files: the next import of anything indexes them at its start."""
    from releases import search

    CategoryFactory()
    write(tmp_path / "killed", "k.txt", page(title="ข่าวที่ถูกฆ่ากลางทาง"))
    run(tmp_path / "killed", publish=True)
    Release.objects.update(**{f: "" for f in search.SEARCH_FIELDS})  # what kill -9 before indexing leaves
    search.rebuild_fts()
    assert not findable("ข่าวที่ถูกฆ่ากลางทาง")
    write(tmp_path / "next", "n.txt", page(title="ข่าวชุดถัดไป"))
    out, _ = run(tmp_path / "next", publish=True)
    assert totals(out)["created"] == 1
    assert findable("ข่าวที่ถูกฆ่ากลางทาง") and findable("ข่าวชุดถัดไป")
