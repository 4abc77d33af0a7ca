"""Photos attached by the import through the image pipeline, once."""

import pytest

from releases.models import Release
from tests.archive.pages import page, write, run, totals, jpeg_bytes
from tests.factories import CategoryFactory


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
