"""Where a body's plain text is read instead of its markup: summary, search, feeds, JSON-LD, export, import."""

import json

import pytest
from django.urls import reverse

from releases import archive
from releases.models import Release
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

MARKED = "**สำคัญ** ประชุมที่ [กระทรวง](https://www.mfa.go.th)\n\n๑. เรื่องแรก\n- ข้อย่อย"


def test_summary_and_search_read_plain_text():
    release = ReleaseFactory(body=MARKED, summary="")
    assert release.summary == "สำคัญ ประชุมที่ กระทรวง (https://www.mfa.go.th)"
    release.refresh_from_db()
    assert "*" not in release.search_body and "[" not in release.search_body
    assert release.plain_body.endswith("๑. เรื่องแรก\n• ข้อย่อย")


def test_feed_and_json_ld_have_no_markup(client):
    release = ReleaseFactory(body=MARKED, summary="")
    feed = client.get(reverse("releases:feed-rss")).content.decode()
    assert "สำคัญ ประชุมที่" in feed and "**" not in feed
    page = client.get(release.get_absolute_url()).content.decode()
    ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert "**" not in json.dumps(ld, ensure_ascii=False)


def test_export_writes_plain_text_and_import_reads_bullets_as_a_list():
    release = ReleaseFactory(body="ย่อหน้า\n\n- หนึ่ง\n- สอง\n\n๑. เรื่อง", summary="")
    text = archive.render(release, photo_count=0)
    assert "• หนึ่ง\n• สอง" in text and "- หนึ่ง" not in text
    parsed = archive.parse(text)
    assert parsed.body == "ย่อหน้า\n\n- หนึ่ง\n- สอง\n\n๑. เรื่อง"
    assert Release(body=parsed.body).body_blocks[1] == "<ul>\n<li>หนึ่ง</li>\n<li>สอง</li>\n</ul>"
