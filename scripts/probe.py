"""The outside probe: start the site like production (gunicorn, DEBUG off, SQLite, sample data) and attack it.

Sends a fixed corpus of hostile requests — path traversal, NUL bytes, huge integers, invalid
percent-escapes, hostile query values, oversized headers, query strings and cookies — to every
public URL and to the admin, anonymously, with a password-only session and with a fully signed-in
(two-step) superuser. Fails on any 5xx answer, any traceback in a response or in the server's
log, or when it runs longer than the time limit. Run by .ci/run; see docs/security.md.

    .venv/bin/python scripts/probe.py [--limit-seconds 90] [--verbose]
"""

import argparse
import concurrent.futures
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "probe-" + secrets.token_urlsafe(12)

# Values that have broken Django sites: traversal, NUL, numbers past 64 bits, bad escapes, injections.
HOSTILE_VALUES = [
    "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%00", "a%00b", "99999999999999999999999999999",
    "-1", "1e308", "0x10", "%", "%zz", "%e0%b8", "%c0%af", "%ff%fe", "' OR '1'='1' --", '"; DROP TABLE x;--',
    "<script>alert(1)</script>", "{{7*7}}", "%0d%0aSet-Cookie:x=1", "๒๕๖๔", "🙂" * 50, "[]", "a" * 3000,
]
HOSTILE_PATH_SUFFIXES = ["%00", "..%2f..%2fetc%2fpasswd", "../../../etc/passwd", "%zz", "%ff/", "99999999999999999999999/"]
# The parameters the site reads (public filters and paging, the admin's list, search and autocomplete).
PARAMS = [
    "q", "category", "official", "language", "year", "month", "date_from", "date_to", "page", "p", "o", "e",
    "status__exact", "term", "app_label", "model_name", "field_name", "next", "_changelist_filters",
]
LIST_PAGES = ("/", "/admin/releases/release/")
TRACEBACK = re.compile(rb"Traceback \(most recent call last\)|Internal Server Error|Server Error \(500\)")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SETUP = """
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
call_command("load_samples", verbosity=0)
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from releases.models import Official, Release
User = get_user_model()
root = User.objects.create_superuser("probe-root", password="{password}")
device = TOTPDevice.objects.create(user=root, name="probe", confirmed=True)
editor = User.objects.create_user("probe-editor", password="{password}", is_staff=True)
editor.groups.add(Group.objects.get(name="Editor"))
release = Release.objects.published().first()
official = Official.objects.first()
print(device.key, release.pk, release.slug, official.slug, official.pk)
"""


