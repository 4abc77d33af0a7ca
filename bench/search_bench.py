"""Search benchmark on PostgreSQL: index build time and first-page latency beside the LIKE scan it replaces.

Creates a scratch database, fills it with generated Thai/English releases (`generate_releases`,
the data generator), times `rebuild_search_index`, then times what the list page runs for a set
of queries (one query since the bounded ranking: the page of 20 with the capped count of
candidates on each row), with the Thai-aware search and with the `icontains` scan it replaces. Drops the scratch database unless --keep.

    .venv/bin/python bench/search_bench.py --count 100000

Not a test: numbers go to docs/performance.md ("Search").
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Readers' queries: common and rare words, a compound part, names, English, digits, a phrase,
# several words, and a word that is nowhere.
QUERIES = [
    "ญี่ปุ่น",
    "อาเซียน",
    "พายุไต้ฝุ่น",
    "แผ่นดินไหว ญี่ปุ่น",
    "ความมั่นคงทางอาหาร",
    "การค้ามนุษย์",
    "บิมสเทค",
    "เจริญสุข",
    "ต่างประเทศ",
    "กระทรวงการต่างประเทศ",
    "2568",
    "Japan",
    "climate change",
    '"trade and investment"',
    "ไม่มีคำนี้เลย",
    "วัคซีน",
]


def run(args, env, label):
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.1f} s", flush=True)
    return elapsed


def admin_sql(url, sql):
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def time_queries(repeat, like_repeat):
    from django.db import connection
    from django.db.models import Q

    from releases.models import Release
    from releases.paginators import CappedPaginator
    from releases.search import RANK_CANDIDATES, SEARCH_FIELDS, clean_query, search_releases

    def published():
        # As the list view loads rows: without the large copies it never shows.
        return Release.objects.published().defer(*SEARCH_FIELDS, "import_snapshot")

    def thai_search(query):
        # As the list view pages it: the capped paginator, count read from the page's rows.
        paginator = CappedPaginator(search_releases(published(), query), 20, cap=RANK_CANDIDATES)
        rows = list(paginator.page(1).object_list)
        return (f"> {paginator.count:,}" if paginator.capped else f"{paginator.count:,}"), rows

    def like_scan(query):
        queryset = published()
        for word in clean_query(query).replace('"', " ").split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
        queryset = queryset.newest_first()
        return queryset.count(), list(queryset[:20])

    results = {}
    print(f"load average at start: {os.getloadavg()}", flush=True)
    for name, method, runs in (("search", thai_search, repeat), ("like", like_scan, like_repeat)):
        for query in QUERIES:
            method(query)  # warm caches
            timings = []
            cpu = time.process_time()
            for _ in range(runs):
                started = time.perf_counter()
                count, _page = method(query)
                timings.append((time.perf_counter() - started) * 1000)
            results[name, query] = (count, timings)
            cpu = (time.process_time() - cpu) * 1000 / runs
            print(f"{name} {query}: {count} hits, median {statistics.median(timings):.1f} ms "
                  f"(Python CPU {cpu:.1f} ms a run)", flush=True)
    print(f"load average at end: {os.getloadavg()}", flush=True)
    connection.close()
    return results


def report(results, repeat, like_repeat):
    lines = ["| query | hits (search) | search p50 | search p95 | hits (LIKE) | LIKE p50 | LIKE p95 |", "|---|---:|---:|---:|---:|---:|---:|"]
    every = {"search": [], "like": []}
    for query in QUERIES:
        s_count, s_t = results["search", query]
        l_count, l_t = results["like", query]
        every["search"] += s_t
        every["like"] += l_t
        lines.append(
            f"| `{query}` | {s_count} | {statistics.median(s_t):.1f} ms | {percentile(s_t, 95):.1f} ms "
            f"| {l_count:,} | {statistics.median(l_t):.1f} ms | {percentile(l_t, 95):.1f} ms |"
        )
    lines.append(
        f"| **all ({len(QUERIES)} queries; × {repeat} search, × {like_repeat} LIKE)** | "
        f"| **{statistics.median(every['search']):.1f} ms** "
        f"| **{percentile(every['search'], 95):.1f} ms** | | **{statistics.median(every['like']):.1f} ms** "
        f"| **{percentile(every['like'], 95):.1f} ms** |"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="Timed runs per query (after one warm-up).")
    parser.add_argument("--like-repeat", type=int, default=3, help="Timed runs per query of the slow LIKE scan.")
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/newsroom_bench_search")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reuse", action="store_true", help="Database already filled: only time the queries.")
    parser.add_argument("--keep", action="store_true", help="Do not drop the scratch database at the end.")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "PYTHAINLP_READ_ONLY": "1",
        "PYTHAINLP_OFFLINE": "1",
    }
    os.environ.update(env)
    database = args.url.rsplit("/", 1)[1]
    try:
        if not args.reuse:
            admin_sql(args.url, f'DROP DATABASE IF EXISTS "{database}"')
            admin_sql(args.url, f'CREATE DATABASE "{database}"')
            run(["migrate", "--noinput", "-v", "0"], env, "migrate")
            run(["generate_releases", str(args.count), "--seed", "5", "--end-date", "2026-06-30", "-v", "0"], env, "generate")
            build = run(["rebuild_search_index", "--workers", str(args.workers)], env, "rebuild_search_index")
            print(f"index build: {build:.1f} s for {args.count:,} releases ({args.count / build:.0f} releases/s)")
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            if not args.reuse:
                # The rebuild rewrote every row: return the old versions' space, as docs/deploy.md
                # advises after a full rebuild (search reads one row per match).
                cursor.execute("VACUUM FULL releases_release")
            cursor.execute("VACUUM ANALYZE releases_release")
            cursor.execute("SELECT pg_size_pretty(pg_relation_size('releases_release_search_idx')), "
                           "pg_size_pretty(pg_total_relation_size('releases_release'))")
            index_size, table_size = cursor.fetchone()
        print(f"GIN index: {index_size}; releases table with TOAST and indexes: {table_size}")
        results = time_queries(args.repeat, args.like_repeat)
        print(report(results, args.repeat, args.like_repeat))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_sql(args.url, f'DROP DATABASE IF EXISTS "{database}"')


if __name__ == "__main__":
    main()
