"""Validation by content, limits and cleaning (orientation, sRGB, metadata): releases/images/pipeline.py."""

import io
import os
from unittest import mock

import pytest
from django.utils import translation
from PIL import ExifTags, Image, ImageCms

from releases import images
from releases.images import attach_image, validate_image
from releases.models import ReleaseImage
from tests.factories import ReleaseFactory
from tests.images.photos import (
    BLUE, RED, close, encode, noise, phone_jpeg, png_with_size, rejected, stored, upright_photo,
)

pytestmark = pytest.mark.django_db


class TestAcceptedFormats:
    def test_each_allowed_format_passes_and_reports_what_it_is(self):
        """JPEG, PNG, WebP and GIF are accepted and described."""
        im = upright_photo()
        for fmt, name in [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("GIF", "a.gif")]:
            info = validate_image(encode(im, fmt), name)
            assert (info.format, info.width, info.height, info.frames) == (fmt, 40, 60, 1)

    def test_extension_case_and_jpeg_spelling_do_not_matter(self):
        """.JPEG and .Jpg name a JPEG as well as .jpg."""
        assert validate_image(encode(upright_photo(), "JPEG"), "Photo.JPEG").format == "JPEG"
        assert validate_image(encode(upright_photo(), "JPEG"), "photo.Jpg").format == "JPEG"

    def test_multi_picture_jpeg_from_a_phone_is_a_jpeg(self):
        """MPO (photo + depth map) is accepted as JPEG, named .jpg; the photo (frame 0) is kept."""
        photo, depth = Image.new("RGB", (64, 48), RED), Image.new("RGB", (64, 48), BLUE)
        mpo = encode(photo, "MPO", save_all=True, append_images=[depth])
        assert Image.open(io.BytesIO(mpo.getvalue())).format == "MPO"
        assert validate_image(mpo, "portrait-mode.jpg").format == "JPEG"
        row = attach_image(ReleaseFactory(), mpo, "portrait-mode.jpg")
        with Image.open(io.BytesIO(stored(row.image.name))) as im:
            assert im.format == "JPEG" and close(im.getpixel((10, 10)), RED)

    def test_extension_must_match_the_content(self):
        """A PNG named .jpg is refused, and the error says what to rename it to."""
        error = rejected(encode(upright_photo(), "PNG"), "photo.jpg")
        assert error.code == "extension"
        assert ".png" in str(error)

    def test_missing_extension_is_refused(self):
        """No extension: the name cannot match the content."""
        assert rejected(encode(upright_photo(), "JPEG"), "photo").code == "extension"


