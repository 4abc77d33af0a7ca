"""What a request's headers say about who sent it: a bot (not a reader) or, for a reader, the channel they arrived by."""

import re
from urllib.parse import urlsplit

# User-Agent fragments of crawlers, link-preview fetchers, monitors and scripts, matched
# case-insensitively anywhere in the header. The one list of "not a reader" agents.
# Not here on purpose: LINE's in-app browser ("... Safari Line/14.2.0"), Facebook's and
# Instagram's in-app browsers (FBAN/FB_IAB, "Instagram 300.0"): those are people reading.
BOT_USER_AGENT_PATTERNS = (
    # Any "...bot" token: Googlebot, bingbot, Twitterbot, Slackbot(-LinkExpanding),
    # Discordbot, TelegramBot, LinkedInBot, Applebot, DuckDuckBot, YandexBot, GPTBot,
    # Amazonbot, PetalBot, Pinterestbot, redditbot, AhrefsBot, UptimeRobot... but not
    # the Cubot phone brand ("Android 10; CUBOT X30").
    r"(?<!cu)bot\b",
    r"crawl",  # Line-Crawler, crawler4j, ...
    r"spider",  # Linespider (LINE's search), Baiduspider, Bytespider, ...
    r"slurp",  # Yahoo
    # Link previews. LINE fetches as "facebookexternalhit/1.1;line-poker/1.0"; iMessage as
    # "facebookexternalhit/1.1 Facebot Twitterbot/1.0"; WhatsApp as "WhatsApp/2.23.20 A".
    r"facebookexternalhit",
    r"facebookcatalog",
    r"meta-external",  # meta-externalagent, meta-externalfetcher
    r"line-poker",
    r"whatsapp",
    r"preview",  # BingPreview, SkypeUriPreview (Teams, Skype), Quora Link Preview
    r"kakaotalk-scrap",
    r"\byeti\b",  # Naver
    r"embedly",
    r"iframely",
    r"vkshare",
    r"cardyb",  # Bluesky
    r"mastodon/",  # Mastodon servers fetching link cards ("http.rb/5 (Mastodon/4.2; ...)")
    # Google-InspectionTool, Google-Read-Aloud, GoogleOther, Mediapartners-Google,
    # AdsBot-Google, FeedFetcher-Google, APIs-Google.
    r"\bgoogle-|googleother|-google\b",
    r"ia_archiver",
    # Headless browsers, audits and monitors.
    r"headlesschrome",
    r"phantomjs",
    r"lighthouse",
    r"pagespeed",
    r"\bptst\b",  # WebPageTest
    r"pingdom",
    r"statuscake",
    r"validator",
    # Scripts and HTTP libraries.
    r"^curl/",
    r"\bwget",
    r"python-",  # python-requests, python-urllib, python-httpx
    r"\baiohttp",
    r"\bhttpx",
    r"go-http-client",
    r"okhttp",
    r"^java/",
    r"libwww-perl",
    r"apache-httpclient",
    r"node-fetch",
    r"\baxios/",
    r"\bscrapy",
    r"httpie",
)
_BOT_USER_AGENT = re.compile("|".join(BOT_USER_AGENT_PATTERNS), re.IGNORECASE)


def is_bot(user_agent):
    """True for an empty User-Agent or one that names a crawler, previewer or script."""
    user_agent = (user_agent or "").strip()
    return not user_agent or _BOT_USER_AGENT.search(user_agent) is not None


# --- arrival channels ---------------------------------------------------------------------
# A reader's channel, from the request alone (nothing stored but a count per release, day and
# channel). In-app browsers often send no Referer, so the User-Agent is asked first.
# Channel values are readership.models.Channel's.

# In-app browsers: LINE's ("... Safari Line/14.9.0", "Line/13.21.1/IAB"; its link preview
# "line-poker" is a bot above), Facebook's and Messenger's (FBAN/FBAV/FB_IAB/FBIOS).
CHANNEL_USER_AGENT_PATTERNS = (
    ("line", r"\bline/\d"),
    ("facebook", r"\bFBAN/|\bFBAV/|\bFB_IAB/|\bFBIOS\b|\bFB4A\b"),
)

# Referer hosts, matched on the host's end ("m.facebook.com" ends with "facebook.com").
# "google." etc. match any country domain (google.co.th, yahoo.co.jp) by a label.
CHANNEL_REFERRER_HOSTS = (
    ("line", ("line.me", "lin.ee", "line.naver.jp", "linevoom.line.me")),
    ("facebook", ("facebook.com", "fb.com", "fb.me", "messenger.com")),
    ("x", ("t.co", "twitter.com", "x.com")),
)
# Search engines by a label of the host, and Android apps that pass "android-app://<package>/".
CHANNEL_SEARCH_HOST = re.compile(
    r"(^|\.)(google|bing|duckduckgo|yahoo|yandex|baidu|naver|ecosia|qwant|startpage|seznam|sogou|coccoc)\."
    r"|(^|\.)search\.brave\.com$|^com\.google\.android\.googlequicksearchbox$"
)
_CHANNEL_USER_AGENT = [(channel, re.compile(pattern, re.IGNORECASE)) for channel, pattern in CHANNEL_USER_AGENT_PATTERNS]


def _referrer_host(referrer):
    try:
        return (urlsplit(referrer.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def arrival_channel(user_agent, referrer, own_host=""):
    """"line", "facebook", "x", "search", "other" or "direct" for a reader's request.

    A link inside the site (Referer on `own_host`) or no Referer at all is "direct": the
    reader's first arrival is what the channel is about, and it is not known here.
    """
    for channel, pattern in _CHANNEL_USER_AGENT:
        if pattern.search(user_agent or ""):
            return channel
    host = _referrer_host(referrer or "")
    if not host or host == (own_host or "").lower().split(":")[0]:
        return "direct"
    for channel, hosts in CHANNEL_REFERRER_HOSTS:
        if any(host == suffix or host.endswith("." + suffix) for suffix in hosts):
            return channel
    if CHANNEL_SEARCH_HOST.search(host):
        return "search"
    return "other"
