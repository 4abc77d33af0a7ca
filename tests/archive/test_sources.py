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
