"""The archive format read: title, date and view-count forms, photo lines, encodings, bad input."""

import datetime
import os

import pytest

from releases import archive
from releases.archive import SourceError, decode, format, parse
from tests.archive.pages import ENGLISH_PAGE, THAI_PAGE, TODAY, page, run, totals, write
from tests.factories import CategoryFactory


# --- the format ---------------------------------------------------------------------------


def test_parses_a_thai_page():
    """Title printed twice, Buddhist-era date, views, paragraphs between no-break-space lines, photo lines."""
    parsed = parse(THAI_PAGE, today=TODAY)
    assert parsed.title == "กระทรวงการต่างประเทศจัดสัมมนาการคุ้มครองแรงงานไทยในต่างแดน"
    assert parsed.release_date == datetime.date(2022, 3, 12)
    assert parsed.view_count == 71
    assert len(parsed.paragraphs) == 5
    assert parsed.expected_image_count == 2
    assert parsed.language == "th"
    assert "๑๐ มีนาคม ๒๕๖๕" in parsed.paragraphs[0]  # Thai digits kept as written
    assert "\u00a0" not in parsed.body


def test_parses_an_english_page():
    parsed = parse(ENGLISH_PAGE, today=TODAY)
    assert parsed.release_date == datetime.date(2023, 4, 5)
    assert parsed.view_count == 1204
    assert parsed.paragraphs == (
        "On 4 April 2023, Mr. Arthit Boonmee, Director-General of the Department of Consular Affairs, announced longer opening hours at passport offices.",
        "The new hours begin next month.",
    )
    assert parsed.expected_image_count == 1
    assert parsed.language == "en"


@pytest.mark.parametrize(
    "date, expected",
    [
        ("29 ก.ย. 2564", datetime.date(2021, 9, 29)),
        ("29 กันยายน 2564", datetime.date(2021, 9, 29)),
        ("๒๙ ก.ย. ๒๕๖๔", datetime.date(2021, 9, 29)),
        ("29 Sep 2021", datetime.date(2021, 9, 29)),
        ("29 September 2021", datetime.date(2021, 9, 29)),
        ("29 ก.ย. 2021", datetime.date(2021, 9, 29)),  # a Christian-era year on a Thai page: not 1478
    ],
)
def test_date_forms(date, expected):
    assert parse(page(date=date), today=TODAY).release_date == expected


@pytest.mark.parametrize("views, expected", [("71 view", 71), ("1,204 views", 1204), ("๗๑ view", 71), ("5 Views", 5), (None, 0)])
def test_view_count_forms(views, expected):
    parsed = parse(page(views=views), today=TODAY)
    assert parsed.view_count == expected
    assert parsed.paragraphs == ("ย่อหน้าแรก", "ย่อหน้าที่สอง")


def test_title_printed_once():
    parsed = parse(page(repeat_title=False), today=TODAY)
    assert parsed.title == "หัวข้อข่าวทดสอบ"
    assert parsed.paragraphs[0] == "ย่อหน้าแรก"


@pytest.mark.parametrize("photo_line", ["รูปภาพประกอบ", "Photo", "Image", "photo"])
def test_photo_lines(photo_line):
    assert parse(page(photos=3, photo_line=photo_line), today=TODAY).expected_image_count == 3


def test_windows_line_endings_and_byte_order_mark():
    raw = "\ufeff".encode() + THAI_PAGE.replace("\n", "\r\n").encode("utf-8")
    parsed = parse(decode(raw), today=TODAY)
    assert parsed.title.startswith("กระทรวง") and len(parsed.paragraphs) == 5 and "\r" not in parsed.body


def test_cp874_page():
    parsed = parse(decode(THAI_PAGE.replace("\u00a0", " ").encode("cp874")), today=TODAY)
    assert parsed.title == "กระทรวงการต่างประเทศจัดสัมมนาการคุ้มครองแรงงานไทยในต่างแดน"
    assert len(parsed.paragraphs) == 5


def test_paragraph_lines_are_kept_together():
    parsed = parse(page(paragraphs=("บรรทัดหนึ่ง\nบรรทัดสอง", "ย่อหน้าถัดไป")), today=TODAY)
    assert parsed.paragraphs == ("บรรทัดหนึ่ง\nบรรทัดสอง", "ย่อหน้าถัดไป")


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, line, reason",
    [
        (b"", 1, "empty"),
        (b"  \n\xc2\xa0\n\t\n", 1, "empty"),
        (b"title\n\x00\x01\x02", 2, "binary"),
        (b"title\n\n\x81\x82\x83", 3, "cannot be decoded"),
        ("หัวข้อ\n\nข้อความ\u0085ผิด\n".encode(), 3, "control character U+0085"),
        (page(title="29 ม.ค. 2566").encode(), 1, "no title"),
        ("หัวข้อข่าว\n\nย่อหน้าแรกของข่าว\n\nย่อหน้าที่สอง\n".encode(), 3, "no date line"),
        ("หัวข้อข่าว\n".encode(), 1, "no date line"),
        (page(date="31 ก.พ. 2564").encode(), 5, "no such day"),
        (page(date="29 ก.พ. 2564").encode(), 5, "no such day"),
        (page(date="1 ม.ค. 2021").encode(), None, None),  # control: a CE year is read as CE
        (page(date="1 ม.ค. 1478").encode(), 5, "implausible year"),
        (page(date="1 ม.ค. 2664").encode(), 5, "implausible year"),  # 2121 CE: would look "scheduled"
        (page(date="31 Dec 2024").encode(), 5, "in the future"),
        (page(title="ก" * 501).encode(), 1, "over the limit of 500"),
        (page(views="99999999999999999999 views").encode(), 7, "does not fit"),
        (page(views="-5 views").encode(), 7, "unreadable view count"),
        (page(paragraphs=()).encode(), 7, "no body text"),
    ],
)
def test_bad_input_is_reported_with_line_and_reason(raw, line, reason):
    today = datetime.date(2024, 12, 30)
    if reason is None:
        assert parse(decode(raw), today=today).release_date == datetime.date(2021, 1, 1)
        return
    with pytest.raises(SourceError) as caught:
        parse(decode(raw), today=today)
    assert reason in caught.value.reason
    assert caught.value.line == line


