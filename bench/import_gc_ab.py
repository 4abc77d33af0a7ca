"""A/B of the import with and without search.frozen_heap (the cycle collector kept off the dictionaries).

Writes COUNT benchmark pages (bench/import_bench.py's generator), imports them in bulk into a fresh
SQLite file in this process, and prints wall time and CPU per file of this process and of its
(reaped) indexing workers. Run it alternately, e.g.:

    for mode in off on off on; do .venv/bin/python bench/import_gc_ab.py 3000 $mode; done

Not a test: results go to docs/performance.md ("Archive import").
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.update(DJANGO_DEBUG="0", NEWSROOM_VAR_DIR=tempfile.mkdtemp(), DATABASE_URL="")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)

import import_bench  # noqa: E402  (the page generator and the officials)


def main(count, mode):
    archive = Path(tempfile.mkdtemp())
    import_bench.write_archive(archive, count)
    import django

    django.setup()
    from django.core.management import call_command

    from releases import archive, search
    from releases.models import Official

    call_command("migrate", verbosity=0)
    for honorific, name_th, name_en in import_bench.OFFICIALS[:3]:
        Official.objects.create(honorific=honorific, name_th=name_th, name_en=name_en.split(" ", 1)[1],
                                slug=name_en.split(" ", 1)[1].lower().replace(" ", "-"))
    if mode == "off":
        class WarmOnly:  # the same warm-up, without freezing
            def __enter__(self):
                search.warm_up()

            def __exit__(self, *exc_info):
                return None

        search.frozen_heap = WarmOnly
    started, cpu = time.perf_counter(), time.process_time()
    files = sum(1 for _ in archive.Importer(bulk=True).run([archive]))
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{mode}: {files} files, wall {time.perf_counter() - started:.1f} s, importing process "
          f"{(time.process_time() - cpu) / files * 1000:.2f} ms CPU a file, workers "
          f"{(workers.ru_utime + workers.ru_stime) / files * 1000:.2f} ms CPU a file")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000, sys.argv[2] if len(sys.argv) > 2 else "on")
