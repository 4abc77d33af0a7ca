"""Honorifics: one list for the import and for search."""

from releases import names


def test_longest_prefix_is_stripped_first():
    assert names.strip_thai_honorific("นางสาวสมหญิง") == "สมหญิง"
    assert names.strip_thai_honorific("นายดอน") == "ดอน"
    assert names.strip_thai_honorific("ศ.ดร.วิชัย") == "วิชัย"


def test_loose_prefixes_are_search_only():
    assert "ท่าน" not in names.THAI_HONORIFICS
    assert names.strip_thai_honorific("ท่านทูต") == "ทูต"


def test_nothing_left_keeps_the_word():
    assert names.strip_thai_honorific("นาย") == "นาย"
    assert names.strip_thai_honorific("ดอน") == "ดอน"


def test_extra_prefix_comes_first():
    assert names.strip_thai_honorific("ท่านผู้หญิงสมศรี", extra=("ท่านผู้หญิง",)) == "สมศรี"
