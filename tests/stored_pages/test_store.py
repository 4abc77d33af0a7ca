"""What outdates a stored page by itself: a deployment, a scheduled release falling due (releases/stored_pages/store.py)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from releases import stored_pages
from releases.models import Release
from releases.stored_pages import store
from releases.stored_pages.models import StoredPage

from ..factories import ReleaseFactory, committed

pytestmark = pytest.mark.django_db
READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64)"}


@pytest.fixture(autouse=True)
def _stored_pages_on(settings):
    settings.NEWSROOM_STORED_PAGES = True


def read(client, release):
    return client.get(release.get_absolute_url(), **READER)


def valid_until(release):
    return StoredPage.objects.get(release=release).valid_until


def test_a_page_of_another_deployment_is_rendered_again(client):
    release = ReleaseFactory()
    committed()
    read(client, release)
    StoredPage.objects.update(version="an-older-deployment")
    assert read(client, release)[stored_pages.HEADER] == "stored"
    assert StoredPage.objects.get().version == store.render_version()


def test_the_version_follows_the_templates(settings, tmp_path):
    before = store.render_version()
    store.render_version.cache_clear()
    settings.SITE_NAME = "กระทรวงอื่น"
    try:
        assert store.render_version() != before
    finally:
        store.render_version.cache_clear()


def test_the_version_is_the_same_whichever_language_a_worker_first_serves():
    versions = set()
    for language in ("th", "en"):
        store.render_version.cache_clear()
        with translation.override(language):
            versions.add(store.render_version())
    store.render_version.cache_clear()
    assert len(versions) == 1


def test_a_scheduled_release_near_it_bounds_the_page_and_one_far_away_does_not(client):
    day = datetime.date(2026, 3, 1)
    release = ReleaseFactory(release_date=day)
    ReleaseFactory(release_date=day + datetime.timedelta(days=300))  # its newer neighbour, public
    due = timezone.now() + datetime.timedelta(hours=5)
    ReleaseFactory(release_date=day + datetime.timedelta(days=400), status=Release.Status.PUBLISHED, publish_at=due - datetime.timedelta(hours=1))
    committed()
    StoredPage.objects.all().delete()
    read(client, release)
    assert valid_until(release) is None  # beyond its newer neighbour and its related releases' window
    ReleaseFactory(release_date=day + datetime.timedelta(days=100), status=Release.Status.PUBLISHED, publish_at=due)
    committed()
    read(client, release)
    assert valid_until(release) == due


def test_a_page_is_rendered_again_when_a_release_it_may_show_falls_due(client):
    day = datetime.date(2026, 3, 1)
    release = ReleaseFactory(release_date=day)
    soon = ReleaseFactory(release_date=day + datetime.timedelta(days=1), status=Release.Status.PUBLISHED,
                          publish_at=timezone.now() + datetime.timedelta(seconds=1))
    committed()
    read(client, release)
    assert read(client, release)[stored_pages.HEADER] == "hit"
    StoredPage.objects.update(valid_until=timezone.now() - datetime.timedelta(seconds=1))  # the moment has passed
    Release.objects.filter(pk=soon.pk).update(publish_at=timezone.now() - datetime.timedelta(seconds=1))
    response = read(client, release)
    assert response[stored_pages.HEADER] == "stored" and soon.get_absolute_url() in response.content.decode()


def test_a_scheduled_translation_bounds_its_counterparts_page(client):
    english = ReleaseFactory(language="en", release_date=datetime.date(2020, 1, 1), status=Release.Status.PUBLISHED,
                             publish_at=timezone.now() + datetime.timedelta(days=2))
    thai = ReleaseFactory(translation=english)
    committed()
    read(client, thai)
    assert valid_until(thai) == english.publish_at


def test_the_command_stores_every_public_page_ahead_of_readers(client):
    public = [ReleaseFactory(), ReleaseFactory(language="en")]
    ReleaseFactory(status=Release.Status.DRAFT, publish_at=None)
    out = io.StringIO()
    call_command("store_release_pages", "--site-url", "http://testserver", stdout=out, stderr=io.StringIO())
    assert "2 ready, 0 not stored" in out.getvalue()
    assert set(StoredPage.objects.values_list("release_id", "language")) == {(public[0].pk, "th"), (public[1].pk, "en")}
    assert Release.objects.filter(view_count__gt=0).count() == 0  # storing is nobody's view
    committed()
    assert read(client, public[0])[stored_pages.HEADER] == "hit"
    call_command("store_release_pages", "--site-url", "http://testserver", "--all-interfaces", stdout=out, stderr=io.StringIO())
    assert StoredPage.objects.count() == 4


def test_the_command_stores_pages_for_an_address_with_a_port(client):
    release = ReleaseFactory()
    call_command("store_release_pages", "--site-url", "http://testserver:8123", stdout=io.StringIO(), stderr=io.StringIO())
    assert StoredPage.objects.get().address.startswith("http://testserver:8123/releases/")
    committed()
    response = client.get(release.get_absolute_url(), HTTP_HOST="testserver:8123", SERVER_PORT="8123", **READER)
    assert response[stored_pages.HEADER] == "hit"


def test_the_command_refuses_a_bad_address(settings):
    with pytest.raises(CommandError, match="http or https"):
        call_command("store_release_pages", "--site-url", "ftp://x", stdout=io.StringIO(), stderr=io.StringIO())
    settings.NEWSROOM_STORED_PAGES = False
    with pytest.raises(CommandError, match="off"):
        call_command("store_release_pages", stdout=io.StringIO(), stderr=io.StringIO())
