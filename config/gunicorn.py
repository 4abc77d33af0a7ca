"""Gunicorn settings for production: `gunicorn -c config/gunicorn.py` (used by `make serve` and bench/run).

Every value can be overridden from the environment (GUNICORN_*, WEB_CONCURRENCY); see docs/deploy.md.
"""

import gc
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def cpu_count():
    """CPUs this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Pages are CPU-bound Python (templates, ORM) with short database waits on a local socket:
# one sync worker per CPU gives the most requests/s; more workers only add memory and
# context switches. Raise WEB_CONCURRENCY when the database is remote (longer waits).
workers = _int("WEB_CONCURRENCY", max(2, cpu_count()))
worker_class = "sync"
# A request slower than this is killed (and logged) instead of holding a worker forever.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On reload/shutdown, requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Short keep-alive: a reverse proxy reuses connections; a sync worker is busy while one is open.
keepalive = _int("GUNICORN_KEEPALIVE", 2)
# Recycle workers now and then so a slow leak cannot grow without bound; the jitter stops
# all workers restarting at the same moment. Not too often: a new worker starts with an empty
# local-memory page cache (at 5,000, a burst of 800 req/s a worker recycled every 6 s).
max_requests = _int("GUNICORN_MAX_REQUESTS", 50_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5_000)
# Load Django (and pythainlp's ~70 MB dictionary trie, built in when_ready) once in the
# master, so forked workers share those pages instead of each building its own.
preload_app = True
# Heartbeat files in memory: a slow or full disk must not make workers look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# X-Forwarded-* are trusted only from these addresses (the reverse proxy).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "newsroom"
# Gunicorn 27's control socket is one per user by default, so two servers on a host (a
# deployment and bench/run, say) would fight over it; enable it with a path of its own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


def warm_up():
    """Build what every worker needs before forking, so that it is shared copy-on-write.

    Search (and the import) segment Thai with search.dictionary's trie (pythainlp's 62,000
    words + officials' names, ~70 MB, 0.5 s), nlpo3's copy of the base words (~50 MB, 0.25 s)
    and a syllable trie; all are built on first use, here once for every worker.
    """
    from releases import search

    search.warm_up()


def when_ready(server):
    warm_up()
    # Nothing opened in the master may be inherited by workers: sockets would be shared.
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()
    # Keep the collector from touching (and so un-sharing) every preloaded object in each worker.
    gc.freeze()
