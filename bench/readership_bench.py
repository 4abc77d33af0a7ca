"""Readership dashboard benchmark: the admin's statistics screens on many releases with a year of daily rows.

Fills a database with generated releases and realistic daily views (`generate_releases N
--daily-views 365`), sums the closed days once (timed), then times each report table, the
dashboard pages (30, 90, 365 days, a fiscal year), a release's own page, the release change list
sorted by "views, last 7 days" and the public "most read" query: median and p95 of --repeat runs
after a warm-up, and the warm-up's query count.

    .venv/bin/python bench/readership_bench.py --count 100000            # scratch PostgreSQL database, dropped after
    .venv/bin/python bench/readership_bench.py --url sqlite:////tmp/r.sqlite3 --count 100000

Not a test: numbers go to docs/performance.md ("Readership").
"""

import argparse
import datetime
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
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Sum
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from releases.models import Release
    from releases.readership import reports, rollups
    from releases.readership.models import ReadershipRollup, ReleaseViewDay
    from releases.readership.popular import _query as most_read_query

    readership = admin.site._registry[ReleaseViewDay]
    releases = admin.site._registry[Release]
    user = get_user_model()(username="bench", is_staff=True, is_superuser=True, is_active=True)
    user.is_verified = lambda: True  # the admin's second factor, given
    today = timezone.localdate()
    top = ReleaseViewDay.objects.filter(date__gte=today - datetime.timedelta(days=29)).values("release").annotate(v=Sum("views")).order_by("-v")[0]["release"]
    last = ReleaseViewDay.objects.latest("date").date
    be_fiscal = reports.fiscal_year(last)
    column = 1 + list(releases.list_display).index(next(c for c in releases.list_display if getattr(c, "__name__", "") == "views_last_7_days"))
    rf = RequestFactory()

    def page(view, query="", **kwargs):
        request = rf.get("/admin/", data=dict(part.split("=") for part in query.split("&") if part))
        request.user = user
        response = view(request, **kwargs)
        if hasattr(response, "render"):
            response.render()
        assert response.status_code == 200, response.status_code

    def table(function, days):
        return lambda: function(reports.Period.last(days, today))

    def fiscal():
        cache.delete(f"readership:fiscal-years:{today.isoformat()}")  # its hour-long cache: time the queries
        reports.fiscal_years()

    screens = [
        ("site views per day, 30 days", table(reports.daily, 30)),
        ("site views per day, 90 days", table(reports.daily, 90)),
        ("site views per day, 365 days", table(reports.daily, 365)),
        ("most read, 7 days", table(reports.most_read, 7)),
        ("most read, 30 days", table(reports.most_read, 30)),
        ("by category, 365 days", table(reports.by_category, 365)),
        ("by official, 365 days", table(reports.by_official, 365)),
        ("by channel, 365 days", table(reports.by_channel, 365)),
        ("fiscal-year totals (uncached)", fiscal),
        ("dashboard page, 30 days", lambda: page(readership.dashboard_view, "days=30")),
        ("dashboard page, 90 days", lambda: page(readership.dashboard_view, "days=90")),
        ("dashboard page, 365 days", lambda: page(readership.dashboard_view, "days=365")),
        (f"dashboard page, fiscal year {be_fiscal}", lambda: page(readership.dashboard_view, f"fiscal_year={be_fiscal}")),
        ("dashboard CSV, daily 365", lambda: page(readership.dashboard_view, "days=365&csv=daily")),
        ("a release's page (most read of 30 days)", lambda: page(readership.release_view, pk=top)),
        ("change list, sorted by views last 7 days", lambda: page(releases.changelist_view, f"o=-{column}")),
        ("change list, default order", lambda: page(releases.changelist_view)),
        ("public most-read query (uncached)", lambda: most_read_query("th", today)),
    ]
    print(f"{connection.vendor}: {Release.objects.count():,} releases, {ReleaseViewDay.objects.count():,} daily rows; "
          f"load average at start: {os.getloadavg()}", flush=True)
    ReadershipRollup.objects.all().delete()
    backend = database_process(connection)
    started, cpu_app, cpu_db = time.perf_counter(), time.process_time(), process_cpu(backend)
    rollups.ensure(ReleaseViewDay.objects.earliest("date").date, rollups.last_closed(today))
    print(f"summing every closed day once (the first report after deploying or regenerating): "
          f"{time.perf_counter() - started:.1f} s, CPU {time.process_time() - cpu_app:.1f} s app + {process_cpu(backend) - cpu_db:.1f} s db, "
          f"{ReadershipRollup.objects.count():,} sums", flush=True)
    lines = [f"| screen ({connection.vendor}) | queries | p50 | p95 | CPU ms app + db |", "|---|---:|---:|---:|---:|"]
    for name, call in screens:
        with CaptureQueriesContext(connection) as queries:
            call()  # warm-up, and the query count
        timings = []
        cpu_app, cpu_db = time.process_time(), process_cpu(backend)
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        # CPU per run: on a shared, loaded machine the wall-clock times mostly measure the queue for a CPU.
        cpu_app = (time.process_time() - cpu_app) * 1000 / repeat
        cpu_db = (process_cpu(backend) - cpu_db) * 1000 / repeat
        lines.append(f"| {name} | {len(queries)} | {statistics.median(timings):.0f} ms | {percentile(timings, 95):.0f} ms | {cpu_app:.0f} + {cpu_db:.0f} |")
        print(lines[-1], flush=True)
    print(f"load average at end: {os.getloadavg()}", flush=True)
    return "\n".join(lines)


def database_process(connection):
    """The PostgreSQL backend serving this connection (its CPU is the database's share), or None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def process_cpu(pid):
    """User + system CPU seconds of process `pid` (0 without one: SQLite runs in this process)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
            # What autovacuum does soon after a bulk load: statistics, and the visibility map that
            # lets the covering index answer without the table.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
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
