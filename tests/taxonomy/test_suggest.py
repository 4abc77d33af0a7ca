"""releases/taxonomy/suggest.py: countries and topics found as whole words, never inside a longer word."""

import pytest

from releases.taxonomy.suggest import SubjectMatcher, apply_suggestions, find, suggestions
from tests.factories import CountryFactory, ReleaseFactory, TopicFactory

NAMES = {"ลาว": "LA", "สปป. ลาว": "LA", "จีน": "CN", "Laos": "LA", "สหรัฐอเมริกา": "US"}


def test_names_found_in_order_of_mention():
    assert find("ไทยหารือกับสหรัฐอเมริกาและจีนเรื่องแม่น้ำโขง", NAMES) == ["US", "CN"]


def test_a_country_name_inside_a_longer_word_does_not_match():
    assert find("ภูเขาไฟพ่นลาวาออกมา", NAMES) == []
    assert find("Laotian food festival", NAMES) == []


def test_names_with_a_space_and_latin_names_match():
    assert find("คณะผู้แทนจาก สปป. ลาว เดินทางถึง", NAMES) == ["LA"]
    assert find("The minister visited Laos.", NAMES) == ["LA"]


def test_nothing_named_nothing_found():
    assert find("ประชุมคณะรัฐมนตรี", NAMES) == [] and find("", NAMES) == [] and find("ลาว", {}) == []


@pytest.mark.django_db
def test_suggestions_read_title_and_plain_body_with_aliases():
    myanmar = CountryFactory(code="MM", name_th="เมียนมา", name_en="Myanmar", aliases="พม่า")
    consular = TopicFactory(name_th="การคุ้มครองคนไทยในต่างประเทศ", name_en="Consular assistance", aliases="คุ้มครองคนไทย")
    CountryFactory(code="LA", name_th="ลาว", name_en="Laos")
    release = ReleaseFactory(title="สถานการณ์ในพม่า", body="- การคุ้มครองคนไทยในต่างประเทศ\n\nภูเขาไฟลาวา")
    assert suggestions(release) == ([myanmar], [consular])


@pytest.mark.django_db
def test_apply_adds_without_removing():
    myanmar, laos = CountryFactory(code="MM", name_th="เมียนมา"), CountryFactory(code="LA", name_th="ลาว", name_en="Laos")
    release = ReleaseFactory(body="เมียนมาและไทย")
    release.countries.add(laos)
    matcher = SubjectMatcher()
    apply_suggestions(release, matcher)
    assert set(release.countries.all()) == {myanmar, laos}


@pytest.mark.django_db
def test_import_links_named_countries_and_topics_and_lists_bullets(tmp_path):
    from releases.models import Release
    from tests.archive.pages import page, run, write

    laos = CountryFactory(code="LA", name_th="ลาว", name_en="Laos")
    CountryFactory(code="CN", name_th="จีน", name_en="China")
    trade = TopicFactory(name_th="การค้า", slug="trade")
    body = ("ไทยและลาวหารือเรื่องการค้าชายแดน", "ประเด็นสำคัญ\n• ด่านพรมแดน\n• ภูเขาไฟลาวา")
    write(tmp_path, "one.txt", page(paragraphs=body))
    run(tmp_path)
    release = Release.objects.get()
    assert list(release.countries.all()) == [laos] and list(release.topics.all()) == [trade]
    assert "<ul>\n<li>ด่านพรมแดน</li>" in release.body_blocks[1]
