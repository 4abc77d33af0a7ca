"""One form for every way an old address is written: case, slashes, encodings, query strings, the news3 forms."""

import pytest

from releases.redirects.matching import candidates, is_old_address, is_site_path, normalise

THAI_SLUG = "รมว.กต.พบหารือกับเอกอัครราชทูต"
THAI_SLUG_QUOTED = "%E0%B8%A3%E0%B8%A1%E0%B8%A7.%E0%B8%81%E0%B8%95.%E0%B8%9E%E0%B8%9A%E0%B8%AB%E0%B8%B2%E0%B8%A3%E0%B8%B7%E0%B8%AD%E0%B8%81%E0%B8%B1%E0%B8%9A%E0%B9%80%E0%B8%AD%E0%B8%81%E0%B8%AD%E0%B8%B1%E0%B8%84%E0%B8%A3%E0%B8%A3%E0%B8%B2%E0%B8%8A%E0%B8%97%E0%B8%B9%E0%B8%95"


@pytest.mark.parametrize(
    "written, expected",
    [
        # Every spelling of one Thai content page comes to the same form.
        (f"https://www.mfa.go.th/th/content/{THAI_SLUG}", f"/th/content/{THAI_SLUG}"),
        (f"https://www.mfa.go.th/th/content/{THAI_SLUG_QUOTED}", f"/th/content/{THAI_SLUG}"),
        (f"https://www.mfa.go.th/th/content/{THAI_SLUG_QUOTED.lower()}/", f"/th/content/{THAI_SLUG}"),
        (f"HTTP://WWW.MFA.GO.TH/TH/Content/{THAI_SLUG}/?cate=5d5bcb4e15e39c306000683e", f"/th/content/{THAI_SLUG}"),
        (f"/th/content/{THAI_SLUG}?cate=5d5bcb4e15e39c306000683e&utm_source=line", f"/th/content/{THAI_SLUG}"),
        ("/th//content//slug-x", "/th/content/slug-x"),
        # English content pages keep their language in the path.
        ("https://www.mfa.go.th/en/content/thailand-japan-strategic-partnership?cate=5d5bcb4e15e39c306000683d",
         "/en/content/thailand-japan-strategic-partnership"),
        ("/EN/CONTENT/Thailand-Japan-Strategic-Partnership/", "/en/content/thailand-japan-strategic-partnership"),
        # The old news pages: the title part goes, however it was encoded or cut.
        ("http://www.mfa.go.th/main/th/news3/6886/119352-นายกรัฐมนตรีพบหารือ.html", "/main/th/news3/6886/119352"),
        ("http://www.mfa.go.th/main/th/news3/6886/119352-%E0%B8%99%E0%B8%B2%E0%B8%A2.html", "/main/th/news3/6886/119352"),
        ("/main/th/news3/6886/119352-", "/main/th/news3/6886/119352"),
        ("/main/th/news3/6886/119352.html", "/main/th/news3/6886/119352"),
        ("/Main/TH/News3/6886/119352-Title.HTML", "/main/th/news3/6886/119352"),
        ("http://www.mfa.go.th/main/en/news3/6886/119353-Foreign-Minister-Meets.html", "/main/en/news3/6886/119353"),
        ("/en/news3/6886/119353-Foreign-Minister-Meets.html", "/main/en/news3/6886/119353"),
        # A query that picks the content is kept, in one order.
        ("/main/index.php?id=77&lang=th&b=2", "/main/index.php?b=2&id=77"),
    ],
)
def test_normalise(written, expected):
    assert normalise(written) == expected


def test_decomposed_letters_are_composed():
    # An accent typed as a combining mark, raw or percent-encoded, is the same address as the composed letter.
    assert normalise("/en/content/cafe\u0301-diplomacy") == normalise("/en/content/caf%C3%A9-diplomacy") == "/en/content/caf\u00e9-diplomacy"
    assert normalise("/en/content/cafe%CC%81-diplomacy") == "/en/content/caf\u00e9-diplomacy"


def test_a_broken_percent_sequence_does_not_raise():
    assert normalise("/th/content/%E0%B8").startswith("/th/content/")


def test_candidates_try_the_query_then_the_path():
    assert candidates("/main/index.php?id=77") == ["/main/index.php?id=77", "/main/index.php"]
    assert candidates("/th/content/x?cate=1") == ["/th/content/x"]


@pytest.mark.parametrize("path, old", [("/main/x", True), ("/th/content/x", True), ("/en/content/x", True), ("/officials/x", False), ("/main", False)])
def test_is_old_address(path, old):
    assert is_old_address(path) is old


@pytest.mark.parametrize("text, on_site", [("/officials/", True), ("/", True), ("//evil.example/", False), ("/\\evil.example", False), ("https://evil.example/", False), ("/a b", False)])
def test_is_site_path(text, on_site):
    assert is_site_path(text) is on_site
