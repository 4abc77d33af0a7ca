"""Archive pages written for the import tests, and helpers to write and import them."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

TODAY = datetime.date(2025, 6, 1)

# Written for these tests in the shape of the ministry's pages (not copied from any of them).
THAI_PAGE = (
    "กระทรวงการต่างประเทศจัดสัมมนาการคุ้มครองแรงงานไทยในต่างแดน\n"
    "\n"
    "กระทรวงการต่างประเทศจัดสัมมนาการคุ้มครองแรงงานไทยในต่างแดน\n"
    "\n"
    "12 มี.ค. 2565\n"
    "\n"
    "71 view\n"
    "\n"
    "เมื่อวันที่ ๑๐ มีนาคม ๒๕๖๕ นายสุรเชษฐ์ ทองประเสริฐ อธิบดีกรมการกงสุล เป็นประธานเปิดการสัมมนา"
    "เรื่องการคุ้มครองแรงงานไทยในต่างแดน ณ กรุงเทพมหานคร\n"
    "\n"
    "\u00a0\n"
    "\n"
    "ผู้เข้าร่วมสัมมนากว่า ๑๕๐ คน ได้แลกเปลี่ยนประสบการณ์การให้ความช่วยเหลือคนไทยที่ประสบปัญหา\n"
    "\n"
    "\u00a0\n"
    "\n"
    "นายกรัฐมนตรีได้ส่งสารแสดงความชื่นชมต่อเจ้าหน้าที่กงสุลทุกคน\n"
    "\n"
    "\u00a0\n"
    "\n"
    "ในช่วงบ่าย ที่ประชุมได้หารือกับนาง Maria Lindqvist ผู้แทนองค์การระหว่างประเทศ\n"
    "\n"
    "กระทรวงฯ จะจัดการสัมมนาลักษณะนี้อีกครั้งในปี ๒๕๖๖\n"
    "\n"
    "รูปภาพประกอบ\n"
    "\n"
    "รูปภาพประกอบ\n"
)

ENGLISH_PAGE = (
    "Thailand Opens New Consular Office Hours for Travellers\n"
    "\n"
    "Thailand Opens New Consular Office Hours for Travellers\n"
    "\n"
    "5 April 2023\n"
    "\n"
    "1,204 views\n"
    "\n"
    "On 4 April 2023, Mr. Arthit Boonmee, Director-General of the Department of Consular Affairs, "
    "announced longer opening hours at passport offices.\n"
    "\n"
    "The new hours begin next month.\n"
    "\n"
    "Photo\n"
)


def page(title="หัวข้อข่าวทดสอบ", date="1 ม.ค. 2566", views="10 views", paragraphs=("ย่อหน้าแรก", "ย่อหน้าที่สอง"), photos=0, photo_line="รูปภาพประกอบ", repeat_title=True):
    blocks = [title] + ([title] if repeat_title else []) + [date] + ([views] if views else []) + list(paragraphs) + [photo_line] * photos
    return "\n\n".join(blocks) + "\n"


def write(directory, name, text, encoding="utf-8"):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run(*paths, expect_failure=False, **options):
    out, err = io.StringIO(), io.StringIO()
    args = [str(path) for path in paths]
    if expect_failure:
        with pytest.raises(CommandError):
            call_command("import_releases", *args, stdout=out, stderr=err, **options)
    else:
        call_command("import_releases", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def totals(output):
    match = re.search(r"created (\d+), updated (\d+), unchanged (\d+), conflicts (\d+), failed (\d+), skipped (\d+)", output)
    assert match, output
    return dict(zip(["created", "updated", "unchanged", "conflicts", "failed", "skipped"], map(int, match.groups())))


def jpeg_bytes(color=(30, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(buffer, "JPEG")
    return buffer.getvalue()
