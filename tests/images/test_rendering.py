"""The <picture> include and the photo's display helpers: releases/images/rendering.py."""

import pytest
from django.template.loader import render_to_string

from releases.images import attach_image
from releases.models import ReleaseImage
from tests.factories import ReleaseFactory
from tests.images.photos import encode, noise, upright_photo

pytestmark = pytest.mark.django_db


class TestPictureInclude:
    def test_picture_markup_without_queries(self, django_assert_num_queries):
        """<picture> with a WebP source, JPEG fallback with width/height, alt, lazy; no inline style."""
        row = attach_image(ReleaseFactory(), encode(noise(1600, 1200), "JPEG"), "x.jpg", alt_text="รัฐมนตรี <พบ> ทูต")
        row = ReleaseImage.objects.get(pk=row.pk)
        with django_assert_num_queries(0):
            html = render_to_string("includes/picture.html", {"image": row, "size": "thumb", "lazy": True})
        thumb, display = row.renditions["thumb"], row.renditions["display"]
        assert html.startswith("<picture>") and html.rstrip().endswith("</picture>")
        assert f'<source type="image/webp" srcset="/media/{thumb["webp"]} 400w, /media/{display["webp"]} 1200w"' in html
        assert f'src="/media/{thumb["jpeg"]}"' in html and 'width="400" height="300"' in html
        assert 'sizes="(max-width: 480px) 100vw, 400px"' in html
        assert 'alt="รัฐมนตรี &lt;พบ&gt; ทูต"' in html and 'loading="lazy"' in html
        assert "style" not in html

    def test_display_size_eager(self):
        """size="display" falls back to the 1200 JPEG; lazy=False leaves loading off."""
        row = attach_image(ReleaseFactory(), encode(noise(1600, 1200), "JPEG"), "x.jpg", alt_text="a")
        html = render_to_string("includes/picture.html", {"image": row, "size": "display", "lazy": False})
        assert f'src="/media/{row.renditions["display"]["jpeg"]}"' in html and 'width="1200" height="900"' in html
        assert "loading=" not in html

    def test_row_without_renditions_shows_the_original(self):
        """Rows stored before renditions existed still render, at their own size."""
        row = attach_image(ReleaseFactory(), encode(noise(50, 40), "JPEG"), "x.jpg", alt_text="a")
        ReleaseImage.objects.filter(pk=row.pk).update(renditions={})
        html = render_to_string("includes/picture.html", {"image": ReleaseImage.objects.get(pk=row.pk), "size": "thumb"})
        assert f'src="/media/{row.image.name}"' in html and 'width="50" height="40"' in html and "<source" not in html


class TestEditorialHelpers:
    def test_caption_falls_back_to_photo(self):
        """Empty caption reads "Photo" (รูปภาพประกอบ in Thai)."""
        row = attach_image(ReleaseFactory(), encode(upright_photo(), "JPEG"), "x.jpg")
        assert row.display_caption in {"Photo", "รูปภาพประกอบ"}
        row.caption = "ท่านรัฐมนตรี"
        assert row.display_caption == "ท่านรัฐมนตรี"

    def test_missing_alt_text(self):
        """Release.missing_alt_text() lists photos without (or with blank) alt text."""
        release = ReleaseFactory()
        good = attach_image(release, encode(upright_photo(), "JPEG"), "a.jpg", alt_text="ภาพ")
        blank = attach_image(release, encode(upright_photo(), "JPEG"), "b.jpg", alt_text="  ", order=1)
        assert release.missing_alt_text() == [blank]
        blank.alt_text = "ภาพ"
        blank.save()
        assert release.missing_alt_text() == [] and good.pk
