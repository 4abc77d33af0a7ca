"""Subscribe, confirm, manage, unsubscribe: double opt-in, expiry, no enumeration, rate limits, CSRF, no page cache."""

import time

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse

from releases.models import Subscriber
from releases.subscriptions import links
from tests.factories import CategoryFactory, SubscriberFactory
from tests.subscriptions.conftest import text_and_html

pytestmark = pytest.mark.django_db
SUBSCRIBE = "/subscribe/"


def form(email="new@example.org", **extra):
    return {"email": email, "lists": ["all:"], "frequency": "immediate", "consent": "on", **extra}


def confirm_link(smtp, email="new@example.org"):
    text, _html = text_and_html(smtp.to(email)[-1])
    url = next(word for word in text.split() if "/subscribe/confirm/" in word)
    return url.removeprefix(settings.NEWSROOM_SITE_URL)


def test_form_is_thai_first_and_english_on_request(client, django_assert_max_num_queries):
    CategoryFactory(slug="statements", name_th="แถลงการณ์", name_en="Statements")
    with django_assert_max_num_queries(4):
        response = client.get(SUBSCRIBE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "แถลงการณ์" in page and 'value="category:statements"' in page and "csrfmiddlewaretoken" in page
    assert "07:00" in page  # when the digest comes
    page = client.get(f"/en{SUBSCRIBE}").content.decode()
    assert "Statements" in page and "E-mail alerts" in page


def test_subscribe_sends_a_confirmation_and_stores_nothing(client, smtp):
    response = client.post(SUBSCRIBE, form(email="New@Example.org"))
    assert response.status_code == 302 and response["Location"] == reverse("subscriptions:sent")
    assert confirm_link(smtp).startswith("/subscribe/confirm/")
    assert not Subscriber.objects.exists()


def test_the_answer_does_not_tell_whether_an_address_is_subscribed(client, smtp):
    known = SubscriberFactory(email="known@example.org", lists=[("language", "en")])
    for address in ("known@example.org", "unknown@example.org"):
        response = client.post(SUBSCRIBE, form(email=address))
        assert (response.status_code, response["Location"]) == (302, reverse("subscriptions:sent"))
        assert len(smtp.to(address)) == 1
    assert known.lists() == [("language", "en")]  # nothing changes until the owner confirms


@pytest.mark.parametrize("change", [{"email": "not-an-address"}, {"consent": ""}, {"lists": ["category:nope"]}, {"lists": []}])
def test_bad_input_is_a_form_error(client, smtp, change):
    response = client.post(SUBSCRIBE, form(**change))
    assert response.status_code == 200 and response.context["form"].errors
    assert smtp.messages == []


def test_the_form_needs_its_csrf_token(smtp):
    response = Client(enforce_csrf_checks=True).post(SUBSCRIBE, form())
    assert response.status_code == 403 and smtp.messages == []


def test_rate_limit_per_address(client, smtp, settings):
    settings.NEWSROOM_SUBSCRIBE_LIMIT_PER_ADDRESS = 2
    statuses = [client.post(SUBSCRIBE, form(), REMOTE_ADDR=f"198.51.100.{i}").status_code for i in range(3)]
    assert statuses == [302, 302, 429] and len(smtp.messages) == 2


def test_rate_limit_per_client(client, smtp, settings):
    settings.NEWSROOM_SUBSCRIBE_LIMIT_PER_CLIENT = 2
    statuses = [client.post(SUBSCRIBE, form(email=f"a{i}@example.org")).status_code for i in range(3)]
    assert statuses == [302, 302, 429] and len(smtp.messages) == 2


def test_confirming_records_the_subscription_and_the_consent(client, smtp):
    CategoryFactory(slug="statements")
    client.post(SUBSCRIBE, form(lists=["category:statements", "language:en"], frequency="daily"))
    link = confirm_link(smtp)
    assert client.get(link).status_code == 200 and not Subscriber.objects.exists()  # a mail scanner's GET
    response = client.post(link)
    subscriber = Subscriber.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("subscriptions:manage", args=[links.manage_token(subscriber)])
    assert subscriber.email == "new@example.org" and subscriber.frequency == "daily" and subscriber.language == "th"
    assert subscriber.lists() == [("category", "statements"), ("language", "en")]
    assert "ยินยอม" in subscriber.consent_text and subscriber.consent_at is not None


def test_confirming_again_adds_lists_to_the_known_address(client, smtp):
    known = SubscriberFactory(email="new@example.org", lists=[("language", "en")])
    client.post(SUBSCRIBE, form())
    client.post(confirm_link(smtp))
    assert known.lists() == [("all", ""), ("language", "en")]


def test_confirmation_link_expires(client, smtp, monkeypatch, settings):
    client.post(SUBSCRIBE, form())
    link = confirm_link(smtp)
    later = time.time() + settings.NEWSROOM_CONFIRM_HOURS * 3600 + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(link).status_code == 400
    assert client.post(link).status_code == 400 and not Subscriber.objects.exists()


def test_forged_confirmation_is_refused(client):
    forged = signing.dumps({"e": "victim@example.org", "l": [["all", ""]], "f": "immediate", "lang": "th", "c": "x"}, salt="other")
    assert client.post(reverse("subscriptions:confirm", args=[forged])).status_code == 400
    assert not Subscriber.objects.exists()


def test_manage_page_changes_lists_and_frequency(client, django_assert_max_num_queries):
    subscriber = SubscriberFactory()
    url = reverse("subscriptions:manage", args=[links.manage_token(subscriber)])
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200 and subscriber.email in response.content.decode()
    response = client.post(url, {"lists": ["language:en"], "frequency": "daily"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.lists() == [("language", "en")] and subscriber.frequency == "daily"


def test_manage_and_unsubscribe_need_a_signed_link(client):
    subscriber = SubscriberFactory()
    for name in ("manage", "unsubscribe"):
        assert client.get(reverse(f"subscriptions:{name}", args=[subscriber.token])).status_code == 404
        assert client.get(reverse(f"subscriptions:{name}", args=[subscriber.token + ":forged"])).status_code == 404


def test_one_click_unsubscribe_is_a_post_without_csrf_token(django_assert_max_num_queries):
    subscriber = SubscriberFactory()
    url = reverse("subscriptions:unsubscribe", args=[links.manage_token(subscriber)])
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 200 and Subscriber.objects.exists()  # GET only asks
    with django_assert_max_num_queries(8):
        assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscriber.objects.exists()
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200  # again: still done


def test_subscription_pages_are_never_page_cached(client, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    for _ in range(2):
        response = client.get(SUBSCRIBE)
        assert "X-Page-Cache" not in response and "no-cache" in response["Cache-Control"]
    assert client.get("/").get("X-Page-Cache") == "miss"
    assert client.get("/").get("X-Page-Cache") == "hit"  # the footer's link does not stop the list's cache
