"""Arrival channels from real User-Agent and Referer strings (the bot list's own table is in test_counters.py)."""

import pytest
from django.test import RequestFactory

from releases.agents import arrival_channel, is_bot
from releases.readership.models import Channel
from releases.readership.recording import channel_of

CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
OWN_HOST = "news.example.go.th"

# (User-Agent, Referer, channel): strings as browsers and apps send them.
CASES = [
    # LINE's in-app browser, iOS and Android, with and without a Referer.
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0", "", "line"),
    ("Mozilla/5.0 (Linux; Android 13; SM-A536E Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Line/13.21.1/IAB", "", "line"),
    ("Mozilla/5.0 (Linux; Android 12; CPH2211) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0 Mobile Safari/537.36 Line/13.20.0", "https://www.facebook.com/", "line"),
    # A LINE OpenChat / LINE VOOM / official-account link opened in another browser.
    (CHROME_ANDROID, "https://line.me/R/ti/p/@prdthailand", "line"),
    (SAFARI_IPHONE, "https://linevoom.line.me/post/1169875453421056", "line"),
    (CHROME_ANDROID, "https://lin.ee/abcDEF1", "line"),
    # Facebook's and Messenger's in-app browsers, and facebook.com's link shim.
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/458.0.0.36.108;FBBV/571111111;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.4.1;FBSS/3;FBID/phone;FBLC/th_TH;FBOP/5]", "", "facebook"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/454.0.0.44.108;]", "https://m.facebook.com/", "facebook"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/440.0.0.40.107;FBBV/527345465;FBDV/iPhone12,1;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/2;FBCR/;FBID/phone;FBLC/th_TH;FBOP/0]", "", "facebook"),
    (CHROME_ANDROID, "https://l.facebook.com/", "facebook"),
    (SAFARI_IPHONE, "https://lm.facebook.com/", "facebook"),
    # X: t.co wraps every link; the site itself when it passes the Referer.
    (CHROME_ANDROID, "https://t.co/Xyz12AbCd", "x"),
    (SAFARI_IPHONE, "https://x.com/", "x"),
    (SAFARI_IPHONE, "https://twitter.com/", "x"),
    # Search engines (origin-only Referers, country domains, the Google app on Android).
    (CHROME_ANDROID, "https://www.google.co.th/", "search"),
    (SAFARI_IPHONE, "https://www.google.com/", "search"),
    (CHROME_ANDROID, "android-app://com.google.android.googlequicksearchbox/", "search"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "https://www.bing.com/", "search"),
    (SAFARI_IPHONE, "https://duckduckgo.com/", "search"),
    (CHROME_ANDROID, "https://search.yahoo.com/", "search"),
    (CHROME_ANDROID, "https://search.brave.com/", "search"),
    # Other sites: news portals, another ministry, Instagram, a blog that mentions "google".
    (CHROME_ANDROID, "https://www.thairath.co.th/news/politic/2812345", "other"),
    (SAFARI_IPHONE, "https://www.mfa.go.th/th/content/press-release", "other"),
    (CHROME_ANDROID, "https://l.instagram.com/", "other"),
    (CHROME_ANDROID, "https://notgoogle.example.com/page", "other"),
    (CHROME_ANDROID, "https://mediatco.com/", "other"),
    # Direct or unknown: no Referer, a link inside the site, a Referer that is not a URL.
    (SAFARI_IPHONE, "", "direct"),
    (CHROME_ANDROID, f"https://{OWN_HOST}/th/releases/", "direct"),
    (CHROME_ANDROID, "not a url", "direct"),
    (CHROME_ANDROID, "https://[::1/", "direct"),
]


@pytest.mark.parametrize("user_agent, referrer, channel", CASES)
def test_arrival_channel(user_agent, referrer, channel):
    assert arrival_channel(user_agent, referrer, OWN_HOST) == channel
    assert not is_bot(user_agent), "a channel is only asked of readers"


def test_every_channel_has_a_case():
    assert {case[2] for case in CASES} == set(Channel.values)


def test_link_previews_of_the_same_apps_are_bots_not_channels():
    assert is_bot("facebookexternalhit/1.1;line-poker/1.0")
    assert is_bot("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")
    assert is_bot("Twitterbot/1.0")


def test_channel_of_a_request_compares_with_its_own_host(settings):
    settings.ALLOWED_HOSTS = [OWN_HOST]
    rf = RequestFactory()
    inside = rf.get("/", HTTP_HOST=OWN_HOST, headers={"User-Agent": CHROME_ANDROID, "Referer": f"https://{OWN_HOST}/en/"})
    assert channel_of(inside) == "direct"
    outside = rf.get("/", HTTP_HOST=OWN_HOST, headers={"User-Agent": CHROME_ANDROID, "Referer": "https://t.co/a"})
    assert channel_of(outside) == "x"
    bad_host = rf.get("/", HTTP_HOST="evil.example", headers={"User-Agent": CHROME_ANDROID, "Referer": "https://evil.example/"})
    assert channel_of(bad_host) == "other"