class TestRejectedContent:
    def test_html_named_jpg(self):
        """HTML renamed .jpg is refused as HTML."""
        error = rejected(io.BytesIO(b"<!DOCTYPE html><html><script>alert(1)</script></html>"), "photo.jpg")
        assert error.code == "not_image" and "HTML" in str(error)

    def test_svg_named_jpg_and_svg(self):
        """SVG (which can carry script) is refused whatever its name."""
        svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
        for name in ("drawing.jpg", "drawing.svg"):
            error = rejected(io.BytesIO(svg), name)
            assert error.code == "not_image" and "SVG" in str(error)
        assert "SVG" in str(rejected(io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "a.png"))

    def test_pdf_named_jpg(self):
        """A PDF made by Pillow, renamed .jpg, is refused as PDF."""
        error = rejected(encode(upright_photo(), "PDF"), "scan.jpg")
        assert error.code == "not_image" and "PDF" in str(error)

    def test_eps(self):
        """EPS/PostScript never reaches a decoder (Ghostscript is never run)."""
        eps = encode(upright_photo(), "EPS")
        for name in ("figure.eps", "figure.jpg"):
            error = rejected(eps, name)
            assert error.code == "not_image" and "PostScript" in str(error)

    def test_other_pillow_formats_are_not_allowed(self):
        """TIFF and BMP are images Pillow reads, but not on the allow-list."""
        for fmt, name in [("TIFF", "a.tif"), ("BMP", "a.bmp")]:
            assert rejected(encode(upright_photo(), fmt), name).code == "not_image"

    def test_truncated_jpeg(self):
        """Half a JPEG: the full decode fails and the error says it is damaged."""
        data = encode(noise(300, 200), "JPEG").getvalue()
        error = rejected(io.BytesIO(data[: len(data) // 2]), "cut.jpg")
        with translation.override("en"):
            assert error.code == "corrupt" and "truncated" in str(error)

    def test_garbage_after_a_jpeg_header(self):
        """A valid header followed by junk is damaged, not a 500."""
        data = encode(noise(64, 64), "JPEG").getvalue()
        assert rejected(io.BytesIO(data[:200] + os.urandom(400)), "junk.jpg").code == "corrupt"

    def test_empty_file(self):
        """Zero bytes: refused as empty."""
        assert rejected(io.BytesIO(b""), "empty.jpg").code == "empty"


class TestLimits:
    def test_decompression_bomb_above_pillows_error_limit(self):
        """A tiny PNG claiming 20000x20000 pixels is refused before any pixel is decoded."""
        error = rejected(png_with_size(20_000, 20_000), "bomb.png")
        assert error.code == "too_many_pixels"

    def test_pillows_bomb_warning_is_an_error(self, settings):
        """Between Pillow's limit and twice it Pillow only warns: that is a rejection too."""
        settings.NEWSROOM_IMAGE_MAX_PIXELS = 10**9  # so only Pillow's own check can fire
        assert Image.MAX_IMAGE_PIXELS < 10_000 * 10_000 < 2 * Image.MAX_IMAGE_PIXELS
        assert rejected(png_with_size(10_000, 10_000), "bomb.png").code == "too_many_pixels"

    def test_pixel_limit_from_settings(self, settings):
        """Our own limit (default 40 MP) applies below Pillow's."""
        settings.NEWSROOM_IMAGE_MAX_PIXELS = 50 * 50
        assert validate_image(encode(noise(50, 50), "PNG"), "ok.png").width == 50
        error = rejected(encode(noise(51, 50), "PNG"), "big.png")
        assert error.code == "too_many_pixels" and "0.0025" in str(error)

    def test_default_pixel_limit_is_40_megapixels(self):
        """8000x5001 is just over 40 MP: refused from the header alone."""
        assert images.max_pixels() == 40_000_000
        assert rejected(png_with_size(8000, 5001), "big.png").code == "too_many_pixels"

    def test_pixel_limit_counts_every_frame(self, settings):
        """An animation's frames add up: 3 frames of 40x40 exceed a 4000-pixel limit."""
        settings.NEWSROOM_IMAGE_MAX_PIXELS = 4000
        frames = [Image.new("RGB", (40, 40), colour) for colour in (RED, BLUE, RED)]
        gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
        assert rejected(gif, "anim.gif").code == "too_many_pixels"
        settings.NEWSROOM_IMAGE_MAX_PIXELS = 4800
        gif.seek(0)
        assert validate_image(gif, "anim.gif").frames == 3

    def test_byte_limit_is_checked_before_decoding(self, settings):
        """Over the byte limit the file is refused as too large, even if it is not an image at all."""
        settings.NEWSROOM_IMAGE_MAX_BYTES = 1000
        with mock.patch.object(Image, "open", side_effect=AssertionError("decoded")):
            error = rejected(io.BytesIO(b"x" * 1001), "big.jpg")
        assert error.code == "too_large"

    def test_default_byte_limit_is_20_megabytes(self):
        """A 20 MB + 1 byte upload is too large; the check reads the size, not the content."""
        big = io.BytesIO(b"\xff\xd8" + b"\0" * (20 * 1024 * 1024 - 1))
        assert rejected(big, "huge.jpg").code == "too_large"


class TestCleaning:
    def test_phone_photo_is_upright_and_metadata_free_when_read_back(self):
        """EXIF orientation applied; GPS, serial, make/model and comment gone from the stored file."""
        upload = phone_jpeg()
        original = upload.getvalue()
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file does carry GPS
        release = ReleaseFactory()
        row = attach_image(release, upload, "IMG_0001.jpg", alt_text="ภาพ")
        data = stored(row.image.name)
        with Image.open(io.BytesIO(data)) as im:
            assert im.size == (40, 60) and (row.width, row.height) == (40, 60)
            assert close(im.getpixel((20, 5)), RED) and close(im.getpixel((20, 55)), BLUE)
            assert not im.getexif() and "exif" not in im.info and "comment" not in im.info
            assert "icc_profile" not in im.info
        for secret in (b"SERIAL-0042", b"PhoneMaker", b"secret comment", b"Exif", b"GPS"):
            assert secret not in data
        for entry in row.renditions.values():
            for key in ("webp", "jpeg"):
                rendition = stored(entry[key])
                assert b"SERIAL-0042" not in rendition and b"Exif" not in rendition

    def test_png_with_html_appended_is_made_harmless(self):
        """Accepted, but only pixels are re-encoded: the appended HTML is in no stored file."""
        payload = b"<html><script>alert(document.cookie)</script></html>"
        upload = io.BytesIO(encode(upright_photo(), "PNG").getvalue() + payload)
        row = attach_image(ReleaseFactory(), upload, "polyglot.png")
        names = images.stored_names(row)
        assert len(names) == 5
        for name in names:
            assert b"<script" not in stored(name)
        assert stored(row.image.name).endswith(b"IEND\xaeB`\x82")

    def test_jpeg_with_data_after_end_marker_is_accepted(self):
        """Phones append data after the JPEG end marker (motion photos): accepted, and dropped."""
        upload = io.BytesIO(encode(upright_photo(), "JPEG").getvalue() + b"MotionPhoto_Data" + os.urandom(200))
        row = attach_image(ReleaseFactory(), upload, "PXL_0001.MP.jpg")
        assert b"MotionPhoto_Data" not in stored(row.image.name)

    def test_cmyk_jpeg_becomes_rgb(self):
        """A print-ready CMYK JPEG is stored as RGB with the right colour."""
        cmyk = Image.new("CMYK", (32, 32), (0, 255, 255, 0))  # pure red in CMYK
        row = attach_image(ReleaseFactory(), encode(cmyk, "JPEG"), "print.jpg")
        with Image.open(io.BytesIO(stored(row.image.name))) as im:
            assert im.mode == "RGB"
            red, green, blue = im.getpixel((16, 16))
            assert red > 200 and green < 60 and blue < 60

    def test_icc_profile_is_converted_then_dropped(self):
        """An embedded profile is applied to the pixels and not written back."""
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        upload = encode(upright_photo(), "JPEG", icc_profile=srgb)
        assert Image.open(io.BytesIO(upload.getvalue())).info.get("icc_profile")
        row = attach_image(ReleaseFactory(), upload, "profiled.jpg")
        with Image.open(io.BytesIO(stored(row.image.name))) as im:
            assert "icc_profile" not in im.info and close(im.getpixel((20, 5)), RED)

    def test_broken_icc_profile_falls_back_to_a_plain_conversion(self):
        """A damaged profile does not lose the photo."""
        upload = encode(upright_photo(), "JPEG", icc_profile=b"not a real profile" * 10)
        row = attach_image(ReleaseFactory(), upload, "odd.jpg")
        with Image.open(io.BytesIO(stored(row.image.name))) as im:
            assert im.mode == "RGB" and "icc_profile" not in im.info

    def test_sixteen_bit_png_is_scaled_not_clipped(self):
        """16-bit grey 32896 (half way) becomes 8-bit 128, not 255."""
        im = Image.new("I;16", (16, 16), 128 * 257)
        upload = encode(im, "PNG")
        assert Image.open(io.BytesIO(upload.getvalue())).mode.startswith("I")
        row = attach_image(ReleaseFactory(), upload, "scan16.png")
        assert ReleaseImage.objects.get(pk=row.pk).width == 16
        with Image.open(io.BytesIO(stored(row.image.name))) as out:
            assert out.mode == "RGB" and out.getpixel((8, 8)) == (128, 128, 128)

    def test_animated_gif_keeps_its_first_frame(self):
        """Frames beyond the first are not stored; the still is a PNG."""
        frames = [Image.new("RGB", (30, 20), colour) for colour in (RED, BLUE, (20, 220, 20))]
        gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
        assert validate_image(gif, "anim.gif").frames == 3
        gif.seek(0)
        row = attach_image(ReleaseFactory(), gif, "anim.gif")
        assert row.image.name.endswith(".png")
        with Image.open(io.BytesIO(stored(row.image.name))) as im:
            assert getattr(im, "n_frames", 1) == 1 and close(im.convert("RGB").getpixel((5, 5)), RED)

    def test_transparency_is_kept_in_png_and_webp_and_flattened_on_white_in_jpeg(self):
        """Palette with a transparent colour -> RGBA original and WebP; JPEG fallback on white."""
        im = Image.new("P", (20, 20), 0)
        im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
        im.paste(1, (10, 0, 20, 20))
        row = attach_image(ReleaseFactory(), encode(im, "PNG", transparency=1), "logo.png")
        with Image.open(io.BytesIO(stored(row.image.name))) as master:
            assert master.mode == "RGBA" and master.getpixel((15, 5))[3] == 0
        with Image.open(io.BytesIO(stored(row.renditions["thumb"]["webp"]))) as webp:
            assert webp.mode == "RGBA"
        with Image.open(io.BytesIO(stored(row.renditions["thumb"]["jpeg"]))) as jpeg:
            assert close(jpeg.getpixel((15, 5)), (255, 255, 255))

    def test_fully_opaque_alpha_is_dropped(self):
        """An RGBA PNG with no transparent pixel is stored as RGB."""
        row = attach_image(ReleaseFactory(), encode(upright_photo().convert("RGBA"), "PNG"), "screen.png")
        with Image.open(io.BytesIO(stored(row.image.name))) as im:
            assert im.mode == "RGB"

    def test_names_are_unguessable_and_dated(self):
        """releases/YYYY/MM/<32 hex>.jpg; the upload's own name is not used."""
        row = attach_image(ReleaseFactory(), encode(upright_photo(), "JPEG"), "minister-secret-visit.jpg")
        folder, year, month, name = row.image.name.split("/")
        assert folder == "releases" and len(year) == 4 and len(month) == 2
        assert len(name) == len("0" * 32 + ".jpg") and "minister" not in row.image.name
        other = attach_image(row.release, encode(upright_photo(), "JPEG"), "minister-secret-visit.jpg")
        assert other.image.name != row.image.name
