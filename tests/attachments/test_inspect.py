"""Documents are accepted by content: every allowed type, and every refused one, made here."""

import io

import pytest
from django.utils import translation

from releases.attachments.inspect import DocumentRejected, inspect_document, xml_text
from tests.attachments import documents


def inspect(data):
    return inspect_document(io.BytesIO(data))


def refusal(data):
    with pytest.raises(DocumentRejected) as caught:
        inspect(data)
    return caught.value.code


@pytest.mark.parametrize("data, file_type, pages, text", [
    (documents.make_pdf(["แถลงการณ์ร่วม", "หน้าที่สอง"]), "pdf", 2, "แถลงการณ์ร่วม\nหน้าที่สอง"),
    (documents.make_docx(), "docx", 2, "ข้อตกลงว่าด้วย\nการค้าเสรี"),
    (documents.make_xlsx(), "xlsx", None, "งบประมาณ\n2569"),
    (documents.make_pptx(), "pptx", 2, "สไลด์แรก\n\nสไลด์ที่สอง"),
    (documents.make_odf("text"), "odt", 4, "รายงานประจำปี"),
    (documents.make_odf("spreadsheet"), "ods", 4, "รายงานประจำปี"),
])
def test_allowed_documents_with_their_facts_and_text(data, file_type, pages, text):
    info = inspect(data)
    assert (info.file_type, info.size, info.page_count) == (file_type, len(data), pages)
    assert info.text.strip() == text
    assert info.extraction_error == ""


def test_a_hyperlink_to_the_web_is_not_an_external_link():
    assert inspect(documents.make_docx(relationships=documents.HYPERLINK)).file_type == "docx"


@pytest.mark.parametrize("data, code", [
    (documents.encrypted_pdf(), "encrypted"),
    (documents.make_pdf()[:400], "malformed"),
    (b"%PDF-1.7\nnot really a pdf", "malformed"),
    (documents.macro_docx(), "macros"),
    (documents.external_template_docx(), "external"),
    (documents.zip_bomb_xlsx(), "zip_bomb"),
    (documents.html_named_pdf(), "type"),
    (b"PK\x03\x04 broken zip", "malformed"),
    (documents._zip({"hello.txt": "a plain zip"}), "type"),
    (documents._zip({f"part{n}.xml": "" for n in range(2001)}), "zip_bomb"),
])
def test_refused_documents(data, code):
    assert refusal(data) == code


def test_size_limit_from_the_setting(settings):
    settings.NEWSROOM_ATTACHMENT_MAX_BYTES = 1000
    assert refusal(documents.make_pdf()) == "too_large"


def test_a_pdf_without_a_text_layer_is_accepted_with_the_problem_recorded():
    with translation.override("th"):
        info = inspect(documents.make_pdf([""]))
    assert info.file_type == "pdf" and info.page_count == 1
    assert "เอกสารสแกน" in info.extraction_error


def test_office_xml_is_stripped_not_parsed():
    # An entity declaration stays text: nothing is ever expanded.
    assert xml_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><w:p><w:t>ก&amp;ข</w:t></w:p>').endswith("ก&ข\n")
