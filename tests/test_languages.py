"""The English interface at /en/: the URL says the language, hreflang alternates, the switch, the old cookie, redirects, budgets."""

import datetime

import pytest
from django.conf import settings
from django.test import RequestFactory

from releases import languages
from releases.models import Release
from tests.factories import CategoryFactory, CountryFactory, OfficialFactory, PositionFactory, ReleaseFactory, ReleaseImageFactory
from tests.test_wordbreaks import plain

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def html(response):
    # Thai text in pages carries word breaks (releases/wordbreaks.py): compare the text a reader sees.
    return plain(response.content.decode())


def head(response):
    return html(response).split("</head>")[0]


class TestWhichLanguage:
    def test_a_readers_page_is_in_its_url_language(self):
        assert languages.route_language("/") == "th"
        assert languages.route_language("/officials/") == "th"
        assert languages.route_language("/en/") == "en"
        assert languages.route_language("/en/officials/") == "en"
        assert languages.route_language("/en/feeds/latest/rss/") == "en"

    def test_other_addresses_are_no_readers_page(self):
        for path in ("/admin/", "/api/v1/releases/", "/sitemap.xml", "/robots.txt", "/no-such-page/", "/en/admin/",
                     "/en/api/v1/releases/", "/th/content/abc", "/en/news3/1/2-x.html"):
            assert languages.route_language(path) is None, path

    @pytest.mark.parametrize("cookie", ["en", "th", "xx", None])
    def test_the_cookie_never_changes_a_readers_page(self, cookie):
        request = RequestFactory().get("/officials/")
        if cookie:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
        assert languages.request_language(request) == "th"
        request = RequestFactory().get("/en/officials/")
        if cookie:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
        assert languages.request_language(request) == "en"

    def test_elsewhere_the_cookie_still_chooses(self):
        request = RequestFactory().get("/admin/")
        assert languages.request_language(request) == "th"
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert languages.request_language(request) == "en"
        # An unknown address under /en/ is English whatever the cookie says.
        request = RequestFactory().get("/en/no-such-page/")
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "th"
        assert languages.request_language(request) == "en"

    def test_language_url_keeps_the_query_and_refuses_other_addresses(self):
        assert languages.language_url("/officials/?page=2", "en") == "/en/officials/?page=2"
        assert languages.language_url("/en/officials/?page=2", "th") == "/officials/?page=2"
        assert languages.language_url("/en/?q=%E0%B9%84%E0%B8%97%E0%B8%A2", "en") == "/en/?q=%E0%B9%84%E0%B8%97%E0%B8%A2"
        assert languages.language_url("/admin/", "en") is None


class TestPages:
    def test_english_pages_answer_in_english_with_alternates_and_canonical(self, client):
        official = OfficialFactory(name_th="ดอน ปรมัตถ์วินัย", name_en="Don Pramudwinai", honorific="นาย")
        release = ReleaseFactory(release_date=datetime.date(2021, 9, 29), category=CategoryFactory(slug="statement"))
        release.officials.add(official)
        for path in ("/", "/releases/", "/officials/", official.get_absolute_url(), release.get_absolute_url(), "/subscribe/"):
            thai, english = client.get(path), client.get(f"/en{path}")
            assert thai.status_code == english.status_code == 200, path
            assert '<html lang="th">' in html(thai) and '<html lang="en">' in html(english), path
            assert thai["Content-Language"] == "th" and english["Content-Language"] == "en", path
            for page in (head(thai), head(english)):
                assert f'<link rel="alternate" hreflang="th" href="http://testserver{path}">' in page, path
                assert f'<link rel="alternate" hreflang="en" href="http://testserver/en{path}">' in page, path
                assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{path}">' in page, path
            assert f'<link rel="canonical" href="http://testserver{path}">' in head(thai), path
            assert f'<link rel="canonical" href="http://testserver/en{path}">' in head(english), path
        assert "29 Sep 2021" in html(client.get("/en/")) and "29 ก.ย. 2564" in html(client.get("/"))

    def test_a_country_page_in_both_languages(self, client):
        country = CountryFactory()
        ReleaseFactory().countries.add(country)
        path = country.get_absolute_url()
        page = head(client.get(f"/en{path}"))
        assert f'hreflang="th" href="http://testserver{path}"' in page and f'rel="canonical" href="http://testserver/en{path}"' in page

    def test_internal_links_stay_in_the_interface_language(self, client):
        url = ReleaseFactory().get_absolute_url()
        page = html(client.get(f"/en{url}"))
        assert 'href="/en/officials/"' in page and 'action="/en/"' in page and 'href="/en/feeds/latest/rss/"' in page
        page = html(client.get(url))
        assert 'href="/officials/"' in page and "/en/officials/" not in page.split('class="language-switch"')[0]

    def test_the_list_follows_the_urls_language(self, client):
        thai = ReleaseFactory(title="ข่าวภาษาไทย")
        ReleaseFactory(title="The English version", language="en", translation=thai)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the old cookie changes nothing here
        assert "ข่าวภาษาไทย" in html(client.get("/")) and "The English version" not in html(client.get("/"))
        english = html(client.get("/en/"))
        assert "The English version" in english and "ข่าวภาษาไทย" not in english

    def test_drafts_stay_hidden_under_en(self, client):
        draft = ReleaseFactory(draft=True)
        scheduled = ReleaseFactory(scheduled=True)
        for release in (draft, scheduled):
            assert client.get(f"/en{release.get_absolute_url()}").status_code == 404
            assert release.title not in html(client.get("/en/"))


