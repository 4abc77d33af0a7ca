"""Pictures made with Pillow for the image tests, and helpers that post the admin's change form."""

import io
import os
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import ExifTags, Image

from releases.images import ImageRejected, validate_image

RED, BLUE = (220, 20, 20), (20, 20, 220)


def encode(im, fmt, **options):
    buffer = io.BytesIO()
    im.save(buffer, fmt, **options)
    buffer.seek(0)
    return buffer


def upright_photo(width=40, height=60):
    """Top half red, bottom half blue: which way is up is visible in the pixels."""
    im = Image.new("RGB", (width, height), BLUE)
    im.paste(RED, (0, 0, width, height // 2))
    return im


def phone_jpeg(width=40, height=60):
    """What a phone writes: pixels stored sideways, orientation 6, GPS, a serial number, a comment."""
    sideways = upright_photo(width, height).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "SERIAL-0042-XYZ"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (13.0, 45.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (100.0, 29.0, 30.0)
    return encode(sideways, "JPEG", exif=exif, comment=b"secret comment", quality=95)


def noise(width, height, mode="RGB"):
    return Image.frombytes(mode, (width, height), os.urandom(width * height * len(mode)))


def png_with_size(width, height):
    """A tiny PNG whose header claims width x height (a decompression bomb's shape)."""
    data = bytearray(encode(Image.new("L", (8, 8)), "PNG").getvalue())
    # IHDR data starts at byte 16: width, height; its CRC covers type + data (bytes 12..29).
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return io.BytesIO(bytes(data))


def stored(name):
    with default_storage.open(name) as handle:
        return handle.read()


def media_files():
    root = default_storage.location
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def rejected(fileobj, filename):
    with pytest.raises(ImageRejected) as caught:
        validate_image(fileobj, filename)
    return caught.value


def close(pixel, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], expected))


# --- the admin's change form ----------------------------------------------------------


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


def form_data(response):
    """The change form's current values, as the browser would post them back."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        forms += formset.forms  # extra forms too: a browser posts their initial values
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or name in {"image", "portrait", "file"}:
                data[key] = ""
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            else:
                formatted = field.widget.format_value(value)
                data[key] = "" if formatted is None else formatted
    return data


def image_errors(response):
    """The ValidationErrors on the photo inline's image fields."""
    formset = response.context["inline_admin_formsets"][0].formset
    return [error for form in formset.forms for error in form.errors.as_data().get("image", [])]


def upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data.getvalue() if hasattr(data, "getvalue") else data)


def add_photo(data, index, file, alt_text="", caption="", order=0):
    data["images-TOTAL_FORMS"] = str(max(int(data["images-TOTAL_FORMS"]), index + 1))
    data.update({f"images-{index}-image": file, f"images-{index}-alt_text": alt_text,
                 f"images-{index}-caption": caption, f"images-{index}-order": str(order)})
    return data


def post_photo(client, release, file, **fields):
    page = client.get(change_url(release))
    assert page.status_code == 200
    data = form_data(page)
    index = int(data["images-INITIAL_FORMS"])
    add_photo(data, index, file, **fields)
    return client.post(change_url(release), data)
