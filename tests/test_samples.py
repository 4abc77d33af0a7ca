"""The bundled samples and `load_samples`: they parse, load, publish, link officials, and load twice safely."""

import datetime
import io
import runpy
from pathlib import Path

import pytest
from django.core.management import call_command

from releases import archive, thai
from releases.models import Country, Official, Release, ReleaseImage

SAMPLES = Path(thai.__file__).resolve().parent / "samples"
SAMPLE_FILES = sorted((SAMPLES / "releases").glob("*.txt"))


def test_there_are_eight_to_twelve_samples_in_both_languages():
    assert 8 <= len(SAMPLE_FILES) <= 12
    languages = {archive.parse(archive.decode(path.read_bytes())).language for path in SAMPLE_FILES}
    assert languages == {"th", "en"}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.stem)
def test_each_sample_parses_with_a_plausible_date(path):
    parsed = archive.parse(archive.decode(path.read_bytes()))
    assert 2563 <= thai.be_year(parsed.release_date) <= 2568
    assert path.stem.startswith(str(thai.be_year(parsed.release_date)))
    if parsed.language == "th":
        assert thai.has_thai_digits(parsed.body)


def test_photos_stay_small_and_match_a_sample():
    photos = sorted((SAMPLES / "images").glob("*.jpg"))
    assert photos and sum(path.stat().st_size for path in photos) < 1_000_000
    stems = {path.stem for path in SAMPLE_FILES}
    assert all(path.stem.rsplit("-", 1)[0] in stems for path in photos)


def test_image_script_draws_the_photos(tmp_path):
    from PIL import Image

    made = runpy.run_path(str(SAMPLES / "make_images.py"))["main"](tmp_path)
    assert [path.name for path in made] == sorted(path.name for path in (SAMPLES / "images").glob("*.jpg"))
    with Image.open(made[0]) as image:
        assert image.size == (800, 533) and image.format == "JPEG"


@pytest.mark.django_db
def test_load_samples_publishes_links_and_attaches():
    call_command("load_samples", stdout=io.StringIO())
    releases = Release.objects.all()
    assert releases.count() == len(SAMPLE_FILES)
    assert Release.objects.published().count() == len(SAMPLE_FILES)
    assert all(release.source_key.startswith("sample/") for release in releases)
    minister = Official.objects.get(slug="thanakorn-sriwichianwong")
    youth = Release.objects.get(source_key="sample/2566-11-08-asean-youth-delegation-en")
    assert list(youth.officials.all()) == [minister]
    assert youth.images.get().alt_text.startswith("Illustration:")
    assert minister.position_on(youth.release_date).title_en == "Minister of Foreign Affairs"
    assert sum(release.images.count() for release in releases) == len(list((SAMPLES / "images").glob("*.jpg")))
    assert all(r.publish_at.date() <= datetime.date.today() for r in releases)
    # The countries are loaded too, for the editors' autocomplete and the import's suggestions.
    assert Country.objects.count() >= 70


@pytest.mark.django_db
def test_load_samples_twice_changes_nothing():
    call_command("load_samples", stdout=io.StringIO())
    before = sorted(Release.objects.values_list("pk", "updated_at", "view_count"))
    images = sorted(ReleaseImage.objects.values_list("pk", "image"))
    out = io.StringIO()
    call_command("load_samples", stdout=out)
    assert f"created 0, updated 0, unchanged {len(SAMPLE_FILES)}" in out.getvalue()
    assert sorted(Release.objects.values_list("pk", "updated_at", "view_count")) == before
    assert sorted(ReleaseImage.objects.values_list("pk", "image")) == images
    assert Official.objects.count() == 6


@pytest.mark.django_db
def test_load_samples_links_translations_once():
    call_command("load_samples", stdout=io.StringIO())
    call_command("load_samples", stdout=io.StringIO())
    english = Release.objects.get(source_key="sample/2568-01-20-scam-warning-en")
    thai_release = Release.objects.get(source_key="sample/2568-01-20-scam-warning")
    assert thai_release.counterpart == english and english.counterpart == thai_release
    assert Release.objects.filter(translation__isnull=False).count() == 3
