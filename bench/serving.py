"""Serving benchmark: gunicorn as in production, loaded by wrk from a second process.

Run it as `bench/run` (full, ~25 min on an idle machine) or `bench/run --quick` (a few minutes). For each
configuration (database, number of releases, counting mode, page cache on/off) it generates
the data in a scratch database, starts gunicorn with config/gunicorn.py, warms up, then runs
wrk three times per page and reports median req/s (min-max), p50/p95/p99 latency, the ratio to
the two reference views of the same run, worker peak memory, and the views the database
gained against the 200 responses wrk saw. Scratch databases are dropped at the end.
"""

import argparse
import contextlib
import datetime
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
# The site under test: this checkout, or another one (--app) measured with this harness and venv.
APP = ROOT
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_DB = 11
SEARCH_WORDS = ["ญี่ปุ่น", "การค้า", "สาธารณสุข", "กงสุล", "ความร่วมมือ", "แถลงการณ์", "เวียดนาม", "พลังงานสะอาด", "Japan", "trade"]


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def free_port(fixed=None):
    if fixed:  # --port: engineers sharing a machine each keep to their own ports
        return fixed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- databases ---------------------------------------------------------------------------

class Postgres:
    kind = "postgresql"

    def __init__(self, size, workdir):
        # NEWSROOM_BENCH_DB_SUFFIX lets two benchmark runs on one server use separate scratch databases.
        suffix = "".join(ch for ch in os.environ.get("NEWSROOM_BENCH_DB_SUFFIX", "") if ch.isalnum() or ch == "_")
        self.name = f"newsroom_bench_{size}{'_' + suffix if suffix else ''}"
        self.url = f"{PG}/{self.name}"
        self.env = {"DATABASE_URL": self.url}

    def create(self):
        self.drop()
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {self.name}"], check=True)

    def drop(self):
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"],
                       check=True, stderr=subprocess.DEVNULL)

    def query(self, sql):
        out = subprocess.run(["psql", "-At", "-h", "127.0.0.1", "-U", "postgres", "-d", self.name, "-F", "\t", "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]


class SQLite:
    kind = "sqlite"

    def __init__(self, size, workdir):
        self.dir = Path(workdir) / f"sqlite-{size}"
        self.env = {"NEWSROOM_VAR_DIR": str(self.dir), "DATABASE_URL": ""}

    def create(self):
        self.drop()
        self.dir.mkdir(parents=True)

    def drop(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def query(self, sql):
        with contextlib.closing(sqlite3.connect(self.dir / "newsroom.sqlite3", timeout=30)) as db:
            rows = [[str(v) for v in row] for row in db.execute(sql).fetchall()]
            db.commit()
            return rows


def views_sum(db):
    """(views counted on releases, views of the minimal counter, which has its own table in bench/benchapp)."""
    releases = db.query("SELECT COALESCE(SUM(view_count), 0) FROM releases_release")
    counter = db.query("SELECT COALESCE(SUM(view_count), 0) FROM benchapp_counter")
    return int(releases[0][0]), int(counter[0][0])


def detail_paths(db, limit=3000):
    """Addresses of `limit` public releases in random order (every public release with limit=None),
    each in its own language's interface."""
    now = "now()" if db.kind == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    order = "random()"
    limited = f" LIMIT {limit}" if limit else ""
    rows = db.query(f"SELECT id, slug, language FROM releases_release WHERE status = 'published' AND publish_at <= {now} ORDER BY {order}{limited}")
    # Each at its own address, the one links, feeds and the sitemap give: an English release under /en/.
    return [f"{'/en' if language == 'en' else ''}/releases/{pk}/{urllib.parse.quote(slug or 'release')}/" for pk, slug, language in rows]


# --- the server --------------------------------------------------------------------------

def base_env(db, mode, cache_on, redis_prefix, static_root, port, cache_backend=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_", "GUNICORN_", "REDIS_URL", "DATABASE_URL"))}
    env.update({
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_PROXY_COUNT": "1",  # wrk sends each request as a new reader (X-Forwarded-For)
        "NEWSROOM_BENCH_VIEWS": "1",
        "NEWSROOM_VIEW_COUNT_MODE": mode,
        "NEWSROOM_PAGE_CACHE": "1" if cache_on else "0",
        # Private: the page cache's generation file lives here, and other runs must not bump it.
        "NEWSROOM_VAR_DIR": str(Path(static_root).parent / f"var-{port}"),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        "PYTHAINLP_READ_ONLY": "1",
        "PYTHAINLP_OFFLINE": "1",
    })
    env.update(db.env)
    if not env.get("DATABASE_URL"):
        env.pop("DATABASE_URL", None)
    if mode == "buffered" or cache_backend == "redis":
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
        env["DJANGO_CACHE_PREFIX"] = redis_prefix
    elif cache_backend:
        env["NEWSROOM_CACHE"] = cache_backend  # "database" or "locmem" (a checkout without the setting has locmem)
    return env


def manage(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=APP, env=env, check=True, stdout=subprocess.DEVNULL)


class Server:
    def __init__(self, env, port):
        self.env, self.port = env, port
        self.peak_rss = self.peak_pss = 0
        self._sampling = False

    def __enter__(self):
        self.proc = subprocess.Popen([GUNICORN, "-c", "config/gunicorn.py"], cwd=APP, env=self.env)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/bench/constant/", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start")
        self._sampling = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._sampling = False
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def workers(self):
        try:
            return [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            return []

    def _sample(self):
        self.loads = []
        while self._sampling:
            with contextlib.suppress(OSError):
                self.loads.append(float(Path("/proc/loadavg").read_text().split()[0]))
            for pid in self.workers():
                with contextlib.suppress(OSError, ValueError):
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak_rss = max(self.peak_rss, int(line.split()[1]))
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            self.peak_pss = max(self.peak_pss, int(line.split()[1]))
            time.sleep(0.25)


TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pids):
    """{pid: user+system clock ticks} for the processes still alive."""
    ticks = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


def db_backends(db):
    """PostgreSQL backends serving this database (their process title names it)."""
    if db.kind != "postgresql":
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if title.startswith("postgres:") and f" {db.name} " in title:
                    pids.append(int(entry.name))
    return pids


def cpu_delta(before, after):
    return sum(after[pid] - before[pid] for pid in after if pid in before) / TICK


def wrk(port, paths, seconds, connections, workdir):
    paths_file = Path(workdir) / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    # WRK_RUN: readers of one run are never the readers of another (the counter ignores repeats).
    env = dict(os.environ, WRK_PATHS=str(paths_file), WRK_SECONDS=str(seconds), WRK_RUN=os.urandom(4).hex())
    out = subprocess.run(
        ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds + 2}s", "--timeout", "10s", "--latency",
         "-s", str(ROOT / "bench" / "wrk.lua"), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    time.sleep(0.5)  # let the server finish anything still in flight before the database is read
    line = next(l for l in out.splitlines() if l.startswith("WRK_JSON "))
    result = json.loads(line[len("WRK_JSON "):])
    result["rps"] = result["ok"] / (result["elapsed_us"] / 1e6) if result.get("elapsed_us") else 0.0
    return result


# --- one configuration -------------------------------------------------------------------

def endpoints(db, size, only):
    details = detail_paths(db)
    # The long tail: readers from search engines and crawlers spread over the whole archive.
    every_release = detail_paths(db, limit=None)
    search = [f"/?q={urllib.parse.quote(word)}&n={{n}}" for word in SEARCH_WORDS]
    all_endpoints = {
        "constant 2 KB": (["/bench/constant/"], "none"),
        "minimal counter": (["/bench/counter/"], "counter"),
        "list page 1": (["/"], "none"),
        "list page 200": (["/?page=200"], "none"),
        "detail (3,000 rotating, counted)": (details, "views"),
        "detail (all releases rotating, counted)": (every_release, "views"),
        # The same with no page stored yet (each request renders and stores): the first reader after a change.
        "detail (all releases, store emptied, counted)": (every_release, "views"),
        # A burst: everyone reads the same few releases (a crisis statement shared on LINE).
        "detail (20 hot, counted)": (details[:20], "views"),
        "search (uncached)": (search, "none"),
        "feed (RSS)": (["/feeds/latest/rss/"], "none"),
    }
    return {name: value for name, value in all_endpoints.items() if only is None or name.startswith(tuple(only))}


def run_config(cfg, args, workdir, static_root, prepared):
    db = cfg["db"]
    port = free_port(args.port)
    prefix = f"bench-{os.getpid()}-{port}"
    env = base_env(db, cfg["mode"], cfg["cache"], prefix, static_root, port, args.cache_backend)
    key = (db.kind, cfg["size"])
    if key not in prepared:
        log(f"preparing {db.kind} with {cfg['size']} releases")
        db.create()
        manage(env, "migrate", "--noinput", "-v0")
        started = time.time()
        manage(env, "generate_releases", str(cfg["size"]), "--seed", "1", "-v0")
        prepared[key] = time.time() - started
        log(f"generated {cfg['size']} in {prepared[key]:.0f} s")
    results = {"config": cfg["label"], "generate_seconds": prepared[key], "pages": {}}
    pages = endpoints(db, cfg["size"], cfg.get("only"))
    if any(name.startswith("detail") for name in pages) and (APP / "releases" / "stored_pages").is_dir():
        # What a deployment does after an import (docs/deploy.md): every page stored ahead of its readers.
        started = time.time()
        manage(env, "store_release_pages", "--site-url", f"http://127.0.0.1:{port}", "-v0")
        results["store_seconds"] = time.time() - started
        log(f"stored the release pages in {results['store_seconds']:.0f} s")
    with Server(env, port) as server:
        for name, (paths, counted) in pages.items():
            emptied = "store emptied" in name
            if emptied and not (APP / "releases" / "stored_pages").is_dir():
                continue
            if emptied:
                db.query("DELETE FROM releases_storedpage")
            wrk(port, paths, args.warmup, args.connections, workdir)  # warm-up (caches, connections)
            runs = []
            for _ in range(args.runs):
                if emptied:
                    db.query("DELETE FROM releases_storedpage")
                if cfg["mode"] == "buffered":
                    manage(env, "flush_view_counts")
                before = views_sum(db)
                app_pids, db_pids = server.workers(), db_backends(db)
                app_cpu, db_cpu = cpu_ticks(app_pids), cpu_ticks(db_pids)
                result = wrk(port, paths, args.seconds, args.connections, workdir)
                served = max(result["ok"] + result["bad"], 1)
                # CPU per request is what stays meaningful when other work shares the machine.
                result["app_cpu_ms"] = cpu_delta(app_cpu, cpu_ticks(app_pids)) * 1000 / served
                result["db_cpu_ms"] = cpu_delta(db_cpu, cpu_ticks(db_pids)) * 1000 / served
                if cfg["mode"] == "buffered":
                    manage(env, "flush_view_counts")
                after = views_sum(db)
                if counted == "views":
                    result["gained"] = after[0] - before[0]
                elif counted == "counter":
                    result["gained"] = after[1] - before[1]
                runs.append(result)
            rps = [r["rps"] for r in runs]
            page = {
                "median": statistics.median(rps), "min": min(rps), "max": max(rps),
                "p50_ms": statistics.median(r["p50_us"] for r in runs) / 1000,
                "p95_ms": statistics.median(r["p95_us"] for r in runs) / 1000,
                "p99_ms": statistics.median(r["p99_us"] for r in runs) / 1000,
                "non_200": sum(r["bad"] for r in runs), "errors": sum(r["errors"] for r in runs),
                "app_cpu_ms": statistics.median(r["app_cpu_ms"] for r in runs),
                "db_cpu_ms": statistics.median(r["db_cpu_ms"] for r in runs),
            }
            if counted != "none":
                page["served"] = sum(r["ok"] for r in runs)
                page["gained"] = sum(r["gained"] for r in runs)
                page["lost"] = page["served"] - page["gained"]
            results["pages"][name] = page
            log(f"  {cfg['label']:<38} {name:<28} {page['median']:7.0f} req/s  p99 {page['p99_ms']:6.1f} ms"
                f"  cpu {page['app_cpu_ms']:.1f}+{page['db_cpu_ms']:.1f} ms"
                + (f"  served {page['served']} gained {page['gained']}" if counted != "none" else ""))
        results["peak_rss_mb"] = server.peak_rss / 1024
        results["peak_pss_mb"] = server.peak_pss / 1024
        results["load_avg"] = statistics.median(server.loads) if server.loads else None
    if cfg["mode"] == "buffered" or args.cache_backend == "redis":
        with contextlib.suppress(Exception):
            import redis

            client = redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}")
            for k in client.scan_iter(f"{prefix}*"):
                client.delete(k)
    return results


def plan(args, workdir):
    dbs = {}

    def db(kind, size):
        key = (kind, size)
        if key not in dbs:
            dbs[key] = (Postgres if kind == "postgresql" else SQLite)(size, workdir)
        return dbs[key]

    small, large = (args.sizes + [None])[:2]
    configs = [
        {"db": db("postgresql", small), "size": small, "mode": "direct", "cache": True},
        {"db": db("postgresql", small), "size": small, "mode": "direct", "cache": False,
         "only": {"constant", "minimal", "list", "detail (3,000", "detail (all", "search"}},
        {"db": db("postgresql", small), "size": small, "mode": "buffered", "cache": True,
         "only": {"constant", "minimal", "list page 1", "detail"}},
        {"db": db("sqlite", small), "size": small, "mode": "direct", "cache": True},
        {"db": db("sqlite", small), "size": small, "mode": "direct", "cache": False,
         "only": {"constant", "minimal", "list", "detail (3,000", "detail (all", "search"}},
    ]
    if large:
        configs += [
            {"db": db("postgresql", large), "size": large, "mode": "direct", "cache": True},
            {"db": db("postgresql", large), "size": large, "mode": "direct", "cache": False, "only": {"constant", "search"}},
            {"db": db("sqlite", large), "size": large, "mode": "direct", "cache": True,
             "only": {"constant", "minimal", "list", "detail (20", "search"}},
        ]
    for cfg in configs:
        cfg["label"] = f"{cfg['db'].kind} {cfg['size']:,} {cfg['mode']} cache {'on' if cfg['cache'] else 'off'}"
    return configs, list(dbs.values())


def report(all_results, args):
    lines = [f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} — `bench/run {' '.join(sys.argv[1:])}` on {APP}; "
             f"wrk {args.connections} connections, {args.runs} runs of {args.seconds} s per page, 2 gunicorn sync workers.", ""]
    for res in all_results:
        pages = res["pages"]
        const = pages.get("constant 2 KB", {}).get("median")
        counter = pages.get("minimal counter", {}).get("median")
        lines += [f"#### {res['config']}", "",
                  f"Data generated in {res['generate_seconds']:.0f} s; worker peak RSS {res['peak_rss_mb']:.0f} MB "
                  f"(PSS {res['peak_pss_mb']:.0f} MB: shared pages counted once); median 1-min load average "
                  f"during the run {res['load_avg']} on 2 CPUs.", "",
                  "| page | req/s median (min–max) | p50 ms | p95 ms | p99 ms | vs constant | vs counter "
                  "| CPU ms/req app + db | views served / gained / lost |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, p in pages.items():
            ratio_c = f"{p['median'] / const:.0%}" if const else "–"
            ratio_n = f"{p['median'] / counter:.0%}" if counter else "–"
            views = f"{p['served']} / {p['gained']} / {p['lost']}" if "served" in p else ""
            errors = f" ({p['non_200']} non-200, {p['errors']} socket errors)" if p["non_200"] or p["errors"] else ""
            lines.append(f"| {name}{errors} | {p['median']:.0f} ({p['min']:.0f}–{p['max']:.0f}) | {p['p50_ms']:.1f} | "
                         f"{p['p95_ms']:.1f} | {p['p99_ms']:.1f} | {ratio_c} | {ratio_n} | {p['app_cpu_ms']:.1f} + {p['db_cpu_ms']:.1f} | {views} |")
        lines.append("")
    return "\n".join(lines)


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # still drop the scratch databases
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 releases only, shorter runs (a few minutes)")
    parser.add_argument("--sizes", type=int, nargs="+", help="release counts (default 10000 100000; --quick: 10000)")
    parser.add_argument("--seconds", type=int, help="length of each measured run (default 4; --quick 3)")
    parser.add_argument("--runs", type=int, help="measured runs per page (default 3; --quick 1)")
    parser.add_argument("--warmup", type=int, help="seconds of warm-up per page (default 3; --quick 1)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    parser.add_argument("--only", help='run only configurations whose label contains this, e.g. "postgresql 10,000 direct cache on"')
    parser.add_argument("--port", type=int, help="gunicorn's port (default: any free one)")
    parser.add_argument("--app", type=Path, help="serve another checkout of the site (e.g. an older commit) with this harness and venv")
    parser.add_argument("--cache-backend", choices=["database", "locmem", "redis"],
                        help="the shared cache without Redis, or Redis (default: the site's own default)")
    args = parser.parse_args()
    global APP
    APP = (args.app or ROOT).resolve()
    args.sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000])
    args.seconds = args.seconds or (3 if args.quick else 4)
    args.runs = args.runs or (1 if args.quick else 3)
    args.warmup = args.warmup or (1 if args.quick else 3)
    if shutil.which("wrk") is None:
        sys.exit("bench/run needs wrk: apt-get install -y wrk")
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="newsroom-bench-")
    static_root = str(Path(workdir) / "static")
    configs, dbs = plan(args, workdir)
    if args.only:
        configs = [cfg for cfg in configs if args.only in cfg["label"]]
    all_results, prepared = [], {}
    try:
        manage(base_env(configs[0]["db"], "direct", True, "", static_root, 0, args.cache_backend), "collectstatic", "--noinput", "-v0")
        for cfg in configs:
            all_results.append(run_config(cfg, args, workdir, static_root, prepared))
    finally:
        if not args.keep:
            for db in dbs:
                db.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    text = report(all_results, args)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out_dir / f"serving-{stamp}.md").write_text(text)
    (out_dir / f"serving-{stamp}.json").write_text(json.dumps(all_results, indent=1))
    print(text)
    log(f"written to var/bench/serving-{stamp}.md")


if __name__ == "__main__":
    main()
