"""Accepting suggested countries and topics in the admin with one click, as the text is typed."""

import re

import pytest
from django.urls import reverse

from releases.models import Release
from tests.browser.conftest import sign_in_page
from tests.factories import CategoryFactory, CountryFactory, TopicFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The first suggestions for a set of names build the segmentation dictionary with those names
# (62,000 words): a few seconds, many more on a machine shared by parallel test runs.
FIRST_SUGGESTIONS_MS = 90_000


def open_new_release(page, live_server):
    sign_in_page(page, live_server, make_user("editor", role="Editor"))
    page.goto(live_server.url + reverse("admin:releases_release_add"))
    page.locator("#id_category").select_option(label="แถลงข่าว")
    page.locator("#id_release_date").fill("21/07/2565")


def save(page):
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/releases/release/$"))


def test_editor_types_a_country_clicks_its_suggestion_and_saves_it(live_server, new_page):
    CategoryFactory(slug="briefing", name_th="แถลงข่าว")
    myanmar = CountryFactory(code="MM", name_th="เมียนมา", name_en="Myanmar")
    CountryFactory(code="LA", name_th="ลาว", name_en="Laos")
    page = new_page()
    open_new_release(page, live_server)
    page.locator("#id_title").fill("ไทยหารือกับเพื่อนบ้าน")
    page.locator("#id_body").fill("รัฐมนตรีพบเอกอัครราชทูตเมียนมา ณ กรุงเทพฯ\n\nภูเขาไฟลาวา")
    suggestion = page.locator(".taxonomy-suggestions .taxonomy-suggestion")
    suggestion.filter(has_text="เมียนมา").wait_for(timeout=FIRST_SUGGESTIONS_MS)
    assert suggestion.count() == 1  # ลาว inside ลาวา is not a suggestion
    suggestion.click()
    # Added to the autocomplete field (select2 shows it as a chosen item), and no longer offered.
    page.locator(".field-countries .select2-selection__choice", has_text="เมียนมา").wait_for()
    assert suggestion.count() == 0
    save(page)
    assert list(Release.objects.get(title="ไทยหารือกับเพื่อนบ้าน").countries.all()) == [myanmar]
    assert page.csp_errors == []


def test_accept_all_adds_every_country_and_topic_the_text_names(live_server, new_page):
    CategoryFactory(slug="briefing", name_th="แถลงข่าว")
    CountryFactory(code="MM", name_th="เมียนมา", name_en="Myanmar")
    CountryFactory(code="KH", name_th="กัมพูชา", name_en="Cambodia")
    TopicFactory(name_th="การค้า", name_en="Trade", slug="trade")
    page = new_page()
    open_new_release(page, live_server)
    page.locator("#id_title").fill("การค้าชายแดน")
    page.locator("#id_body").fill("ไทย เมียนมา และกัมพูชา หารือเรื่องการค้าชายแดน")
    page.locator(".taxonomy-accept-all").click(timeout=FIRST_SUGGESTIONS_MS)
    page.locator(".taxonomy-suggestions", has_text="ไม่มีเพิ่มเติม").wait_for()
    save(page)
    release = Release.objects.get(title="การค้าชายแดน")
    assert sorted(release.countries.values_list("code", flat=True)) == ["KH", "MM"]
    assert list(release.topics.values_list("slug", flat=True)) == ["trade"]
    assert release.history.count() == 1 and release.history.get().countries.count() == 2
