"""Finding source files: the recursive, lazy walk and the entries it skips."""

import os

import pytest

from releases import archive
from releases.models import Release
from tests.archive.pages import page, write, run, totals
from tests.factories import CategoryFactory


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
    found = archive.iter_sources([tmp_path])
    assert next(found).path.endswith("1.txt")
    write(tmp_path, "b/2.txt", "x")  # made after the walk started, in a directory not yet read: found
    assert [item.stem for item in found] == ["2"]


@pytest.mark.django_db
def test_missing_path_fails(tmp_path):
    CategoryFactory()
    out, err = run(tmp_path / "nope", expect_failure=True)
    assert "no such file or directory" in err


@pytest.mark.django_db
def test_filesystem_oddities_are_each_one_skipped_entry_and_the_run_goes_on(tmp_path):
    """A symlink loop, a FIFO and a file name with a line break: skipped with a reason; the good file imports."""
    CategoryFactory()
    folder = tmp_path / "archive"
    write(folder, "good.txt", page(title="ข่าวดี"))
    os.symlink("loop.txt", folder / "loop.txt")  # a link to itself
    os.symlink(folder / "b.txt", folder / "a.txt")  # two links to each other
    os.symlink(folder / "a.txt", folder / "b.txt")
    os.mkfifo(folder / "pipe.txt")
    write(folder, "two\nlines.txt", page(title="ข่าวสองบรรทัด"))
    out, err = run(folder)
    assert totals(out) == {"created": 1, "updated": 0, "unchanged": 0, "conflicts": 0, "failed": 0, "skipped": 5}
    assert out.count("symbolic link loop") == 3 and "pipe.txt: not a regular file" in out
    assert f"skipped {folder}/two\\nlines.txt: line break in the file name: not usable as a source key" in out
    assert list(Release.objects.values_list("source_key", flat=True)) == ["good"]


def test_a_fifo_or_a_link_loop_named_explicitly_is_skipped_not_missing(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    found = list(archive.iter_sources([tmp_path / "pipe.txt", tmp_path / "loop.txt", tmp_path / "a\nb.txt"]))
    assert [(type(item).__name__, item.reason) for item in found] == [
        ("Skipped", "not a regular file"),
        ("Skipped", "symbolic link loop"),
        ("Skipped", "no such file or directory"),
    ]
