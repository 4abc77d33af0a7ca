"""Archive import benchmark: files per second and memory as the archive grows, on SQLite and PostgreSQL.

Writes N seed-sized source files (about the size of a real ministry page: a title printed twice,
a Buddhist-era date, a view count, five paragraphs of Thai with Thai digits and officials' names,
two photo lines; one page in ten in English) into a temporary directory, then imports them into
a fresh SQLite file and into a scratch PostgreSQL database (created and dropped here), each in
its own process, reporting the rate and the memory (current and peak RSS) at checkpoints.
A second, unchanged pass shows the cost of a re-run.

    .venv/bin/python bench/import_bench.py                 # 10,000 files, both databases
    .venv/bin/python bench/import_bench.py --count 2000 --databases sqlite

Not a test: results go to docs/performance.md ("Archive import").
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
from releases import thai  # noqa: E402  (after the path: the project's Thai dates and digits)

CHECKPOINTS = (1000, 5000, 10000)
POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SCRATCH_DATABASE = "newsroom_bench_import"

# Made-up sentences for made-up pages; {n} and {m} become Thai digits, {who} an official.
THAI_SENTENCES = [
    "เมื่อวันที่ {n} {month} {year} {who} ได้ให้การต้อนรับคณะผู้แทนจากประเทศเพื่อนบ้านที่เดินทางมาเยือนกระทรวงการต่างประเทศ",
    "ทั้งสองฝ่ายได้หารือถึงความร่วมมือด้านการค้า การลงทุน และการพัฒนาทรัพยากรมนุษย์ ซึ่งมีมูลค่ารวมกว่า {m} ล้านบาท",
    "ที่ประชุมเห็นพ้องที่จะจัดตั้งคณะทำงานร่วมเพื่อติดตามความคืบหน้าของโครงการต่าง ๆ อย่างใกล้ชิด",
    "{who} ย้ำว่าไทยพร้อมสนับสนุนการเชื่อมโยงในภูมิภาค ทั้งด้านคมนาคม พลังงาน และดิจิทัล",
    "นอกจากนี้ ทั้งสองฝ่ายยังได้แลกเปลี่ยนความเห็นเกี่ยวกับสถานการณ์ระหว่างประเทศที่เป็นความสนใจร่วมกัน",
    "การหารือครั้งนี้เป็นไปด้วยความเป็นมิตรและสะท้อนความสัมพันธ์อันใกล้ชิดที่มีมายาวนานกว่า {n} ปี",
    "กระทรวงฯ จะประสานกับหน่วยงานที่เกี่ยวข้องเพื่อให้ผลการหารือเกิดผลเป็นรูปธรรมภายในปี {year}",
    "ในโอกาสนี้ นายกรัฐมนตรีได้ส่งสารแสดงความยินดีต่อความสำเร็จของการประชุมครั้งที่ {n}",
]
ENGLISH_SENTENCES = [
    "On {n} {month} {year}, {who} received a delegation from a neighbouring country at the Ministry.",
    "Both sides discussed cooperation in trade, investment and human resource development worth over {m} million baht.",
    "The meeting agreed to set up a joint working group to follow the progress of each project closely.",
    "{who} stressed that Thailand stands ready to support connectivity in the region.",
    "Both sides also exchanged views on international developments of common interest.",
]
OFFICIALS = [
    ("นาย", "ธนากร ศรีวิเชียรวงศ์", "Mr. Thanakorn Sriwichianwong"),
    ("นางสาว", "พิมพ์ลดา อรุณรัตนกุล", "Ms. Pimlada Arunrattanakul"),
    ("นาง", "กนกวรรณ ทิพยมณฑล", "Mrs. Kanokwan Thippayamonthon"),
    ("นาย", "ชยพล รุ่งโรจน์ธนา", "Mr. Chayaphon Rungrotthana"),  # not a known official: a candidate
]
TARGET_BYTES = 6600  # the real sample page is 6,644 bytes


def thai_digits(text):
    return thai.to_thai_digits(str(text))


def make_page(rng, number):
    english = number % 10 == 9
    month = rng.randrange(10)
    year_ce = rng.randint(2015, 2024)
    day = rng.randint(1, 28)
    honorific, name_th, name_en = rng.choice(OFFICIALS)
    if english:
        who, sentences = name_en, ENGLISH_SENTENCES
        title = f"Ministry of Foreign Affairs press release no. {number}: cooperation talks"
        date = thai.format_date(datetime.date(year_ce, month + 1, day), "short", "en")
        month_name, year = thai.EN_ABBR_MONTHS[month], str(year_ce)
        photo = "Photo"
    else:
        who, sentences = f"{honorific}{name_th}", THAI_SENTENCES
        title = f"กระทรวงการต่างประเทศหารือความร่วมมือกับประเทศเพื่อนบ้าน ฉบับที่ {number}"
        date = thai.format_date(datetime.date(year_ce, month + 1, day), "short")
        month_name, year = thai.thai_full_months[month], thai_digits(year_ce + thai.BE_OFFSET)
        photo = "รูปภาพประกอบ"
    paragraphs = [[] for _ in range(5)]
    size = 0
    while size < TARGET_BYTES - 600:
        sentence = rng.choice(sentences).format(
            n=thai_digits(rng.randint(1, 30)) if not english else rng.randint(1, 30),
            m=thai_digits(rng.randint(10, 900)) if not english else rng.randint(10, 900),
            month=month_name, year=year, who=who,
        )
        rng.choice(paragraphs).append(sentence)
        size += len(sentence.encode())
    body = "\n\n\u00a0\n\n".join(" ".join(p) or "-" for p in paragraphs)
    views = f"{rng.randint(0, 5000):,} views"
    return f"{title}\n\n{title}\n\n{date}\n\n{views}\n\n{body}\n\n{photo}\n\n{photo}\n"


def write_archive(directory, count, seed=2564):
    rng = random.Random(seed)
    total = 0
    for number in range(count):
        folder = directory / f"{2558 + number % 10}"
        folder.mkdir(exist_ok=True)
        data = make_page(rng, number).encode("utf-8")
        (folder / f"mfa-{number:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    """CPU time of this process and its finished children (the indexing workers): steadier than
    wall time on a shared machine (PostgreSQL's own CPU is in its server processes, not counted)."""
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def worker(archive, checkpoints, without_search=False, per_save=False):
    """Runs in a fresh process: migrate, import the archive twice, print JSON lines."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    if without_search:
        # Diagnostic only: what the import costs without the search module's word segmentation.
        from django.db.models.signals import m2m_changed, post_save, pre_save

        from releases.models import Release

        pre_save.disconnect(sender=Release, dispatch_uid="search_pre_save")
        post_save.disconnect(sender=Release, dispatch_uid="search_post_save")
        m2m_changed.disconnect(sender=Release.officials.through, dispatch_uid="search_officials_changed")

    from releases import search
    from releases.archive import Importer
    from releases.models import Official

    # Phases: time the importing process spends on indexing (handing batches to the workers,
    # storing their results, waiting for them at the end; the workers' own time overlaps writing).
    indexing = {"seconds": 0.0, "releases": 0}
    real_flush = search.deferred_indexing.flush

    def timed_flush(self, *args, **kwargs):
        started = time.perf_counter()
        count = real_flush(self, *args, **kwargs)
        indexing["seconds"] += time.perf_counter() - started
        indexing["releases"] += count
        return count

    search.deferred_indexing.flush = timed_flush

    call_command("migrate", verbosity=0)
    for honorific, name_th, name_en in OFFICIALS[:3]:
        Official.objects.create(honorific=honorific, name_th=name_th, name_en=name_en.split(" ", 1)[1],
                                slug=name_en.split(" ", 1)[1].lower().replace(" ", "-"))
    for label in ("first run", "second run (unchanged)"):
        # bulk: what the import_releases command does (indexing deferred to batches of 500 files).
        importer = Importer(bulk=not per_save)
        indexing.update(seconds=0.0, releases=0)
        started, cpu_started = time.perf_counter(), cpu_seconds()
        done = 0
        print(json.dumps({"label": label, "files": 0, "rss": rss_mb(), "peak": peak_rss_mb()}), flush=True)
        def checkpoint(files):
            elapsed = time.perf_counter() - started
            print(json.dumps({"label": label, "files": files, "seconds": elapsed, "rate": files / elapsed,
                              "index_seconds": indexing["seconds"], "indexed": indexing["releases"],
                              "cpu_ms": (cpu_seconds() - cpu_started) * 1000 / files,
                              "rss": rss_mb(), "peak": peak_rss_mb(), "load": os.getloadavg()[0]}), flush=True)

        for outcome in importer.run([archive]):
            done += 1
            if outcome.status == "failed":
                print(json.dumps({"error": f"{outcome.location()}: {outcome.reason}"}), flush=True)
            if done in checkpoints and done != max(checkpoints):
                checkpoint(done)
        checkpoint(done)  # after the run's last indexing batch: end to end
        print(json.dumps({"label": label, "totals": dict(importer.totals)}), flush=True)


def admin_sql(sql):
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)


def run_worker(database, archive, count, env, without_search=False, per_save=False):
    checkpoints = ",".join(str(c) for c in CHECKPOINTS if c <= count) + f",{count}"
    command = [sys.executable, __file__, "--worker", str(archive), "--checkpoints", checkpoints]
    if without_search:
        command.append("--without-search")
        database += " (no search indexing)"
    if per_save:
        command.append("--per-save")
        database += " (indexing on each save)"
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    results = []
    for line in process.stdout:
        row = json.loads(line)
        row["database"] = database
        results.append(row)
        print(f"  {database}: {row}", file=sys.stderr)
    if process.wait():
        raise SystemExit(f"{database} worker failed with status {process.returncode}")
    return results


def report(rows):
    print("| database | run | files | seconds | files/s | of which indexing s (releases) | CPU ms/file (import + workers) "
          "| RSS MB | peak RSS MB | load |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        if "rate" in row:
            print(f"| {row['database']} | {row['label']} | {row['files']:,} | {row['seconds']:.1f} | {row['rate']:.0f} "
                  f"| {row.get('index_seconds', 0):.1f} ({row.get('indexed', 0):,}) "
                  f"| {row.get('cpu_ms', 0):.1f} | {row['rss']:.0f} | {row['peak']:.0f} | {row.get('load', 0):.1f} |")
    for row in rows:
        if "totals" in row:
            print(f"- {row['database']}, {row['label']}: {row['totals']}")
        if "error" in row:
            print(f"- {row['database']} error: {row['error']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--checkpoints", help=argparse.SUPPRESS)
    parser.add_argument("--without-search", action="store_true",
                        help="Diagnostic: also run with the search indexing signals disconnected.")
    parser.add_argument("--per-save", action="store_true",
                        help="Index on each save as before bulk mode (the module API's default) instead of in batches.")
    parser.add_argument("--pg-database", default=SCRATCH_DATABASE, help="Scratch PostgreSQL database (dropped at the end).")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, {int(c) for c in args.checkpoints.split(",") if c}, args.without_search, args.per_save)
        return
    # Production-like: DEBUG off (no query log), a throwaway secret key.
    base_env = {**os.environ, "PYTHAINLP_READ_ONLY": "1", "PYTHAINLP_OFFLINE": "1", "DJANGO_LOG_LEVEL": "WARNING",
                "DJANGO_SECRET_KEY": "import-bench-" + os.urandom(24).hex()}
    base_env.pop("DJANGO_DEBUG", None)
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    variants = [False, True] if args.without_search else [False]
    rows = []
    with tempfile.TemporaryDirectory(prefix="import-bench-") as scratch:
        archive = Path(scratch) / "archive"
        archive.mkdir()
        started = time.perf_counter()
        size = write_archive(archive, args.count)
        print(f"wrote {args.count:,} files, {size / 2**20:.1f} MB, {size / args.count:,.0f} bytes each, "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for without_search in variants:
            for database in args.databases.split(","):
                rows += bench_database(database, Path(scratch), archive, args.count, base_env, without_search,
                                       args.per_save, args.pg_database)
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    report(rows)


def bench_database(database, scratch, archive, count, base_env, without_search, per_save=False, pg_database=SCRATCH_DATABASE):
    """One worker run against a fresh database of the kind asked for."""
    env = {**base_env, "DJANGO_MEDIA_ROOT": str(scratch / "media")}
    env.pop("DATABASE_URL", None)
    if database == "sqlite":
        var = Path(tempfile.mkdtemp(prefix="var-", dir=scratch))
        env["NEWSROOM_VAR_DIR"] = str(var)
        return run_worker(database, archive, count, env, without_search, per_save)
    admin_sql(f'DROP DATABASE IF EXISTS "{pg_database}"')
    admin_sql(f'CREATE DATABASE "{pg_database}"')
    try:
        env["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_database}"
        return run_worker(database, archive, count, env, without_search, per_save)
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
