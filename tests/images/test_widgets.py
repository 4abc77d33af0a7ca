"""releases/images/widgets.py: the admin shows a stored photo as its thumbnail and the name the editor gave the file."""

import re

import pytest
from django.utils.html import escape

from releases.images import attach_image, original_name
from releases.models import ReleaseImage
from tests.factories import ReleaseFactory, ReleaseImageFactory
from tests.images.photos import change_url, encode, post_photo, upload, upright_photo

pytestmark = pytest.mark.django_db


def image_cell(page, index=0):
    """The photo table's image cell of row `index`."""
    row = re.search(rf'<tr[^>]*id="images-{index}".*?</tr>', page, re.S).group()
    return re.search(r'<td class="field-image">(.*?)</td>', row, re.S).group(1)


def test_current_photo_shows_thumbnail_and_original_name_not_the_storage_path(publisher_client):
    release = ReleaseFactory(draft=True)
    photo = attach_image(release, encode(upright_photo(800, 600), "JPEG"), "ทำเนียบรัฐบาล 2021.jpg", alt_text="a")
    cell = image_cell(publisher_client.get(change_url(release)).content.decode())
    thumb = photo.rendition("thumb", "jpeg")
    assert f'<img src="{thumb["url"]}" alt="" class="admin-thumb"' in cell
    assert ">ทำเนียบรัฐบาล 2021.jpg</a>" in cell
    assert photo.image.name not in re.sub(r'(href|src)="[^"]*"', "", cell)


def test_upload_in_the_admin_keeps_the_original_file_name(publisher_client):
    release = ReleaseFactory(draft=True)
    response = post_photo(publisher_client, release, upload("IMG_1234.JPG", encode(upright_photo(), "JPEG")), alt_text="a")
    assert response.status_code == 302
    photo = ReleaseImage.objects.get(release=release)
    assert photo.original_name == "IMG_1234.JPG" and "IMG_1234" not in photo.image.name
    assert photo.file_name == "IMG_1234.JPG"


def test_saving_without_a_new_file_keeps_the_name(publisher_client):
    from tests.images.photos import form_data

    release = ReleaseFactory(draft=True)
    attach_image(release, encode(upright_photo(), "JPEG"), "first.jpg", alt_text="a")
    data = form_data(publisher_client.get(change_url(release)))
    data["images-0-caption"] = "คำบรรยายใหม่"
    assert publisher_client.post(change_url(release), data).status_code == 302
    assert ReleaseImage.objects.get(release=release).original_name == "first.jpg"


def test_older_rows_fall_back_to_the_stored_names_last_part(publisher_client):
    photo = ReleaseImageFactory(release=ReleaseFactory(draft=True))
    assert photo.original_name == ""
    assert photo.file_name == photo.image.name.rsplit("/", 1)[-1]
    cell = image_cell(publisher_client.get(change_url(photo.release)).content.decode())
    assert f">{escape(photo.file_name)}</a>" in cell


@pytest.mark.parametrize(
    "given, kept",
    [("C:\\Users\\somchai\\Desktop\\ภาพ.jpg", "ภาพ.jpg"), ("photos/2021/a.png", "a.png"), ("x" * 300 + ".jpg", "x" * 255), ("", "")],
)
def test_original_name_drops_folders_and_fits_the_column(given, kept):
    assert original_name(given) == kept


def test_order_inputs_carry_the_reordering_script_and_its_thai_button_texts(publisher_client):
    from django.utils import translation

    release = ReleaseFactory(draft=True)
    ReleaseImageFactory(release=release)
    with translation.override("th"):
        page = publisher_client.get(change_url(release)).content.decode()
    assert re.search(r'<script src="[^"]*/js/photo-order(\.[0-9a-f]+)?\.js"', page)
    order = re.search(r'<input type="number" name="images-0-order"[^>]*>', page).group()
    assert 'data-reorder="images"' in order
    assert 'data-move-up="เลื่อนขึ้น"' in order and 'data-move-down="เลื่อนลง"' in order
    assert 'data-moved="ลำดับที่ %(position)s จาก %(count)s"' in order
