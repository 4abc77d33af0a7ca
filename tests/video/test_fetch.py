"""releases/video/fetch.py: https only, named hosts only (redirects too), public addresses only, size limits."""

import pytest

from releases.video import fetch as fetcher
from releases.video.fetch import FetchRefused, fetch, host_allowed, public_connection

HOSTS = ("www.facebook.com", ".fbcdn.net")


@pytest.mark.parametrize(
    "host, allowed",
    [("www.facebook.com", True), ("WWW.FACEBOOK.COM.", True), ("scontent.xx.fbcdn.net", True), ("fbcdn.net.evil.example", False),
     ("evilfbcdn.net", False), ("facebook.com", False), ("", False)],
)
def test_host_allowed(host, allowed):
    assert host_allowed(host, HOSTS) is allowed


@pytest.mark.parametrize(
    "url",
    ["http://www.facebook.com/x", "https://evil.example/x", "https://www.facebook.com:8103/x", "https://user:pw@www.facebook.com/x",
     "file:///etc/passwd", "https://127.0.0.1/x", "https://www.facebook.com:bad/x"],
)
def test_other_addresses_are_refused_before_any_request(url, video_provider):
    with pytest.raises(FetchRefused):
        fetch(url, HOSTS, 1000)
    assert video_provider.asked == []


def test_a_redirect_is_followed_only_to_an_allowed_address(video_provider):
    video_provider.redirect("https://www.facebook.com/a", "https://scontent.xx.fbcdn.net/b")
    video_provider.serve("https://scontent.xx.fbcdn.net/b", b"picture")
    assert fetch("https://www.facebook.com/a", HOSTS, 1000) == b"picture"


@pytest.mark.parametrize("location", ["http://127.0.0.1:8103/", "https://169.254.169.254/latest/meta-data/", "https://evil.example/", "http://www.facebook.com/b"])
def test_a_redirect_elsewhere_is_refused(video_provider, location):
    video_provider.redirect("https://www.facebook.com/a", location)
    with pytest.raises(FetchRefused):
        fetch("https://www.facebook.com/a", HOSTS, 1000)
    assert video_provider.asked == ["https://www.facebook.com/a"]


@pytest.mark.parametrize("loop", [False, True])
def test_endless_redirects_stop(video_provider, loop):
    for step in range(10):
        video_provider.redirect(f"https://www.facebook.com/{step}", f"https://www.facebook.com/{0 if loop else step + 1}")
    with pytest.raises(OSError):
        fetch("https://www.facebook.com/0", HOSTS, 1000)
    assert len(video_provider.asked) <= fetcher.MAX_REDIRECTS + 1


def test_too_large_is_refused_or_cut(video_provider):
    video_provider.serve("https://www.facebook.com/a", b"x" * 2000)
    with pytest.raises(FetchRefused):
        fetch("https://www.facebook.com/a", HOSTS, 1000)
    assert fetch("https://www.facebook.com/a", HOSTS, 1000, truncate=True) == b"x" * 1000


def test_a_lying_length_is_still_cut(video_provider):
    video_provider.serve("https://www.facebook.com/a", b"x" * 2000, headers={"Content-Length": "10"})
    with pytest.raises(FetchRefused):
        fetch("https://www.facebook.com/a", HOSTS, 1000)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.8", "169.254.169.254", "::1"])
def test_the_real_transport_connects_to_public_addresses_only(host):
    with pytest.raises(FetchRefused):
        public_connection((host, 8103), timeout=1)


def test_the_real_transport_refuses_a_name_that_resolves_locally(monkeypatch):
    # What an attacker's DNS could do to an allowed name: the connection is refused, not made.
    monkeypatch.setattr(fetcher, "TRANSPORT", fetcher.PublicHTTPSHandler)
    with pytest.raises(FetchRefused):
        fetch("https://localhost:443/x", ("localhost",), 1000)
