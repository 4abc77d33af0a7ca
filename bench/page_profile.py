"""CPU per uncached public page in-process (Django test client): bench/page_profile.py PAGE N [SORT].

PAGE is detail (N different releases, each a new reader, counted), list, list200 or search (six
Thai and English words in turn). Prints the queries of one request, the CPU milliseconds per
request (time.process_time, steady under load) and, with AGG=1, the SQL time per statement shape;
SORT (e.g. cumulative, tottime) adds a cProfile listing. The page-cache generation is renewed at
the start, so fragments (releases/fragments.py) start cold. Run it on a generated database with
the page cache off and DEBUG off, e.g.:

    NEWSROOM_VAR_DIR=/tmp/db DJANGO_STATIC_ROOT=/tmp/db/static DJANGO_DEBUG=0 NEWSROOM_PAGE_CACHE=0 \\
        DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_PROXY_COUNT=1 \\
        .venv/bin/python bench/page_profile.py detail 40
"""

import cProfile
import collections
import io
import os
import pstats
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from releases import caching  # noqa: E402
from releases.models import Release  # noqa: E402

WORDS = ["ไทย", "ญี่ปุ่น", "การค้า", "Japan", "trade", "อาเซียน"]


def main():
    page, count = sys.argv[1], int(sys.argv[2])
    sort = sys.argv[3] if len(sys.argv) > 3 else None
    caching.bump()
    releases = list(Release.objects.published().values_list("pk", "slug", "language")[:5000])
    random.seed(3)
    random.shuffle(releases)
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)")

    def url(i):
        if page == "detail":  # each release at its own address (an English one under /en/)
            pk, slug, language = releases[i % len(releases)]
            return f"{'/en' if language == 'en' else ''}/releases/{pk}/{slug}/"
        return {"list": "/", "list200": "/?page=200", "search": "/?q=" + WORDS[i % len(WORDS)]}[page]

    for i in range(5):  # warm-up: imports, template loading, connections
        client.get(url(i + 1000), HTTP_X_FORWARDED_FOR=f"10.9.{i}.1")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(0), HTTP_X_FORWARDED_FOR="10.8.0.1")
    print("status", response.status_code, "queries", len(queries.captured_queries), "bytes", len(response.content))
    profile = cProfile.Profile(time.process_time) if sort else None
    started = time.process_time()
    if profile:
        profile.enable()
    for i in range(count):
        client.get(url(i + 1), HTTP_X_FORWARDED_FOR=f"10.{i // 250}.{i % 250}.7")
    if profile:
        profile.disable()
    print(f"{page}: CPU {1000 * (time.process_time() - started) / count:.1f} ms/req")
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(sort).print_stats(45)
        print(out.getvalue())
    if os.environ.get("AGG"):
        seconds, calls = collections.Counter(), collections.Counter()
        with CaptureQueriesContext(connection) as queries:
            for i in range(count):
                client.get(url(i + 3000), HTTP_X_FORWARDED_FOR=f"11.{i // 250}.{i % 250}.7")
        for query in queries.captured_queries:
            shape = re.sub(r"'[^']*'|\d+", "?", query["sql"])[:110]
            seconds[shape] += float(query["time"])
            calls[shape] += 1
        for shape, total in seconds.most_common(25):
            print(f"{1000 * total / count:7.2f} ms/req {calls[shape] / count:5.2f}x  {shape}")


if __name__ == "__main__":
    main()