def test_size_limit_is_checked_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", page())
    monkeypatch.setattr(format, "open", lambda *a, **k: pytest.fail("read a file over the limit"), raising=False)
    with pytest.raises(SourceError, match="over the 10-byte limit"):
        archive.read_source(path, max_bytes=10)


def test_reading_a_fifo_does_not_wait_for_a_writer(tmp_path):
    """Swapped in after the walk, a FIFO would block open() for ever: it is refused at once."""
    import threading

    fifo = tmp_path / "swapped.txt"
    os.mkfifo(fifo)
    errors = []

    def read():
        try:
            archive.read_source(fifo)
        except SourceError as exc:
            errors.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # release the blocked reader before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert not reader.is_alive() and errors and errors[0].reason == "not a regular file"
    assert isinstance(errors[0], archive.SourceSkipped)


@pytest.mark.django_db
def test_an_unreadable_file_is_skipped_with_its_reason(tmp_path, monkeypatch):
    """Permissions cannot stop root, the tests' user in CI: the refusal is simulated at open()."""
    CategoryFactory()
    write(tmp_path, "a.txt", page(title="ข่าวอ่านได้"))
    write(tmp_path, "b.txt", page(title="ข่าวอ่านไม่ได้"))
    real_open = open

    def refusing(path, *args, **kwargs):
        if os.fspath(path).endswith("b.txt"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(format, "open", refusing, raising=False)
    out, err = run(tmp_path)
    assert totals(out)["created"] == 1 and totals(out)["skipped"] == 1 and totals(out)["failed"] == 0
    assert f"skipped {tmp_path / 'b.txt'}: unreadable: Permission denied" in out


@pytest.mark.parametrize(
    "raw, offset, byte",
    [
        ("หัวข้อข่าว\n".encode() + b"ok \xff here", 34, 0xFF),  # UTF-8 text, one bad byte: not the first Thai byte
        (b"\xef\xbb\xbf" + "ข่าว".encode() + b"\xc3", 15, 0xC3),  # after a BOM, offsets count the BOM's bytes
        ("ข่าว ".encode("cp874") + b"\xdb rest", 5, 0xDB),  # cp874 text with a byte cp874 lacks
    ],
)
def test_invalid_encoding_names_the_byte_offset_in_the_file(raw, offset, byte):
    assert raw[offset] == byte
    with pytest.raises(SourceError) as caught:
        decode(raw)
    assert f"byte 0x{byte:02x} at offset {offset}" in caught.value.reason


@pytest.mark.parametrize(
    "first_line, url",
    [
        ("URL: https://www.mfa.go.th/th/content/กต.แถลงข่าว?cate=5d5bcb4e15e39c306000683e", "https://www.mfa.go.th/th/content/กต.แถลงข่าว?cate=5d5bcb4e15e39c306000683e"),
        ("url:http://www.mfa.go.th/main/th/news3/6886/119352-%E0%B8%81.html", "http://www.mfa.go.th/main/th/news3/6886/119352-%E0%B8%81.html"),
        ("URL :  /en/content/thai-asean-meeting  ", "/en/content/thai-asean-meeting"),
    ],
)
def test_an_optional_url_line_gives_the_old_address(first_line, url):
    parsed = parse(first_line + "\n\n" + page(title="หัวข้อข่าว"), today=TODAY)
    assert (parsed.original_url, parsed.title) == (url, "หัวข้อข่าว")


def test_without_a_url_line_there_is_no_old_address():
    assert parse(page(), today=TODAY).original_url == ""


@pytest.mark.parametrize("first_line", ["URL: www.mfa.go.th/th/content/x", "URL:", "URL: ftp://www.mfa.go.th/x", "URL: /a b"])
def test_an_unusable_url_line_is_reported(first_line):
    with pytest.raises(SourceError) as caught:
        parse("\n" + first_line + "\n" + page(), today=TODAY)
    assert "unusable URL line" in caught.value.reason and caught.value.line == 2


def test_a_url_line_alone_is_reported():
    with pytest.raises(SourceError, match="nothing after the URL line"):
        parse("URL: /th/content/x\n", today=TODAY)
