"""Documents in the release admin: uploaded by content, refusals as Thai form errors, nothing half-stored."""

import re

import pytest
from django.utils import translation

from releases.models import ReleaseAttachment
from tests.attachments import documents
from tests.factories import ReleaseAttachmentFactory, ReleaseFactory
from tests.images.photos import change_url, form_data, media_files, upload

pytestmark = pytest.mark.django_db


def post_document(client, release, file, title="แถลงการณ์ร่วม", language="th", order=0):
    data = form_data(client.get(change_url(release)))
    index = int(data["attachments-INITIAL_FORMS"])
    data["attachments-TOTAL_FORMS"] = str(max(int(data["attachments-TOTAL_FORMS"]), index + 1))
    data.update({
        f"attachments-{index}-file": file, f"attachments-{index}-title": title,
        f"attachments-{index}-language": language, f"attachments-{index}-order": str(order),
    })
    return client.post(change_url(release), data)


def file_errors(response):
    formset = next(inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "attachments")
    return [str(error) for form in formset.forms for error in form.errors.get("file", [])]


@pytest.mark.parametrize("name, data, file_type", [
    ("statement.pdf", documents.make_pdf(), "pdf"),
    ("agreement.docx", documents.make_docx(), "docx"),
    ("budget.xlsx", documents.make_xlsx(), "xlsx"),
    ("slides.pptx", documents.make_pptx(), "pptx"),
    ("report.odt", documents.make_odf("text"), "odt"),
    ("table.ods", documents.make_odf("spreadsheet"), "ods"),
    ("misnamed.bin", documents.make_pdf(), "pdf"),
])
def test_editor_uploads_a_document(editor_client, editor, name, data, file_type):
    release = ReleaseFactory(draft=True)
    response = post_document(editor_client, release, upload(name, data))
    assert response.status_code == 302, file_errors(response)
    attachment = release.attachments.get()
    assert (attachment.file_type, attachment.size, attachment.uploaded_by) == (file_type, len(data), editor)
    assert attachment.file.name.startswith("documents/") and attachment.file.name.endswith("." + file_type)
    assert attachment.text
    assert attachment.history.count() == 1


@pytest.mark.parametrize("name, data, message", [
    ("statement.pdf", documents.encrypted_pdf(), "รหัสผ่าน"),
    ("macro.docx", documents.macro_docx(), "มาโคร"),
    ("bomb.xlsx", documents.zip_bomb_xlsx(), "บีบอัด"),
    ("page.pdf", documents.html_named_pdf(), "PDF, DOCX"),
    ("linked.docx", documents.external_template_docx(), "ลิงก์"),
])
def test_refusals_are_thai_form_errors_and_nothing_is_stored(editor_client, name, data, message):
    release = ReleaseFactory(draft=True)
    before = media_files()
    with translation.override("th"):
        response = post_document(editor_client, release, upload(name, data))
    assert response.status_code == 200
    errors = file_errors(response)
    assert errors and message in errors[0]
    assert not ReleaseAttachment.objects.exists()
    assert media_files() == before


def test_a_failed_save_leaves_no_file(monkeypatch):
    release = ReleaseFactory()
    before = media_files()

    def fail(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr("django.db.models.Model.save_base", fail)
    with pytest.raises(RuntimeError):
        ReleaseAttachmentFactory(release=release)
    assert media_files() == before


def test_facts_and_extraction_problems_are_shown_to_the_editor(editor_client):
    attachment = ReleaseAttachmentFactory(file__data=documents.make_pdf([""]), release=ReleaseFactory(draft=True))
    page = editor_client.get(change_url(attachment.release)).content.decode()
    assert "PDF" in page and attachment.extraction_error in page


def test_documents_keep_their_order(editor_client):
    release = ReleaseFactory(draft=True)
    ReleaseAttachmentFactory(release=release, title="สอง", order=2)
    ReleaseAttachmentFactory(release=release, title="หนึ่ง", order=1)
    assert [a.title for a in release.attachments.all()] == ["หนึ่ง", "สอง"]


def file_cell(page, index=0):
    """The document table's file cell of row `index`."""
    row = re.search(rf'<tr[^>]*id="attachments-{index}".*?</tr>', page, re.S).group()
    return re.search(r'<td class="field-file">(.*?)</td>', row, re.S).group(1)


def without_links(html):
    return re.sub(r'(href|src)="[^"]*"', "", html)


def test_current_document_shows_its_original_name_facts_and_a_link_not_the_storage_path(editor_client):
    release = ReleaseFactory(draft=True)
    data = documents.make_pdf(["หนึ่ง", "สอง", "สาม"])
    assert post_document(editor_client, release, upload("แถลงการณ์ร่วม ฉบับลงนาม.pdf", data)).status_code == 302
    attachment = release.attachments.get()
    assert attachment.original_name == "แถลงการณ์ร่วม ฉบับลงนาม.pdf"
    with translation.override("th"):
        page = editor_client.get(change_url(release)).content.decode()
    cell = file_cell(page)
    assert f'<a href="{attachment.file.url}" class="file-current__name">แถลงการณ์ร่วม ฉบับลงนาม.pdf</a>' in cell
    assert f"PDF, {max(1, round(len(data) / 1000))} KB, 3 หน้า" in cell
    # The storage path (documents/2026/12/<uuid>.pdf) appears nowhere but in the link's address.
    assert attachment.file.name not in without_links(page)
    assert attachment.file.name.rsplit("/", 1)[-1] not in without_links(page)


def test_saving_without_a_new_document_keeps_its_name(editor_client):
    release = ReleaseFactory(draft=True)
    ReleaseAttachmentFactory(release=release, file__filename="C:\\Users\\somchai\\แถลงการณ์.pdf")
    data = form_data(editor_client.get(change_url(release)))
    data["attachments-0-title"] = "ชื่อใหม่"
    assert editor_client.post(change_url(release), data).status_code == 302
    attachment = release.attachments.get()
    assert (attachment.title, attachment.original_name) == ("ชื่อใหม่", "แถลงการณ์.pdf")


def test_older_documents_without_a_kept_name_show_their_title(editor_client):
    attachment = ReleaseAttachmentFactory(release=ReleaseFactory(draft=True), title="ข้อตกลงเดิม")
    ReleaseAttachment.objects.filter(pk=attachment.pk).update(original_name="")
    cell = file_cell(editor_client.get(change_url(attachment.release)).content.decode())
    assert ">ข้อตกลงเดิม</a>" in cell
    assert attachment.file.name.rsplit("/", 1)[-1] not in without_links(cell)
