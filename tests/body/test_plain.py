"""releases/body/plain.py: the plain text of a body, for search, summaries, feeds and the export."""

from releases import body


def test_plain_body_is_unchanged():
    text = "ย่อหน้าแรก https://www.mfa.go.th\nบรรทัดสอง\n\n \n\nย่อหน้าสอง 5 * 3"
    assert body.plain_text(text) == "ย่อหน้าแรก https://www.mfa.go.th\nบรรทัดสอง\n\nย่อหน้าสอง 5 * 3"


def test_markup_is_removed():
    text = "# หัวข้อ\n\n**ตัวหนา** *เอียง* [กระทรวง](https://www.mfa.go.th)\n\n> คำกล่าว\n\n| ก | ข |\n|---|---|\n| ๑ | ๒ |"
    assert body.plain_text(text) == "หัวข้อ\n\nตัวหนา เอียง กระทรวง (https://www.mfa.go.th)\n\nคำกล่าว\n\nก ข\n๑ ๒"


def test_lists_become_lines_with_their_markers():
    text = "- หนึ่ง\n  - ย่อย\n\n๑. เรื่องแรก\n๑.๑ รายละเอียด"
    assert body.plain_text(text) == "• หนึ่ง\n• ย่อย\n\n๑. เรื่องแรก\n๑.๑ รายละเอียด"


def test_no_html_in_plain_text_of_a_link_with_markup():
    assert body.plain_text("[**ลิงก์**](https://a.example)") == "ลิงก์ (https://a.example)"
