"""Public pages: the list, a release, officials; what is public, hostile input, query budgets."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from releases.models import Release
from tests.factories import (
    CategoryFactory,
    OfficialFactory,
    PositionFactory,
    ReleaseFactory,
    ReleaseImageFactory,
    committed,
    login_verified,
    make_user,
    shown_views,
    tomorrow,
    yesterday,
)

pytestmark = pytest.mark.django_db

# The featured notices (list) and "most read this week" (home and detail pages) add one query each when not cached.
LIST_BUDGET = 6
# With the documents and the videos; without the counter's UPDATE, which the counter's own tests budget.
# The first reader of a content generation computes "most read" and the related releases (fragments,
# releases/fragments.py: the related releases take a second query when fewer than four share anything).
# The neighbours are a query of their own, compiled once per process (releases/prepared.py): one
# more round trip, ~2 ms less CPU than the correlated subqueries compiled into the release's query.
DETAIL_BUDGET = 11
DETAIL_WARM_BUDGET = 8  # the next readers: both fragments cached
BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


def html(response):
    """The page as text, without the <wbr> line breaks between Thai words (tests/test_wordbreaks.py)."""
    return re.sub(r'<wbr>|<span class="thw">(.*?)</span>', r"\1", response.content.decode())


def titles(response):
    return [r.title for r in response.context["releases"]]


def make_archive(count, with_extras=True):
    """`count` published releases, each with photos and officials, like a real archive."""
    official = OfficialFactory()
    PositionFactory(official=official)
    other = CategoryFactory(slug="statement", name_th="แถลงการณ์", name_en="Statement")
    releases = []
    for n in range(count):
        release = ReleaseFactory(
            release_date=datetime.date(2021, 9, 1) + datetime.timedelta(days=n),
            category=other if n % 2 else CategoryFactory(),
        )
        if with_extras:
            release.officials.add(official)
            ReleaseImageFactory(release=release, order=0)
            ReleaseImageFactory(release=release, order=1, caption="ภาพที่สอง")
        releases.append(release)
    return releases


# --- the list ----------------------------------------------------------------------------


class TestList:
    def test_front_page_and_alias_list_published_releases_newest_first(self, client, django_assert_max_num_queries):
        old = ReleaseFactory(title="เก่า", release_date=datetime.date(2021, 9, 1))
        new = ReleaseFactory(title="ใหม่", release_date=datetime.date(2021, 9, 29))
        committed()
        for url in ("/", "/releases/"):
            with django_assert_max_num_queries(LIST_BUDGET):
                response = client.get(url)
            assert response.status_code == 200
            assert titles(response) == [new.title, old.title]

    def test_same_date_orders_by_publish_time(self, client):
        day = datetime.date(2021, 9, 29)
        earlier = ReleaseFactory(title="เช้า", release_date=day, publish_at=yesterday() - datetime.timedelta(hours=5))
        later = ReleaseFactory(title="บ่าย", release_date=day, publish_at=yesterday())
        assert titles(client.get("/")) == [later.title, earlier.title]

    def test_drafts_and_scheduled_releases_are_not_listed(self, client):
        ReleaseFactory(title="ร่าง", draft=True)
        ReleaseFactory(title="ตั้งเวลา", scheduled=True)
        public = ReleaseFactory(title="เผยแพร่แล้ว")
        response = client.get("/")
        assert titles(response) == [public.title]
        assert "ร่าง" not in html(response) and "ตั้งเวลา" not in html(response)

    def test_each_item_shows_thai_date_category_summary_thumbnail_and_views(self, client):
        release = ReleaseFactory(release_date=datetime.date(2021, 9, 29), summary="สรุปข่าวสั้น ๆ", view_count=1234)
        ReleaseImageFactory(release=release, alt_text="รัฐมนตรีจับมือ")
        page = html(client.get("/"))
        assert "29 ก.ย. 2564" in page
        assert 'datetime="2021-09-29"' in page
        assert "ข่าวสารนิเทศ" in page
        assert "สรุปข่าวสั้น ๆ" in page
        assert 'alt="รัฐมนตรีจับมือ"' in page
        assert "1,234" in page

    def test_only_the_first_thumbnail_loads_at_once(self, client):
        make_archive(3)
        page = html(client.get("/"))
        images = re.findall(r"<img [^>]*>", page[page.index("<main"):])
        assert len(images) == 3
        assert 'loading="lazy"' not in images[0] and all('loading="lazy"' in img for img in images[1:])

    def test_twenty_a_page_and_second_page(self, client):
        make_archive(25, with_extras=False)
        first = client.get("/")
        assert len(first.context["releases"]) == 20
        assert first.context["page_obj"].paginator.num_pages == 2
        second = client.get("/?page=2")
        assert len(second.context["releases"]) == 5

    def test_pagination_links_keep_the_filters(self, client):
        make_archive(25, with_extras=False)
        page = html(client.get("/?year=2564&language=th"))
        links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', page)
        assert links, "no link to page 2"
        assert all("year=2564" in link and "language=th" in link for link in links)

    def test_query_count_does_not_grow_with_the_data(self, client, django_assert_max_num_queries):
        make_archive(3)
        committed()
        with django_assert_max_num_queries(LIST_BUDGET):
            small = client.get("/")
        make_archive(30)
        committed()
        with django_assert_max_num_queries(LIST_BUDGET):
            large = client.get("/?page=2")
        assert len(small.context["releases"]) == 3 and len(large.context["releases"]) == 13

    def test_filtered_list_stays_in_budget(self, client, django_assert_max_num_queries):
        releases = make_archive(12)
        official = releases[0].officials.get()
        with django_assert_max_num_queries(LIST_BUDGET):
            response = client.get(f"/?year=2564&category=statement&official={official.slug}&language=th&month=9")
        assert len(response.context["releases"]) == 6

    def test_search_box_in_the_header_searches_the_list(self, client, django_assert_max_num_queries):
        ReleaseFactory(title="ประชุมอาเซียน")
        ReleaseFactory(title="วีซ่าท่องเที่ยว")
        page = html(client.get("/officials/"))
        assert 'role="search"' in page and 'name="q"' in page
        with django_assert_max_num_queries(LIST_BUDGET):
            response = client.get("/", {"q": "อาเซียน"})
        assert titles(response) == ["ประชุมอาเซียน"]

    def test_each_interface_lists_its_language_and_marks_the_other(self, client):
        thai = ReleaseFactory(title="ข่าวภาษาไทย")
        ReleaseFactory(title="The English version", language="en", translation=thai)
        ReleaseFactory(title="Only in English", language="en")
        assert sorted(titles(client.get("/"))) == ["Only in English", "ข่าวภาษาไทย"]
        page = html(client.get("/"))
        assert '<span class="lang-badge">English</span>' in page and page.count('class="lang-badge"') == 1
        # The English interface is the one at /en/; a cookie does not change the Thai address's list.
        client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
        assert sorted(titles(client.get("/"))) == ["Only in English", "ข่าวภาษาไทย"]
        assert sorted(titles(client.get("/en/"))) == ["Only in English", "The English version"]
        assert sorted(titles(client.get("/en/", {"language": "all"}))) == ["Only in English", "The English version", "ข่าวภาษาไทย"]

    def test_a_search_alone_leaves_the_filter_panel_folded(self, client):
        ReleaseFactory(title="ประชุมอาเซียน")
        assert '<details class="filters">' in html(client.get("/", {"q": "อาเซียน"}))
        assert '<details class="filters" open>' in html(client.get("/", {"q": "อาเซียน", "language": "th"}))
        assert '<details class="filters" open>' in html(client.get("/", {"year": "abc"}))

    def test_link_previews_of_the_list_and_an_official(self, client):
        page = html(client.get("/"))
        assert '<meta property="og:type" content="website">' in page
        assert '<meta property="og:title" content="ข่าวประชาสัมพันธ์">' in page
        official = OfficialFactory(name_th="ดอน ปรมัตถ์วินัย", honorific="นาย")
        page = html(client.get(official.get_absolute_url()))
        assert '<meta property="og:title" content="นายดอน ปรมัตถ์วินัย">' in page
        assert page.count('property="og:type"') == 1
        assert '<meta name="description" content="ข่าวประชาสัมพันธ์ที่กล่าวถึง นายดอน ปรมัตถ์วินัย">' in page
        assert '<meta name="description" content="รัฐมนตรีและเจ้าหน้าที่' in html(client.get("/officials/"))

    def test_filtered_pages_ask_search_engines_not_to_index_them(self, client):
        ReleaseFactory()
        assert 'name="robots"' not in html(client.get("/"))
        assert 'content="noindex, follow"' in html(client.get("/?year=2564"))


class TestHostileInput:
    @pytest.mark.parametrize("page", ["-1", "0", "abc", "999999", "1.5", "99999999999999999999999"])
    def test_bad_page_numbers_are_404(self, client, page):
        ReleaseFactory()
        assert client.get("/", {"page": page}).status_code == 404

    def test_year_abc_is_a_form_error_with_an_empty_list(self, client, django_assert_max_num_queries):
        ReleaseFactory()
        with django_assert_max_num_queries(LIST_BUDGET):
            response = client.get("/", {"year": "abc"})
        assert response.status_code == 200
        assert response.context["releases"] == []
        assert "year" in response.context["filter"].errors
        assert 'role="alert"' in html(response)
        # The control points at its help text and its error, and both exist.
        control = re.search(r'<input[^>]*name="year"[^>]*>', html(response)).group(0)
        assert 'aria-invalid="true"' in control
        for target in re.search(r'aria-describedby="([^"]+)"', control).group(1).split():
            assert f'id="{target}"' in html(response), target

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "\x00"},
            {"q": "ข่าว\x00"},
            {"year": "25\x0064"},
            {"category": "\x00"},
            {"official": "a\x00b"},
            {"language": "\x00"},
            {"month": "\x00"},
            {"date_from": "\x00"},
            {"category": "no-such-category"},
            {"official": "no-such-official"},
            {"month": "13"},
            {"year": "99999"},
            {"year": "1066"},
            {"year": "٢٠٢١"},
            {"date_from": "2021-02-30"},
            {"date_to": "31/02/2564"},
            {"date_from": "0001-01-01"},
            {"language": "fr"},
        ],
    )
    def test_bad_filter_values_give_a_form_error_never_a_500(self, client, params):
        ReleaseFactory()
        response = client.get("/", params)
        assert response.status_code == 200
        assert response.context["filter"].errors
        assert response.context["releases"] == []

    def test_over_long_query_is_cut_not_failed(self, client, django_assert_max_num_queries):
        ReleaseFactory(title="ประกาศเรื่องวีซ่า")
        with django_assert_max_num_queries(4):
            response = client.get("/", {"q": "วีซ่า " + "ก" * 10_000})
        assert response.status_code == 200
        assert not response.context["filter"].errors
        assert [r.title for r in response.context["releases"]] == ["ประกาศเรื่องวีซ่า"]

    def test_unknown_and_repeated_parameters_are_ignored(self, client):
        release = ReleaseFactory(release_date=datetime.date(2021, 9, 29))
        response = client.get("/?utm_source=line&fbclid=abc&&=&x[]=1&year=1999&year=2564")
        assert response.status_code == 200
        assert titles(response) == [release.title]

    def test_sql_in_the_search_is_just_text(self, client):
        ReleaseFactory()
        response = client.get("/", {"q": "'; DROP TABLE releases_release; --"})
        assert response.status_code == 200 and response.context["releases"] == []
        assert Release.objects.count() == 1

    def test_punctuation_only_search_leaves_the_list_unfiltered(self, client):
        release = ReleaseFactory()
        response = client.get("/", {"q": "!!! ???"})
        assert response.status_code == 200
        assert titles(response) == [release.title]

    @pytest.mark.parametrize("value", ["-1", "abc", "999999", "\x00", "%", "ก" * 10_000, "๒"])
    def test_no_public_url_fails_on_hostile_query_strings(self, client, value):
        release = ReleaseFactory()
        official = OfficialFactory(slug="don")
        release.officials.add(official)
        urls = ["/", "/officials/", "/officials/don/", release.get_absolute_url(), "/feeds/latest/rss/",
                "/feeds/official/don/atom/", "/sitemap.xml", "/sitemap-releases.xml", "/robots.txt"]
        for url in urls:
            for name in ("page", "p", "q", "year", "official", "date_from", "zzz"):
                status = client.get(url, {name: value}).status_code
                assert status in (200, 404), (url, name, status)

    @pytest.mark.parametrize(
        "path",
        [
            "/releases/abc/x/", "/releases/-1/x/", "/officials/%00/", "/releases/1/%00/",
            "/releases/99999999999999999999999/x/", "/releases/9223372036854775808/", "/feeds/category/%00/rss/",
        ],
    )
    def test_bad_paths_are_404(self, client, path):
        assert client.get(path).status_code == 404


# --- a release ----------------------------------------------------------------------------


class TestDetail:
    def test_shows_title_long_thai_date_views_and_paragraphs(self, client):
        release = ReleaseFactory(
            title="ไทยและสหรัฐฯ หารือ", release_date=datetime.date(2021, 9, 29),
            body="ย่อหน้าแรก\n\nย่อหน้าที่สอง https://www.mfa.go.th", view_count=41,
        )
        page = html(client.get(release.get_absolute_url(), HTTP_USER_AGENT=BROWSER))
        assert "<h1" in page and "ไทยและสหรัฐฯ หารือ" in page
        assert "29 กันยายน 2564" in page
        assert "<p>ย่อหน้าแรก</p>" in page
        assert 'href="https://www.mfa.go.th"' in page
        assert re.search(r"42\s", page)  # this reader's own view included

    def test_non_canonical_slug_redirects_permanently(self, client):
        release = ReleaseFactory(title="ไทยและสหรัฐฯ หารือ")
        for path in (f"/releases/{release.pk}/wrong-slug/", f"/releases/{release.pk}/"):
            response = client.get(path)
            assert response.status_code == 301
            assert response["Location"] == release.get_absolute_url()

    def test_canonical_thai_slug_is_served(self, client):
        release = ReleaseFactory(title="ย้ำความร่วมมือ")
        assert release.slug == "ย้ำความร่วมมือ"
        assert client.get(release.get_absolute_url()).status_code == 200

    def test_an_editor_s_slug_with_url_characters_still_gives_a_working_address(self, client):
        release = ReleaseFactory(slug="ข่าว/ด่วน? 100%")
        assert release.slug == "ข่าว-ด่วน-100"
        assert client.get("/").status_code == 200
        assert client.get(release.get_absolute_url()).status_code == 200

    def test_unknown_draft_and_scheduled_give_the_same_404(self, client):
        draft = ReleaseFactory(title="ร่างลับ", draft=True)
        scheduled = ReleaseFactory(title="ตั้งเวลาลับ", scheduled=True)
        bodies = []
        for pk, slug in ((987654, "x"), (draft.pk, draft.slug), (scheduled.pk, scheduled.slug)):
            response = client.get(f"/releases/{pk}/{slug}/")
            assert response.status_code == 404
            bodies.append(re.sub(r"/releases/\d+/[^\"<]*", "", html(response)))
        assert bodies[0] == bodies[1] == bodies[2]
        assert "ร่างลับ" not in bodies[1] and "ตั้งเวลาลับ" not in bodies[2]
        # Wrong slug of a draft: a 404 too, never a redirect revealing the canonical slug.
        assert client.get(f"/releases/{draft.pk}/other/").status_code == 404

    def test_gallery_captions_with_default_and_alt_text(self, client):
        release = ReleaseFactory()
        ReleaseImageFactory(release=release, order=0, alt_text="ภาพนำ", caption="")
        ReleaseImageFactory(release=release, order=1, alt_text="ภาพที่สอง", caption="คำบรรยายภาพ")
        ReleaseImageFactory(release=release, order=2, alt_text="ภาพที่สาม", caption="")
        response = client.get(release.get_absolute_url())
        page = html(response)
        assert response.context["lead_image"].alt_text == "ภาพนำ"
        assert 'alt="ภาพนำ"' in page and 'alt="ภาพที่สอง"' in page and 'alt="ภาพที่สาม"' in page
        assert "คำบรรยายภาพ" in page
        assert page.count("<figcaption>รูปภาพประกอบ</figcaption>") == 2
        main = page[page.index("<main"):]
        lead = main.index('alt="ภาพนำ"')
        assert lead < main.index("<p>ย่อหน้าแรกของข่าว</p>") < main.index('alt="ภาพที่สอง"')
        lead_img = main[main.rfind("<img", 0, lead):main.index(">", lead)]
        assert 'loading="lazy"' not in lead_img  # the lead photo is the page's largest paint
        assert 'fetchpriority="high"' in lead_img and page.count('fetchpriority="high"') == 1
        # Gallery thumbnails are two to a row on a phone: a phone asks for the small file.
        second = main[main.rfind("<picture", 0, main.index('alt="ภาพที่สอง"')):main.index('alt="ภาพที่สอง"')]
        assert 'sizes="(max-width: 480px) 50vw, 14rem"' in second

    def test_officials_with_the_position_held_on_the_release_date(self, client):
        official = OfficialFactory(name_th="ดอน ปรมัตถ์วินัย", honorific="นาย")
        PositionFactory(official=official, title_th="รัฐมนตรีช่วยว่าการ", start_date=datetime.date(2015, 1, 1), end_date=datetime.date(2019, 7, 9))
        PositionFactory(official=official, title_th="รัฐมนตรีว่าการกระทรวงการต่างประเทศ", start_date=datetime.date(2019, 7, 10))
        old = ReleaseFactory(release_date=datetime.date(2018, 5, 1))
        new = ReleaseFactory(release_date=datetime.date(2021, 9, 29))
        old.officials.add(official)
        new.officials.add(official)
        old_page, new_page = html(client.get(old.get_absolute_url())), html(client.get(new.get_absolute_url()))
        assert official.get_absolute_url() in old_page
        assert "นายดอน ปรมัตถ์วินัย" in old_page
        assert "รัฐมนตรีช่วยว่าการ" in old_page and "รัฐมนตรีว่าการกระทรวงการต่างประเทศ" not in old_page
        assert "รัฐมนตรีว่าการกระทรวงการต่างประเทศ" in new_page

    def test_related_releases_sharing_officials_come_before_same_category(self, client):
        official = OfficialFactory()
        release = ReleaseFactory(release_date=datetime.date(2021, 9, 29))
        release.officials.add(official)
        same_category = ReleaseFactory(title="หมวดเดียวกัน", release_date=datetime.date(2021, 9, 28))
        other = CategoryFactory(slug="other", name_th="อื่น ๆ")
        shared = ReleaseFactory(title="บุคคลเดียวกัน", category=other, release_date=datetime.date(2021, 9, 1))
        shared.officials.add(official)
        ReleaseFactory(title="ไม่เกี่ยว", category=other, release_date=datetime.date(2021, 9, 27))
        ReleaseFactory(title="ร่างเกี่ยว", draft=True).officials.add(official)
        response = client.get(release.get_absolute_url())
        assert [r.title for r in response.context["related"]] == ["บุคคลเดียวกัน", "หมวดเดียวกัน"]

    def test_previous_and_next_follow_the_list_order_over_public_releases(self, client):
        older = ReleaseFactory(title="เก่ากว่า", release_date=datetime.date(2021, 9, 1))
        ReleaseFactory(title="ร่างระหว่างกลาง", release_date=datetime.date(2021, 9, 15), draft=True)
        middle = ReleaseFactory(title="ตรงกลาง", release_date=datetime.date(2021, 9, 20))
        newer = ReleaseFactory(title="ใหม่กว่า", release_date=datetime.date(2021, 9, 29))
        ReleaseFactory(title="ตั้งเวลาใหม่สุด", release_date=datetime.date(2021, 9, 30), scheduled=True)
        context = client.get(middle.get_absolute_url()).context
        assert (context["older"], context["newer"]) == (older, newer)
        context = client.get(newer.get_absolute_url()).context
        assert (context["older"], context["newer"]) == (middle, None)
        context = client.get(older.get_absolute_url()).context
        assert (context["older"], context["newer"]) == (None, middle)

    def test_neighbours_on_the_same_day_use_publish_time_then_id(self, client):
        day, at = datetime.date(2021, 9, 29), yesterday()
        a = ReleaseFactory(release_date=day, publish_at=at)
        b = ReleaseFactory(release_date=day, publish_at=at)
        c = ReleaseFactory(release_date=day, publish_at=at + datetime.timedelta(minutes=1))
        context = client.get(b.get_absolute_url()).context
        assert (context["older"], context["newer"]) == (a, c)

    def test_translation_link_and_hreflang_only_when_the_translation_is_public(self, client):
        english = ReleaseFactory(language="en", title="Thailand and the US")
        thai_release = ReleaseFactory(title="ไทยและสหรัฐฯ", translation=english)
        thai_url, english_url = thai_release.get_absolute_url(), f"/en{english.get_absolute_url()}"
        page = html(client.get(thai_url)).replace("\n", "")
        # Each language's version in its own language's interface, on both pages of the pair.
        pair = (f'<link rel="alternate" hreflang="th" href="http://testserver{thai_url}">'
                f'<link rel="alternate" hreflang="en" href="http://testserver{english_url}">'
                f'<link rel="alternate" hreflang="x-default" href="http://testserver{thai_url}">')
        assert pair in page
        assert f'<a href="http://testserver{english_url}" hreflang="en" lang="en">Read in English</a>' in page
        page = html(client.get(english_url)).replace("\n", "")
        assert pair in page and "อ่านฉบับภาษาไทย" in page
        Release.objects.filter(pk=english.pk).update(publish_at=tomorrow())
        page = html(client.get(thai_url))
        assert "Read in English" not in page
        # Without a public translation: the same page in both interfaces.
        assert f'<link rel="alternate" hreflang="en" href="http://testserver/en{thai_url}">' in page

    def test_social_meta_canonical_and_json_ld(self, client):
        release = ReleaseFactory(title='ข่าว </script><script>alert(1)</script> "quoted"', summary="สรุป & ย่อ")
        ReleaseImageFactory(release=release, alt_text="ภาพ")
        page = html(client.get(release.get_absolute_url()))
        canonical = f"http://testserver{release.get_absolute_url()}"
        assert f'<link rel="canonical" href="{canonical}">' in page
        assert f'<meta property="og:url" content="{canonical}">' in page
        assert '<meta property="og:type" content="article">' in page and page.count('property="og:type"') == 1
        assert 'property="og:title" content="ข่าว &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;"' in page
        assert 'property="og:description" content="สรุป &amp; ย่อ"' in page
        assert re.search(r'<meta property="og:image" content="http://testserver/media/[^"]+\.(jpg|jpeg|webp|png)">', page)
        assert '<meta name="twitter:card" content="summary_large_image">' in page
        assert "<script>alert(1)" not in page
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert len(blocks) == 1
        data = json.loads(blocks[0])
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == release.title
        assert data["mainEntityOfPage"] == canonical
        assert data["image"][0].startswith("http://testserver/media/")
        assert "</script>" not in blocks[0] and "\\u003C/script\\u003E" in blocks[0]

    def test_json_ld_names_the_ministry_and_the_release_date(self, client):
        category = CategoryFactory(slug="statement", name_th="แถลงการณ์", name_en="Statement")
        published = datetime.datetime(2021, 10, 2, 14, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
        release = ReleaseFactory(language="en", category=category, release_date=datetime.date(2021, 9, 29), publish_at=published)
        page = html(client.get(release.get_absolute_url()))
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
        assert data["author"] == {"@type": "Organization", "name": settings.SITE_NAME, "url": "http://testserver/"}
        assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/img/logo")
        # The date printed on the release, with the time it went out; the section in its language.
        assert data["datePublished"] == "2021-09-29T14:30:00+07:00"
        assert data["articleSection"] == "Statement"

    def test_plain_share_links_and_no_third_party_scripts(self, client):
        release = ReleaseFactory()
        page = html(client.get(release.get_absolute_url()))
        assert "https://www.facebook.com/sharer/sharer.php?u=" in page
        assert "https://social-plugins.line.me/lineit/share?url=" in page
        assert "https://x.com/intent/post?" in page
        assert not re.search(r"<script[^>]*src=", page)
        assert not re.search(r"<script(?![^>]*application/ld\+json)", page)
        assert "style=" not in page and "<style" not in page

    def test_query_budget_whatever_the_amount_of_related_data(self, client, django_assert_max_num_queries):
        releases = make_archive(12)
        release = releases[5]
        for n in range(4):
            release.officials.add(PositionFactory(start_date=datetime.date(2000 + n, 1, 1)).official)
        client.get(release.get_absolute_url(), HTTP_USER_AGENT=BROWSER)  # counted: one UPDATE more
        with django_assert_max_num_queries(DETAIL_WARM_BUDGET):
            response = client.get(release.get_absolute_url(), HTTP_USER_AGENT=BROWSER)  # repeat visitor
        assert len(response.context["mentioned"]) == 5 and len(response.context["images"]) == 2
        assert response.context["older"] and response.context["newer"] and response.context["related"]

    def test_a_counted_visit_reads_within_the_budget_too(self, client):
        release = make_archive(3)[1]
        committed()
        with CaptureQueriesContext(connection) as queries:
            client.get(release.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
        writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
        reads = len(queries) - len(writes)
        assert reads <= DETAIL_BUDGET
        # On PostgreSQL the count and the day's row are one statement (WITH ... UPDATE ... INSERT).
        assert any("UPDATE" in sql and "view_count" in sql for sql in writes)


class TestViewCounting:
    def test_a_reader_counts_once_a_second_reader_again(self, client):
        release = ReleaseFactory()
        url = release.get_absolute_url()
        client.get(url, HTTP_USER_AGENT=BROWSER)
        client.get(url, HTTP_USER_AGENT=BROWSER)
        release.refresh_from_db()
        assert release.view_count == 1
        response = client.get(url, HTTP_USER_AGENT=BROWSER + " second", REMOTE_ADDR="192.0.2.7")
        release.refresh_from_db()
        assert release.view_count == 2
        assert shown_views(response) == 2

    def test_head_bots_and_redirects_do_not_count(self, client):
        release = ReleaseFactory()
        client.head(release.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
        client.get(release.get_absolute_url(), HTTP_USER_AGENT="facebookexternalhit/1.1")
        client.get(f"/releases/{release.pk}/other/", HTTP_USER_AGENT=BROWSER)
        release.refresh_from_db()
        assert release.view_count == 0

    def test_list_shows_pending_views_in_buffered_mode(self, client, settings):
        settings.VIEW_COUNT_MODE = "buffered"
        release = ReleaseFactory(view_count=10)
        client.get(release.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
        release.refresh_from_db()
        assert release.view_count == 10
        assert client.get("/").context["releases"][0].views_shown == 11
        assert shown_views(client.get(release.get_absolute_url(), HTTP_USER_AGENT=BROWSER)) == 11

    def test_admin_preview_renders_a_draft_without_counting(self, client):
        editor = make_user("editor", role="Editor")
        login_verified(client, editor)
        draft = ReleaseFactory(title="ร่างสำหรับดูตัวอย่าง", draft=True)
        ReleaseImageFactory(release=draft)
        response = client.get(reverse("admin:releases_release_preview", args=[draft.pk]), HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 200
        page = html(response)
        assert "ร่างสำหรับดูตัวอย่าง" in page
        assert 'content="noindex, nofollow"' in page
        draft.refresh_from_db()
        assert draft.view_count == 0

    def test_preview_of_a_published_release_does_not_count(self, client):
        login_verified(client, make_user("editor", role="Editor"))
        release = ReleaseFactory()
        client.get(reverse("admin:releases_release_preview", args=[release.pk]), HTTP_USER_AGENT=BROWSER)
        release.refresh_from_db()
        assert release.view_count == 0


# --- officials ----------------------------------------------------------------------------


class TestOfficials:
    def test_list_puts_current_officials_first(self, client, django_assert_max_num_queries):
        former = OfficialFactory(name_th="กมล อดีต")
        PositionFactory(official=former, title_th="อดีตรัฐมนตรี", start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2014, 1, 1))
        current = OfficialFactory(name_th="ฮานะ ปัจจุบัน")
        PositionFactory(official=current, title_th="รัฐมนตรีปัจจุบัน")
        with django_assert_max_num_queries(3):
            response = client.get("/officials/")
        assert [o for o, _ in response.context["officials"]] == [current, former]
        page = html(response)
        assert "รัฐมนตรีปัจจุบัน" in page and "อดีตรัฐมนตรี" not in page

    def test_officials_list_budget_does_not_grow(self, client, django_assert_max_num_queries):
        for _ in range(30):
            PositionFactory()
        with django_assert_max_num_queries(3):
            assert len(client.get("/officials/").context["officials"]) == 30

    def test_detail_positions_over_time_and_paginated_public_releases(self, client, django_assert_max_num_queries):
        official = OfficialFactory(name_th="ดอน ปรมัตถ์วินัย", name_en="Don Pramudwinai", honorific="นาย")
        PositionFactory(official=official, title_th="รองนายกรัฐมนตรี", start_date=datetime.date(2019, 7, 10))
        PositionFactory(official=official, title_th="รัฐมนตรีช่วยว่าการ", start_date=datetime.date(2015, 1, 1), end_date=datetime.date(2019, 7, 9))
        for n in range(23):
            ReleaseFactory(release_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=n)).officials.add(official)
        ReleaseFactory(title="ร่างของท่าน", draft=True).officials.add(official)
        ReleaseFactory(title="ข่าวคนอื่น")
        committed()
        with django_assert_max_num_queries(5):
            response = client.get(official.get_absolute_url())
        page = html(response)
        assert "นายดอน ปรมัตถ์วินัย" in page
        assert page.index("รองนายกรัฐมนตรี") < page.index("รัฐมนตรีช่วยว่าการ")
        assert "10 ก.ค. 2562" in page and "9 ก.ค. 2562" in page
        assert len(response.context["releases"]) == 20
        assert "ร่างของท่าน" not in page and "ข่าวคนอื่น" not in page
        assert f"/feeds/official/{official.slug}/rss/" in page
        second = client.get(official.get_absolute_url(), {"page": 2})
        assert len(second.context["releases"]) == 3
        assert client.get(official.get_absolute_url(), {"page": 3}).status_code == 404

    def test_portrait_with_the_name_as_alt_text(self, client):
        official = OfficialFactory(name_th="ดอน ปรมัตถ์วินัย", honorific="นาย", portrait="officials/2021/09/don.jpg")
        page = html(client.get(official.get_absolute_url()))
        assert '<img class="official__portrait" src="/media/officials/2021/09/don.jpg" alt="นายดอน ปรมัตถ์วินัย">' in page

    def test_unknown_official_is_404(self, client):
        assert client.get("/officials/nobody/").status_code == 404


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


# --- markup: well formed, landmarks, one h1, labels and alt text --------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class MarkupAudit(HTMLParser):
    """Collects what an accessibility and validity check needs from one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids, self.labels = [], [], [], set()
        self.tags, self.controls, self.images, self.references = [], [], [], []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for name in ("aria-describedby", "aria-labelledby"):
            self.references += (attrs.get(name) or "").split()
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("select", "textarea") or (tag == "input" and attrs.get("type") not in ("hidden", "submit")):
            self.controls.append(attrs.get("id"))
        if tag == "img":
            self.images.append(attrs)
        if "style" in attrs:
            self.problems.append(f"inline style on <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def audit(page):
    parser = MarkupAudit()
    parser.feed(page)
    parser.close()
    return parser


@pytest.mark.parametrize("language", ["th", "en"])
def test_pages_are_well_formed_and_accessible(client, language):
    prefix = "/en" if language == "en" else ""
    releases = make_archive(3)
    english = ReleaseFactory(language="en", translation=releases[1])
    official = releases[1].officials.first()
    for url in ("/", "/?year=abc&date_from=x", releases[1].get_absolute_url(), english.get_absolute_url(), "/officials/",
                official.get_absolute_url(), "/releases/999999/nope/"):
        page = audit(html(client.get(prefix + url)))
        assert page.problems == [] and page.stack == [], (url, page.problems, page.stack)
        assert page.html_lang == language, url
        assert len(page.ids) == len(set(page.ids)), (url, "duplicate ids")
        assert page.tags.count("h1") == 1, url
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in page.tags, (url, landmark)
        assert all(control in page.labels for control in page.controls), (url, page.controls, page.labels)
        assert all(image.get("alt") for image in page.images), url
        assert set(page.references) <= set(page.ids), (url, set(page.references) - set(page.ids))


def test_not_found_page_is_the_site_s_own(client):
    response = client.get("/releases/999999/nope/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in html(response) and 'content="noindex"' in html(response)


def test_static_files_collect_with_hashed_names_and_the_font_licence(settings, tmp_path):
    """Production storage (WhiteNoise's manifest) must find every file the CSS refers to."""
    from django.core.management import call_command

    # Changing these settings resets the lazy staticfiles storage (Django's setting_changed).
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    css = next((tmp_path / "static" / "css").glob("fonts.*.css")).read_text()
    fonts = re.findall(r'url\("\.\./fonts/(sarabun-(?:thai|latin)-[47]00-normal\.[0-9a-f]{12}\.woff2)"\)', css)
    assert len(fonts) == 4
    assert all((tmp_path / "static" / "fonts" / name).exists() for name in fonts)
    assert "SIL Open Font License" in (tmp_path / "static" / "fonts" / "Sarabun-LICENSE.txt").read_text()
