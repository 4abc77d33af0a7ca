"""Readership dashboard benchmark: the admin's statistics screens on many releases with a year of daily rows.

Fills a database with generated releases and realistic daily views (`generate_releases N
--daily-views 365`), then renders the dashboard (30, 90, 365 days, a fiscal year), a release's
own page and the public "most read" query, timing each and counting its queries.

    .venv/bin/python bench/readership_bench.py --count 100000            # scratch PostgreSQL database, dropped after
    .venv/bin/python bench/readership_bench.py --url sqlite:////tmp/r.sqlite3 --count 100000

Not a test: numbers go to docs/performance.md ("Readership").
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import admin_sql, percentile, run  # noqa: E402


def time_screens(repeat):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Sum
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.contrib import admin

    from releases.readership.models import ReleaseViewDay
    from releases.readership.popular import _query as most_read_query
    from django.utils import timezone

    readership = admin.site._registry[ReleaseViewDay]
    user = get_user_model()(username="bench", is_staff=True, is_superuser=True, is_active=True)
    top = ReleaseViewDay.objects.values("release").annotate(v=Sum("views")).order_by("-v")[0]["release"]
    last = ReleaseViewDay.objects.latest("date").date
    be_fiscal = (last.year + 543) + (1 if last.month >= 10 else 0)
    rf = RequestFactory()

    def screen(view, query="", **kwargs):
        request = rf.get("/admin/", data=dict(part.split("=") for part in query.split("&") if part))
        request.user = user
        response = view(request, **kwargs)
        response.render()
        assert response.status_code == 200, response.status_code

    screens = [
        ("dashboard, 30 days", lambda: screen(readership.dashboard_view, "days=30")),
        ("dashboard, 90 days", lambda: screen(readership.dashboard_view, "days=90")),
        ("dashboard, 365 days", lambda: screen(readership.dashboard_view, "days=365")),
        (f"dashboard, fiscal year {be_fiscal}", lambda: screen(readership.dashboard_view, f"fiscal_year={be_fiscal}")),
        ("dashboard CSV, daily 365", lambda: screen_csv(readership, rf, user)),
        ("release page (most read)", lambda: screen(readership.release_view, pk=top)),
        ("public most-read query", lambda: most_read_query("th", timezone.localdate())),
    ]
    print(f"rows: {ReleaseViewDay.objects.count():,}; load average at start: {os.getloadavg()}", flush=True)
    lines = ["| screen | queries | p50 | p95 |", "|---|---:|---:|---:|"]
    for name, call in screens:
        with CaptureQueriesContext(connection) as queries:
            call()  # warm-up, and the query count
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        lines.append(f"| {name} | {len(queries)} | {statistics.median(timings):.0f} ms | {percentile(timings, 95):.0f} ms |")
        print(lines[-1], flush=True)
    print(f"load average at end: {os.getloadavg()}", flush=True)
    return "\n".join(lines)


def screen_csv(readership, rf, user):
    request = rf.get("/admin/", {"days": 365, "csv": "daily"})
    request.user = user
    assert readership.dashboard_view(request).status_code == 200


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365, help="Days of daily rows to generate.")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/newsroom_bench_readership")
    parser.add_argument("--reuse", action="store_true", help="Database already filled: only time the screens.")
    parser.add_argument("--keep", action="store_true", help="Do not drop the scratch PostgreSQL database at the end.")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "PYTHAINLP_READ_ONLY": "1",
        "PYTHAINLP_OFFLINE": "1",
    }
    os.environ.update(env)
    postgres = args.url.startswith("postgres")
    database = args.url.rsplit("/", 1)[1]
    try:
        if not args.reuse:
            if postgres:
                admin_sql(args.url, f'DROP DATABASE IF EXISTS "{database}"')
                admin_sql(args.url, f'CREATE DATABASE "{database}"')
            run(["migrate", "--noinput", "-v", "0"], env, "migrate")
            run(["generate_releases", str(args.count), "--seed", "5", "--daily-views", str(args.days), "-v", "0"], env, "generate")
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        from django.conf import settings
        from django.test.utils import override_settings

        # No collectstatic here: plain static URLs, as the tests use (the manifest is not what is measured).
        plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        with override_settings(STORAGES=plain):
            print(time_screens(args.repeat))
    finally:
        if postgres and not args.keep and not args.reuse:
            from django.db import connections

            connections.close_all()
            admin_sql(args.url, f'DROP DATABASE IF EXISTS "{database}"')


if __name__ == "__main__":
    main()
