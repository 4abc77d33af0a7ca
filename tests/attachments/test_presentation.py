"""Documents and the press kit on the release page, in feeds and in JSON-LD."""

import io
import json
import re
import zipfile

import pytest
from django.utils import translation

from releases.attachments.presentation import size_label
from tests.attachments import documents
from tests.factories import ReleaseAttachmentFactory, ReleaseFactory, ReleaseImageFactory

pytestmark = pytest.mark.django_db


def page(client, release, language=None):
    prefix = "/en" if language == "en" else ""
    response = client.get(prefix + release.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


@pytest.mark.parametrize("size, label", [(1_234_567, "1.2 MB"), (350_400, "350 KB"), (12, "1 KB")])
def test_size_label(size, label):
    assert size_label(size) == label


def test_documents_section_in_thai_with_type_size_pages_and_hreflang(client, settings):
    settings.NEWSROOM_ACCESSIBLE_FORMAT_EMAIL = "access@mfa.go.th"
    release = ReleaseFactory()
    thai = ReleaseAttachmentFactory(release=release, title="แถลงการณ์ร่วม", file__data=documents.make_pdf(["หนึ่ง", "สอง", "สาม"]), order=1)
    english = ReleaseAttachmentFactory(release=release, title="Joint statement", language="en", file__data=documents.make_docx(), order=2)
    html = page(client, release)
    assert "เอกสารประกอบ" in html
    assert (
        f'<a class="documents__link" href="{thai.file.url}" type="application/pdf">'
        '<span class="documents__badge documents__badge--pdf" aria-hidden="true">PDF</span> '
        f'<span class="documents__text"><span class="documents__title">แถลงการณ์ร่วม</span> <span class="documents__facts">(PDF, {size_label(thai.size)}, 3 หน้า)</span></span></a>'
    ) in html
    assert f'hreflang="en"><span class="documents__badge documents__badge--docx" aria-hidden="true">DOCX</span>' in html
    assert f'<span class="documents__title" lang="en">Joint statement</span> <span class="documents__facts">(DOCX, {size_label(english.size)}, 2 หน้า)</span>' in html
    assert 'href="mailto:access@mfa.go.th"' in html and "อักษรเบรลล์" in html


def test_documents_section_in_english(client):
    release = ReleaseFactory(language="en")
    ReleaseAttachmentFactory(release=release, title="Statement", language="en", file__data=documents.make_pdf(["a", "b"]))
    html = page(client, release, "en")
    assert "Supporting documents" in html and "(PDF, 2 KB, 2 pages)" in html and "hreflang" not in html.split("Supporting documents")[1].split("</section>")[0]


def test_no_section_without_documents(client):
    assert "documents-heading" not in page(client, ReleaseFactory())


def test_json_ld_lists_documents_and_photo_credits(client):
    release = ReleaseFactory()
    ReleaseImageFactory(release=release, credit="กองประชาสัมพันธ์")
    attachment = ReleaseAttachmentFactory(release=release)
    data = json_ld(page(client, release))
    assert data["image"][0]["@type"] == "ImageObject" and data["image"][0]["creditText"] == "กองประชาสัมพันธ์"
    assert data["image"][0]["copyrightNotice"] == "กองประชาสัมพันธ์"
    assert data["associatedMedia"] == [{
        "@type": "MediaObject", "name": "แถลงการณ์ร่วม", "contentUrl": "http://testserver" + attachment.file.url,
        "encodingFormat": "application/pdf", "contentSize": str(attachment.size), "inLanguage": "th",
    }]


def test_rss_has_one_enclosure_and_atom_every_document(client):
    release = ReleaseFactory()
    first = ReleaseAttachmentFactory(release=release, order=1)
    second = ReleaseAttachmentFactory(release=release, order=2, file__data=documents.make_docx())
    rss = client.get("/feeds/latest/rss/").content.decode()
    assert rss.count("<enclosure ") == 1
    assert f'<enclosure length="{first.size}" type="application/pdf" url="http://testserver{first.file.url}"' in rss
    atom = client.get("/feeds/latest/atom/").content.decode()
    assert atom.count('rel="enclosure"') == 2 and f"http://testserver{second.file.url}" in atom


def test_credit_and_full_resolution_link_under_each_photo(client):
    release = ReleaseFactory()
    lead = ReleaseImageFactory(release=release, credit="ช่างภาพกระทรวง")
    ReleaseImageFactory(release=release, order=1)
    html = page(client, release)
    assert html.count('class="photo-full"') == 2
    assert '<span class="photo-credit">ภาพ: ช่างภาพกระทรวง</span>' in html
    assert f'href="{lead.image.url}" download>ภาพขนาดเต็ม' in html
    assert "ดาวน์โหลดภาพทั้งหมด" in html

