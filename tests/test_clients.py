"""The client's address behind the trusted proxies."""

import pytest

from releases.clients import client_address


@pytest.mark.parametrize(("proxies", "expected"), [(0, "10.0.0.5"), (1, "203.0.113.9"), (2, "1.2.3.4")])
def test_proxy_count_picks_the_address_the_outermost_trusted_proxy_saw(rf, settings, proxies, expected):
    """Behind one trusted proxy, the last X-Forwarded-For entry is the client; the rest may be forged."""
    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(request) == expected


def test_without_a_forwarded_header_the_connection_is_the_client(rf, settings):
    settings.PROXY_COUNT = 1
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.5")) == "10.0.0.5"
