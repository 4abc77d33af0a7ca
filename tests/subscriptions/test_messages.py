"""The e-mails as a mail client sees them: UTF-8 MIME with Thai, both parts, absolute links, unsubscribe headers."""

import datetime

import pytest
from django.utils import timezone

from releases.subscriptions import links, messages, sending
from releases.subscriptions.outbox import announce_due
from tests.factories import ReleaseFactory, ReleaseImageFactory, SubscriberFactory
from tests.subscriptions.conftest import text_and_html

pytestmark = pytest.mark.django_db


def sent_release(smtp, language="th"):
    subscriber = SubscriberFactory(language=language)
    release = ReleaseFactory(
        title="นายกรัฐมนตรีพบเอกอัครราชทูต", summary="สรุปข่าวภาษาไทย", release_date=datetime.date(2021, 9, 29),
        publish_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    ReleaseImageFactory(release=release, alt_text="ภาพการพบปะ")
    announce_due()
    assert sending.deliver(subscriber.deliveries.get().pk) == "sent"
    [message] = smtp.to(subscriber.email)
    return subscriber, release, message


def test_release_message_is_utf8_mime_with_thai_in_both_parts(smtp):
    subscriber, release, message = sent_release(smtp)
    # Django 5.2 folds a long encoded subject before its first word; clients drop that space.
    assert message["Subject"].strip() == release.title
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    for part in (message.get_body(("plain",)), message.get_body(("html",))):
        assert part.get_content_charset() == "utf-8"
    text, html = text_and_html(message)
    for body in (text, html):
        assert release.title in body and "สรุปข่าวภาษาไทย" in body
        assert "29 กันยายน 2564" in body  # Buddhist era
        assert "https://news.example.go.th" + release.get_absolute_url() in body
    assert '<html lang="th">' in html and "อ่านข่าว" in html and "ยกเลิกการรับข่าว" in text
    assert 'src="https://news.example.go.th/media/' in html and 'alt="ภาพการพบปะ"' in html


def test_english_subscriber_gets_english_words_and_dates(smtp):
    _subscriber, release, message = sent_release(smtp, language="en")
    text, html = text_and_html(message)
    assert "29 September 2021" in text and "Read the release" in html and "Unsubscribe" in html
    # The release's page in the English interface.
    assert f"https://news.example.go.th/en{release.get_absolute_url()}" in text


def test_every_message_has_one_click_unsubscribe_headers(smtp):
    subscriber, _release, message = sent_release(smtp)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = [part.strip(" <>") for part in message["List-Unsubscribe"].split(",")]
    assert https == links.unsubscribe_url(subscriber) and https.startswith("https://news.example.go.th/subscribe/unsubscribe/")
    assert mailto.startswith("mailto:")
    text, html = text_and_html(message)
    assert links.manage_url(subscriber) in text and links.unsubscribe_url(subscriber) in html


def test_confirmation_message_carries_the_link(smtp, settings):
    messages.confirmation_message("new@example.org", "TOKEN", "th").send()
    [message] = smtp.to("new@example.org")
    text, _html = text_and_html(message)
    assert links.confirm_url("TOKEN") in text
    assert "List-Unsubscribe" not in message  # nobody subscribed yet
