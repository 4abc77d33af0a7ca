"""Fetching from a video provider on save: https only, named hosts only (redirects too), public addresses only, size and time limits."""

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

USER_AGENT = "Newsroom thumbnail fetcher (+https://www.mfa.go.th/)"
MAX_REDIRECTS = 3


class FetchRefused(OSError):
    """An address, a redirect, a peer or a response the fetcher will not use."""


def host_allowed(host, hosts):
    """`host` is one of `hosts`; an entry starting with a dot allows that domain's subdomains."""
    host = (host or "").lower().rstrip(".")
    return any(host == entry or (entry.startswith(".") and host.endswith(entry)) for entry in hosts)


def check_url(url, hosts):
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme != "https" or parts.username or parts.password or port not in (None, 443) or not host_allowed(parts.hostname, hosts):
        raise FetchRefused(f"not an address the fetcher may ask: {url[:200]}")


def public_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, *args, **kwargs):
    """socket.create_connection to a public address only: a name an attacker points at 127.0.0.1
    or the cloud's metadata address is refused, and the address checked is the one connected to."""
    host, port = address[:2]
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not infos or not all(ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos):
        raise FetchRefused(f"{host} is not a public address")
    family, kind, proto, _name, sockaddr = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(timeout)
        if source_address:
            sock.bind(source_address)
        sock.connect(sockaddr)
    except OSError:
        sock.close()
        raise
    return sock


class PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = public_connection


class PublicHTTPSHandler(urllib.request.HTTPSHandler):
    """The transport: real HTTPS to public addresses (tests put a local fake in its place)."""

    def https_open(self, req):
        return self.do_open(PublicHTTPSConnection, req, context=self._context)


class CheckedRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an address the first request could have asked for itself."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 1  # an address seen twice is a loop

    def __init__(self, hosts):
        self.hosts = hosts

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl, self.hosts)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# Replaced in tests by a fake transport; never by anything in production.
TRANSPORT = PublicHTTPSHandler


def fetch(url, hosts, max_bytes, accept="*/*", truncate=False):
    """The body at `url` (https, on `hosts`), at most `max_bytes` (cut there if `truncate`, else refused)."""
    check_url(url, hosts)
    timeout = settings.NEWSROOM_VIDEO_THUMBNAIL_TIMEOUT
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), CheckedRedirectHandler(hosts), TRANSPORT())
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    # The socket's time-out bounds each read; the deadline bounds a server that drips bytes.
    deadline = time.monotonic() + 2 * timeout
    chunks, size = [], 0
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.URLError as error:
        if isinstance(error.reason, FetchRefused):  # refused at the connection, wrapped by urllib
            raise error.reason from None
        raise
    with response:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes and not truncate:
            raise FetchRefused(f"{declared} bytes is too large")
        while size <= max_bytes:
            if time.monotonic() > deadline:
                raise FetchRefused("too slow")
            chunk = response.read(min(65536, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        if not truncate:
            raise FetchRefused("too large")
        data = data[:max_bytes]
    return data
