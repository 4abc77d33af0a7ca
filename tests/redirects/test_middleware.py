"""Old addresses answer 301 to the release's page; drafts and unknown addresses stay 404 (and unknown old ones are counted)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases.models import Release
from releases.redirects.models import LegacyURL, MissingLegacyURL
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

THAI_SLUG = "กต.แถลงผลการประชุมรัฐมนตรีต่างประเทศอาเซียน"
THAI_QUOTED = "".join(f"%{byte:02X}" if byte > 127 else chr(byte) for byte in THAI_SLUG.encode())

# (as recorded by the import or an editor, as requested by a reader)
OLD_ADDRESSES = [
    (f"https://www.mfa.go.th/th/content/{THAI_SLUG}?cate=5d5bcb4e15e39c306000683e", f"/th/content/{THAI_QUOTED}?cate=5d5bcb4e15e39c306000683e"),
    (f"https://www.mfa.go.th/th/content/{THAI_SLUG}?cate=5d5bcb4e15e39c306000683e", f"/th/content/{THAI_QUOTED}/"),
    (f"https://www.mfa.go.th/th/content/{THAI_QUOTED}", f"/th/content/{THAI_QUOTED}?cate=5d5bcb4e15e39c3060006870&utm_source=line"),
    ("https://www.mfa.go.th/en/content/thai-asean-foreign-ministers-meeting?cate=5d5bcb4e15e39c306000683d", "/EN/Content/Thai-ASEAN-Foreign-Ministers-Meeting"),
    ("https://www.mfa.go.th/en/content/thai-asean-foreign-ministers-meeting", "/en/content/thai-asean-foreign-ministers-meeting/?cate=5d5bcb4e15e39c306000683d"),
    ("http://www.mfa.go.th/main/th/news3/6886/119352-กต.แถลงผลการประชุม.html", "/main/th/news3/6886/119352-%E0%B8%81%E0%B8%95.html"),
    ("http://www.mfa.go.th/main/th/news3/6886/119352-กต.แถลงผลการประชุม.html", "/main/th/news3/6886/119352-กต.แถลงผลการประชุม.html"),
    ("/main/th/news3/6886/119352.html", "/MAIN/TH/NEWS3/6886/119352-/"),
    ("http://www.mfa.go.th/main/en/news3/6886/119353-Thai-ASEAN-Foreign-Ministers-Meeting.html", "/main/en/news3/6886/119353-Thai-ASEAN.html"),
    ("http://www.mfa.go.th/main/en/news3/6886/119353-Thai-ASEAN-Foreign-Ministers-Meeting.html", "/en/news3/6886/119353-Thai-ASEAN-Foreign-Ministers-Meeting.html"),
    ("/main/index.php?id=77&menu=4", "/main/index.php?menu=4&id=77"),
]


@pytest.mark.parametrize("recorded, requested", OLD_ADDRESSES)
def test_an_old_address_answers_301_to_the_release(client, recorded, requested):
    release = ReleaseFactory()
    LegacyURL.objects.record(recorded, release)
    response = client.get(requested)
    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()
    assert LegacyURL.objects.get().hits == 1
    assert not MissingLegacyURL.objects.exists()


@pytest.mark.parametrize("traits", [{"draft": True}, {"scheduled": True}, {"status": Release.Status.REVIEW, "publish_at": None}])
def test_an_old_address_of_an_unreachable_release_is_404(client, traits):
    LegacyURL.objects.record("/th/content/ร่างข่าว", ReleaseFactory(**traits))
    assert client.get("/th/content/ร่างข่าว").status_code == 404
    assert LegacyURL.objects.get().hits == 0


def test_an_old_address_of_a_withdrawn_release_leads_to_its_page(client):
    release = ReleaseFactory(status=Release.Status.WITHDRAWN)
    LegacyURL.objects.record("/th/content/ข่าวที่ถอน", release)
    response = client.get("/th/content/ข่าวที่ถอน")
    assert response.status_code == 301 and response["Location"] == release.get_absolute_url()


def test_an_editors_redirect_to_a_page_of_the_site(client):
    LegacyURL.objects.create(path="/main/th/organize/1234-Ministers.html", target_url="/officials/")
    response = client.get("/main/th/organize/1234-ministers.html/")
    assert response.status_code == 301 and response["Location"] == "/officials/"


def test_an_editors_redirect_outside_the_old_prefixes(client):
    LegacyURL.objects.create(path="/press-room", target_url="/")
    assert client.get("/Press-Room/")["Location"] == "/"


def test_post_is_not_redirected(client):
    LegacyURL.objects.create(path="/th/content/x", target_url="/")
    assert client.post("/th/content/x").status_code == 404


def test_missing_old_addresses_are_counted_per_normalised_path(client):
    for requested in ["/th/content/ไม่มีข่าวนี้?cate=1", f"/th/content/{'%E0%B9%84%E0%B8%A1%E0%B9%88'}มีข่าวนี้/", "/main/th/news3/1/2-x.html"]:
        assert client.get(requested).status_code == 404
    assert dict(MissingLegacyURL.objects.values_list("path", "hits")) == {"/th/content/ไม่มีข่าวนี้": 2, "/main/th/news3/1/2": 1}


def test_other_missing_pages_are_not_counted(client):
    assert client.get("/wp-login.php").status_code == 404
    assert client.get("/releases/999999/x/").status_code == 404
    assert not MissingLegacyURL.objects.exists()


def test_the_count_of_distinct_missing_paths_is_capped(client, settings):
    settings.LEGACY_MISSING_MAX_PATHS = 2
    for number in range(4):
        client.get(f"/main/th/news3/1/{number}.html")
    client.get("/main/th/news3/1/0.html")
    assert dict(MissingLegacyURL.objects.values_list("path", "hits")) == {"/main/th/news3/1/0": 2, "/main/th/news3/1/1": 1}


def test_pages_that_answer_do_not_look_up_the_table(client):
    release = ReleaseFactory()
    LegacyURL.objects.record("/th/content/x", release)
    for url in ["/", release.get_absolute_url(), "/officials/"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [query for query in queries if "legacyurl" in query["sql"].lower()], url


def test_a_redirect_costs_two_queries(client, django_assert_max_num_queries):
    LegacyURL.objects.record("/th/content/x", ReleaseFactory())
    with django_assert_max_num_queries(2):
        assert client.get("/th/content/x").status_code == 301


def test_a_404_of_a_page_of_this_site_does_not_look_up_the_table(client):
    LegacyURL.objects.create(path="/releases/999999/x", target_url="/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/releases/999999/x/").status_code == 404
    assert not [query for query in queries if "legacyurl" in query["sql"].lower()]


@pytest.mark.parametrize("url", ["/th/content/%00", "/main/th/news3/1/%00.html", "/x%00y"])
def test_a_nul_in_the_address_is_a_plain_404(client, url):
    assert client.get(url).status_code == 404
    assert not MissingLegacyURL.objects.exists()