class TestRedirects:
    def test_a_wrong_or_missing_slug_answers_301_to_the_english_canonical(self, client):
        release = ReleaseFactory(title="Visa news", language="en")
        canonical = f"/en{release.get_absolute_url()}"
        for old in (f"/en/releases/{release.pk}/", f"/en/releases/{release.pk}/old-title/"):
            response = client.get(old)
            assert response.status_code == 301 and response["Location"] == canonical, old

    def test_en_without_a_slash_is_a_301(self, client):
        response = client.get("/en")
        assert response.status_code == 301 and response["Location"] == "/en/"

    def test_the_thai_addresses_keep_answering(self, client):
        release = ReleaseFactory()
        official = OfficialFactory()
        for path in ("/", "/releases/", "/officials/", official.get_absolute_url(), release.get_absolute_url(),
                     "/feeds/latest/rss/", "/feeds/latest/atom/", "/sitemap.xml", "/robots.txt"):
            assert client.get(path).status_code == 200, path

    def test_old_language_forms_of_old_addresses_still_redirect(self, client):
        from releases.redirects.matching import normalise
        from releases.redirects.models import LegacyURL

        url = ReleaseFactory().get_absolute_url()
        LegacyURL.objects.create(path=normalise("/main/en/news3/6886/123-Thailand.html"), release=Release.objects.get())
        # The ministry's old English address leads to the release in the English interface.
        response = client.get("/en/news3/6886/123-Thailand.html")
        assert response.status_code == 301 and response["Location"] == f"/en{url}"
        response = client.get("/main/th/news3/6886/123-Thailand.html")
        assert response.status_code == 404  # another old address, not recorded

    def test_the_api_and_admin_are_not_under_en(self, client):
        assert client.get("/en/api/v1/releases/").status_code == 404
        assert client.get("/api/v1/releases/").status_code == 200


class TestBudgets:
    def test_english_pages_keep_the_query_budgets(self, client, django_assert_max_num_queries):
        official = OfficialFactory()
        PositionFactory(official=official)
        releases = [ReleaseFactory(release_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=n)) for n in range(25)]
        for release in releases:
            release.officials.add(official)
            ReleaseImageFactory(release=release)
        detail, official_page = f"/en{releases[10].get_absolute_url()}", f"/en{official.get_absolute_url()}"
        client.get(detail, HTTP_USER_AGENT=BROWSER)  # counted: one UPDATE more
        # The list, detail and official budgets of tests/test_views.py, the feed's of tests/test_feeds.py.
        for path, budget in (("/en/", 6), ("/en/?page=2", 6), (detail, 9),
                             ("/en/officials/", 3), (official_page, 5), ("/en/feeds/latest/rss/", 3)):
            with django_assert_max_num_queries(budget):
                assert client.get(path, HTTP_USER_AGENT=BROWSER).status_code == 200, path


class TestPageCache:
    def test_thai_and_english_never_share_a_cached_page(self, client, settings):
        settings.NEWSROOM_PAGE_CACHE = True
        release = ReleaseFactory()
        for path in ("/", release.get_absolute_url(), "/officials/", "/feeds/latest/rss/"):
            english = client.get(f"/en{path}")
            thai = client.get(path)
            assert english["X-Page-Cache"] == thai["X-Page-Cache"] == "miss", path
            assert english.content != thai.content, path
            # Every reader, cookie or not, gets the copy of the URL's language.
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            assert client.get(path).content == thai.content, path
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
            again = client.get(f"/en{path}")
            assert again["X-Page-Cache"] == "hit" and again.content == english.content, path
            del client.cookies[settings.LANGUAGE_COOKIE_NAME]


class TestSwitch:
    def test_the_switch_posts_nothing_and_sets_no_cookie(self, client):
        release = ReleaseFactory()
        response = client.get(release.get_absolute_url())
        assert not response.cookies
        assert 'action="/i18n/setlang/"' not in html(response)
        assert f'<a href="http://testserver/en{release.get_absolute_url()}" hreflang="en" lang="en">English</a>' in html(response)

    def test_set_language_with_a_referer_lands_on_the_other_language(self, client):
        response = client.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER="http://testserver/officials/?page=2")
        assert response["Location"] == "http://testserver/en/officials/?page=2"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    def test_a_translated_release_still_switches_to_the_same_page(self, client):
        english = ReleaseFactory(language="en", title="Thailand and the US")
        thai = ReleaseFactory(title="ไทยและสหรัฐฯ", translation=english)
        page = html(client.get(thai.get_absolute_url()))
        assert f'<a href="http://testserver/en{thai.get_absolute_url()}" hreflang="en" lang="en">English</a>' in page
        assert Release.objects.published().count() == 2
