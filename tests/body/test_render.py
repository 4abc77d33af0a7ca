"""releases/body/render.py: plain bodies exactly as before, the Markdown subset, Thai-numbered lists, hostile input."""

import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import Context, Template

from releases import archive, body, thai
from releases.body import render

SAMPLES = sorted((Path(thai.__file__).resolve().parent / "samples" / "releases").glob("*.txt"))
# The body markup of the detail template before Markdown, kept here to compare against.
OLD_TEMPLATE = Template(
    "{% for paragraph in paragraphs %}<p>{{ paragraph|urlize|linebreaksbr }}</p>\n  {% endfor %}"
)
NEW_TEMPLATE = Template("{% for block in blocks %}{{ block }}\n  {% endfor %}")


def old_html(text):
    return OLD_TEMPLATE.render(Context({"paragraphs": body.split_paragraphs(text)}))


def new_html(text):
    return NEW_TEMPLATE.render(Context({"blocks": body.render_blocks(text)}))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_sample_bodies_render_exactly_as_before(path):
    text = archive.parse(archive.decode(path.read_bytes())).body
    assert new_html(text) == old_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "บรรทัดแรก\nบรรทัดสอง https://www.mfa.go.th/th ต่อ\n\n\u00a0\n\nย่อหน้า <b>ไม่ใช่แท็ก</b> & \"quote\" 'single'",
        "Email info@mfa.go.th or www.example.com, 5 * 3 = 15, snake_case_name, 2*x",
        "   indented four spaces stays a paragraph\n\tand a tab",
    ],
)
def test_plain_text_renders_exactly_as_before(text):
    assert new_html(text) == old_html(text)


def test_thai_numbered_list_keeps_thai_numbering_and_nests():
    html = body.render_html("๑. เรื่องแรก\n๑.๑ รายละเอียด\n๑.๒ อีกข้อ\n๒. เรื่องที่สอง")
    assert html.startswith('<ol class="list-thai">\n<li>เรื่องแรก\n<ol class="list-thai">\n<li>รายละเอียด</li>')
    assert html.count("<ol") == 2 and html.count("<li>") == 4
    assert "<li>เรื่องที่สอง</li>" in html


def test_thai_list_starting_later_keeps_its_number():
    assert body.render_html("๓. เรื่องที่สาม\n๔. เรื่องที่สี่").startswith('<ol start="3" class="list-thai">')


def test_arabic_numbered_list_is_an_ordinary_ordered_list():
    html = body.render_html("1. one\n2. two")
    assert html.startswith("<ol>\n<li>one</li>") and "list-thai" not in html


def test_dates_and_times_at_a_line_start_are_not_list_items():
    assert body.render_html("๑๗ มิถุนายน ๒๕๖๓ เวลา ๐๘.๓๐ น.") == "<p>๑๗ มิถุนายน ๒๕๖๓ เวลา ๐๘.๓๐ น.</p>"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- หนึ่ง\n- สอง", "<ul>\n<li>หนึ่ง</li>\n<li>สอง</li>\n</ul>"),
        ("• หนึ่ง\n• สอง", "<ul>\n<li>หนึ่ง</li>\n<li>สอง</li>\n</ul>"),
        ("# หัวข้อ", "<h2>หัวข้อ</h2>"),
        ("## หัวข้อรอง", "<h3>หัวข้อรอง</h3>"),
        ("#### ลึก", "<h3>ลึก</h3>"),
        ("**ตัวหนา** และ *ตัวเอียง*", "<p><strong>ตัวหนา</strong> และ <em>ตัวเอียง</em></p>"),
        ("[กระทรวง](https://www.mfa.go.th)", '<p><a href="https://www.mfa.go.th" rel="nofollow">กระทรวง</a></p>'),
        ("> คำกล่าว", "<blockquote>\n<p>คำกล่าว</p>\n</blockquote>"),
    ],
)
def test_markdown_subset(text, expected):
    assert body.render_html(text) == expected


def test_simple_table_without_inline_styles():
    html = body.render_html("| ประเทศ | จำนวน |\n|:--|--:|\n| ลาว | ๓ |")
    assert "<table>" in html and "<th>ประเทศ</th>" in html and "<td>๓</td>" in html
    assert "style" not in html


def test_plain_and_markdown_blocks_mix():
    html = body.render_html("ย่อหน้าแรก\n\n- ข้อ")
    assert html == "<p>ย่อหน้าแรก</p>\n<ul>\n<li>ข้อ</li>\n</ul>"


class Elements(HTMLParser):
    """The tags and attributes a piece of HTML really has (escaped text is not a tag)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


HOSTILE = [
    "<script>alert(1)</script>",
    "- <script>alert(1)</script>",
    "**<img src=x onerror=alert(1)>**",
    '- <a href="#" onclick="alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\nscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](https://evil.example/track.png)",
    "- <iframe src=https://evil.example></iframe>",
    "> <style>body{display:none}</style>",
    "| <svg onload=alert(1)> | x |\n|---|---|\n| a | b |",
    "[x](vbscript:msgbox)",
    '**x** <div style="background:url(javascript:alert(1))">',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_reaches_the_page(text):
    elements = Elements()
    elements.feed(str(body.render_html(text)))
    for tag, attrs in elements.found:
        assert tag in render.ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in {"href", "rel", "start", "class"}, name
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), value


def test_fifty_deep_nested_lists_are_bounded():
    text = "\n".join("  " * depth + "- ระดับ" for depth in range(50))
    started = time.perf_counter()
    html = body.render_html(text)
    assert time.perf_counter() - started < 2
    assert html.count("<ul>") <= render.MAX_NESTING


def test_fifty_deep_thai_numbering_is_bounded():
    number = ".".join(["๑"] * 50)
    html = body.render_html(f"๑. บนสุด\n{number} ลึก")
    assert html.count("<ol") <= render.MAX_NESTING and "ลึก" in html


def test_one_megabyte_body_renders_in_bounded_time():
    paragraph = "- ข้อความ **สำคัญ** https://www.mfa.go.th ๑. เรื่อง <script>x</script>\n" * 40 + "\n"
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    assert len(text) >= 1_000_000
    started = time.perf_counter()
    blocks = body.render_blocks(text)
    assert time.perf_counter() - started < 30
    # Markdown up to the budget, then the rest as plain (escaped) paragraphs: nothing lost, nothing unsafe.
    assert blocks[0].startswith("<ul>") and blocks[-1].startswith("<p>- ข้อความ **สำคัญ**")
    assert len(blocks) == text.count("\n\n") and "<script" not in "".join(blocks)