class Site:
    """The server under test, spoken to over raw sockets so that malformed requests reach it unaltered."""

    def __init__(self, port):
        self.port = port

    def request(self, method, target, headers=(), cookies=None, body=b""):
        lines = [f"{method} ".encode() + (target if isinstance(target, bytes) else target.encode()) + b" HTTP/1.1",
                 f"Host: 127.0.0.1:{self.port}".encode(), b"Connection: close", b"User-Agent: newsroom-probe"]
        if cookies:
            lines.append(("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())).encode())
        if body:
            lines += [b"Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}".encode()]
        lines += [h if isinstance(h, bytes) else h.encode() for h in headers]
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        raw = b"".join(chunks)
        head, _, content = raw.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
        return status, head.decode("latin-1"), content

    def sign_in(self, username, totp_key=None):
        """The real two steps through the forms; returns the session's cookies."""
        status, head, content = self.request("GET", "/admin/login/")
        cookies = dict(re.findall(r"Set-Cookie: (csrftoken)=([^;]+)", head))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": "/admin/"}).encode()
        status, head, _ = self.request("POST", "/admin/login/", cookies=cookies, body=body, headers=[f"Referer: http://127.0.0.1:{self.port}/admin/login/"])
        assert status == 302, f"password step for {username} answered {status}"
        cookies.update(re.findall(r"Set-Cookie: (sessionid|csrftoken)=([^;]+)", head))
        if totp_key:
            from binascii import unhexlify

            from django_otp.oath import TOTP

            code = f"{TOTP(unhexlify(totp_key)).token():06d}"
            status, head, content = self.request("GET", "/two-factor/verify/", cookies=cookies)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
            body = urlencode({"csrfmiddlewaretoken": token, "otp_token": code, "next": "/admin/"}).encode()
            status, head, _ = self.request("POST", "/two-factor/verify/", cookies=cookies, body=body,
                                           headers=[f"Referer: http://127.0.0.1:{self.port}/two-factor/verify/"])
            assert status == 302, f"code step answered {status}"
            cookies.update(re.findall(r"Set-Cookie: (sessionid|csrftoken)=([^;]+)", head))
            assert self.request("GET", "/admin/", cookies=cookies)[0] == 200, "the verified session does not open the admin"
        return cookies


def corpus(bases):
    """(base, (method, target, extra headers, extra cookies)) for each hostile request, in a fixed order."""
    for base in bases:
        for request in hostile_requests(base):
            yield base, request


def hostile_requests(base):
    """The fixed corpus for one URL."""
    yield "GET", base, (), {}
    for suffix in HOSTILE_PATH_SUFFIXES:
        yield "GET", base + suffix, (), {}
    yield "GET", base.encode() + b"\x00", (), {}  # a raw NUL byte in the request line
    # Every parameter with its share of the values on the lists; a few on every other page.
    params = PARAMS if base in LIST_PAGES else ["q", "page"]
    per_param = 6 if base in LIST_PAGES else 4
    for i, param in enumerate(params):
        for j in range(per_param):
            value = HOSTILE_VALUES[(i * per_param + j) % len(HOSTILE_VALUES)]
            # Sent as typed: bad escapes stay bad; the rest is escaped like a browser would.
            encoded = value if "%" in value else quote(value, safe="")
            yield "GET", f"{base}?{param}={encoded}", (), {}
    yield "GET", base + "?" + "&".join(f"q{i}=x" for i in range(2000)), (), {}  # many parameters
    yield "GET", base + "?q=" + "a" * 100_000, (), {}  # oversized query string
    yield "GET", base, ["X-Big: " + "a" * 20_000], {}  # oversized header
    yield "GET", base, [f"X-H{i}: x" for i in range(200)], {}  # too many headers
    yield "GET", base, ["X-Forwarded-For: ' OR 1=1, 999.999.1.1, ::ffff:zz"], {}
    yield "GET", base, [], {"django_language": "../../etc", "sessionid": "%00" + "x" * 5000, "csrftoken": "%zz"}
    yield "POST", base, [], {}


def run(limit_seconds, verbose):
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="newsroom-probe-"))
    port = free_port()
    env = {
        **os.environ, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SESSION_COOKIE_SECURE": "0", "DJANGO_CSRF_COOKIE_SECURE": "0",
        "NEWSROOM_VAR_DIR": str(work), "DJANGO_MEDIA_ROOT": str(work / "media"), "NEWSROOM_PLAIN_STATIC": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "AXES_FAILURE_LIMIT": "1000000",
        "PYTHAINLP_READ_ONLY": "1", "PYTHAINLP_OFFLINE": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG"):
        env.pop(name, None)
    setup = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP.format(password=PASSWORD)],
                           cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    totp_key, release_pk, release_slug, official_slug, official_pk = setup.stdout.split()[-5:]
    log = open(work / "server.log", "w+b")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    print(f"probe: site prepared in {time.monotonic() - started:.0f} s", flush=True)
    try:
        site = Site(port)
        for _ in range(300):
            try:
                if site.request("GET", "/robots.txt")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        public = ["/", "/releases/", f"/releases/{release_pk}/", f"/releases/{release_pk}/{quote(release_slug)}/",
                  "/officials/", f"/officials/{official_slug}/", "/feeds/latest/rss/", "/feeds/latest/atom/",
                  f"/feeds/official/{official_slug}/rss/", "/feeds/category/press-release/atom/", "/sitemap.xml",
                  "/sitemap-releases.xml", "/robots.txt", "/i18n/setlang/", "/two-factor/verify/", "/two-factor/set-up/"]
        admin = ["/admin/", "/admin/login/", "/admin/releases/release/", f"/admin/releases/release/{release_pk}/change/",
                 f"/admin/releases/release/{release_pk}/preview/", f"/admin/releases/release/{release_pk}/history/",
                 "/admin/autocomplete/", "/admin/jsi18n/", f"/admin/releases/official/{official_pk}/change/",
                 "/admin/releases/securityevent/", "/admin/auth/user/"]
        sessions = {
            "anonymous": {},
            "password only": site.sign_in("probe-editor"),
            "two-step superuser": site.sign_in("probe-root", totp_key),
        }
        # Public pages anonymously; the admin (and its login) also with each kind of session.
        requests = [(who, cookies, item) for base, item in corpus(public + admin) for who, cookies in sessions.items()
                    if who == "anonymous" or base in admin]
        failures, statuses = [], {}

        def send(entry):
            who, cookies, (method, target, headers, extra) = entry
            if time.monotonic() - started > limit_seconds:
                return entry, -1, b""
            sent = time.monotonic()
            status, _head, content = site.request(method, target, headers, {**cookies, **extra})
            if verbose:
                print(f"{time.monotonic() - sent:.2f}s", status, who, method, str(target)[:100], flush=True)
            return entry, status, content

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            for (who, _c, (method, target, _h, _x)), status, content in pool.map(send, requests):
                statuses[status] = statuses.get(status, 0) + 1
                if status == -1:
                    failures.append(f"time limit of {limit_seconds} s reached before {method} {target!r}")
                    break
                if status >= 500 or status == 0 or TRACEBACK.search(content):
                    failures.append(f"{status} for {who}: {method} {str(target)[:200]}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    log.seek(0)
    server_log = log.read().decode("utf-8", "replace")
    # Django logs a 403's PermissionDenied with its traceback too: only errors count here.
    for marker in ("Internal Server Error", "Error handling request", "WORKER TIMEOUT"):
        if marker in server_log:
            failures.append("the server logged an error:\n" + server_log[server_log.index(marker):][:3000])
    elapsed = time.monotonic() - started
    print(f"probe: {sum(statuses.values())} requests in {elapsed:.0f} s; answers {dict(sorted(statuses.items()))}")
    for failure in failures[:50]:
        print("FAIL", failure)
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-seconds", type=int, default=90)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    sys.exit(run(args.limit_seconds, args.verbose))


if __name__ == "__main__":
    main()
