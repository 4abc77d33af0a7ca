"""Search inside documents: a word only in an attached PDF finds the release, and the result says where."""

import re
import pytest
from django.utils import translation

from releases import search
from releases.models import Release
from tests.attachments import documents
from tests.factories import ReleaseAttachmentFactory, ReleaseFactory

pytestmark = pytest.mark.django_db(transaction=False)

PDF_TEXT = ["ภาคผนวกความตกลงหุ้นส่วนเศรษฐกิจไทยญี่ปุ่น", "ข้อบทว่าด้วยถิ่นกำเนิดสินค้า"]


@pytest.fixture
def release_with_pdf():
    release = ReleaseFactory(title="รัฐมนตรีต้อนรับคณะผู้แทน", body="การหารือเป็นไปด้วยดี")
    ReleaseAttachmentFactory(release=release, title="ภาคผนวกแนบท้าย", file__data=documents.make_pdf(PDF_TEXT))
    ReleaseFactory(title="ข่าวอื่น", body="ไม่เกี่ยวข้อง")
    return release


def test_a_word_only_in_a_pdf_finds_the_release(release_with_pdf):
    assert list(search.search_releases(Release.objects.published(), "ถิ่นกำเนิดสินค้า")) == [release_with_pdf]


def test_the_result_says_found_in_document_with_a_highlighted_passage(client, release_with_pdf):
    with translation.override("th"):
        response = client.get("/", {"q": "หุ้นส่วนเศรษฐกิจ"})
    html = re.sub(r'<wbr>|<span class="thw">(.*?)</span>', r"\1", response.content.decode())  # Thai word breaks
    assert release_with_pdf.title in html
    assert "พบในเอกสาร: ภาคผนวกแนบท้าย" in html
    assert "<mark>" in html.split("พบในเอกสาร")[1]


def test_a_match_in_the_release_itself_says_nothing_about_documents(client, release_with_pdf):
    html = re.sub(r'<wbr>|<span class="thw">(.*?)</span>', r"\1", client.get("/", {"q": "คณะผู้แทน"}).content.decode())
    assert release_with_pdf.title in html and "พบในเอกสาร" not in html


def test_deleting_the_document_removes_its_words(release_with_pdf):
    release_with_pdf.attachments.get().delete()
    assert not search.search_releases(Release.objects.published(), "ถิ่นกำเนิดสินค้า").exists()


def test_a_full_reindex_keeps_document_text(release_with_pdf):
    Release.objects.filter(pk=release_with_pdf.pk).update(search_body="")
    search.reindex_queryset(Release.objects.all())
    assert list(search.search_releases(Release.objects.published(), "ถิ่นกำเนิดสินค้า")) == [release_with_pdf]


def test_deleting_a_release_with_documents(release_with_pdf):
    release_with_pdf.delete()
    assert not Release.objects.filter(pk=release_with_pdf.pk).exists()


def test_no_document_query_when_every_result_shows_its_match(release_with_pdf, django_assert_num_queries):
    from releases.attachments.search import note_document_matches

    releases = search.with_highlights([release_with_pdf], "คณะผู้แทน")  # in the title
    with django_assert_num_queries(0):
        note_document_matches(releases, "คณะผู้แทน")
    assert not hasattr(release_with_pdf, "document_match")
