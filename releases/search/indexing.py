"""Keeping the search fields current: reindexing in batches, deferred indexing for bulk writers, forked workers."""

import collections
import contextlib
import multiprocessing
import os
import threading

from django.db import connection

from ..models import Release
from . import limits
from .backends import backend
from .documents import build_document, official_names
from .vocabulary import dictionary

# Bulk writers (the archive import) defer indexing: saves in this thread only collect ids.
_deferred = threading.local()


class deferred_indexing:
    """Within the block, saves in this thread leave the search fields alone and only note the
    release; `flush()` (call it at batch boundaries) and the end of the block index the noted
    releases in batches with `workers` processes. Until then they are not findable by search.

    `flush(wait=False)` hands the batch to the workers and returns at once, storing only what
    earlier batches have finished: segmentation then runs on the other core while the caller
    writes the next batch (the archive import), instead of one waiting for the other."""

    def __init__(self, workers=1, batch_size=limits.INDEX_BATCH_SIZE):
        self.workers, self.batch_size = workers, batch_size
        self.ids = set()
        # One pool for the whole block: the workers' syllable caches stay warm between flushes.
        self._pool = self._pool_fingerprint = None
        self._pending = collections.deque()

    def __enter__(self):
        self._outer = getattr(_deferred, "current", None)
        _deferred.current = self
        return self

    def __exit__(self, exc_type, *exc_info):
        _deferred.current = self._outer
        try:
            # Also after an error or Ctrl-C: what was committed gets indexed now.
            self.flush()
        finally:
            self._close_pool()

    def note(self, ids):
        self.ids.update(pk for pk in ids if pk is not None)

    def flush(self, wait=True):
        """Index the noted releases; returns how many were stored by this call."""
        ids, self.ids = sorted(self.ids), set()
        done = 0
        if ids and self.workers < 2:
            done += reindex_queryset(Release.objects.filter(pk__in=ids), batch_size=self.batch_size)
        elif ids:
            pool = self._worker_pool()
            for start in range(0, len(ids), self.batch_size):
                self._pending.append(_submit(pool, _batch_rows(ids[start : start + self.batch_size])))
        while self._pending and (wait or self._pending[0][1].ready()):
            done += _collect(self._pending.popleft(), None)
        return done

    def _worker_pool(self):
        global _WORKER_TRIE
        _WORKER_TRIE = dictionary.trie(verify=True)
        if self._pool is not None and self._pool_fingerprint != dictionary._fingerprint:
            # Officials changed: the workers' copy of the dictionary is stale. Batches they
            # already took were segmented with the names as they were when they were written.
            while self._pending:
                _collect(self._pending.popleft(), None)
            self._close_pool()
        if self._pool is None:
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
            self._pool_fingerprint = dictionary._fingerprint
        return self._pool

    def _close_pool(self):
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


def deferring():
    return getattr(_deferred, "current", None)



def reindex(ids=None, official=None, batch_size=limits.INDEX_BATCH_SIZE):
    """Recompute the search fields of releases by id, or of one official's releases."""
    if ids is not None and official is None and deferring():
        deferring().note(ids)
        return 0
    queryset = Release.objects.all()
    if official is not None:
        queryset = queryset.filter(officials=official)
    elif ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        queryset = queryset.filter(pk__in=ids)
    return reindex_queryset(queryset, batch_size=batch_size)


def reindex_queryset(queryset, batch_size=limits.INDEX_BATCH_SIZE, progress=None, workers=1, pool=None):
    """Recompute and store the search fields for `queryset`, in batches; returns the count.

    workers > 1 segments in that many forked processes (segmentation is pure Python and
    single-core; threads would not help) while this process reads and writes the database;
    or in `pool` (of `workers` processes), forked by the caller after setting _WORKER_TRIE; left open.
    """
    global _WORKER_TRIE
    _WORKER_TRIE = trie = dictionary.trie(verify=True)
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    batches = [pks[start : start + batch_size] for start in range(0, len(pks), batch_size)]
    done = 0
    if workers > 1 or pool is not None:
        # Forked workers inherit the trie (shared copy-on-write). Reads stay in this thread
        # (Django's connections are per thread); writes too, but on PostgreSQL (_submit).
        pending = collections.deque()
        with contextlib.nullcontext(pool) if pool is not None else multiprocessing.get_context("fork").Pool(workers) as pool:
            for batch in batches:
                pending.append(_submit(pool, _batch_rows(batch)))
                if len(pending) > 2 * workers:
                    done += _collect(pending.popleft(), progress)
            while pending:
                done += _collect(pending.popleft(), progress)
    else:
        for batch in batches:
            done += _store(_segment_rows(_batch_rows(batch)), progress)
    return done


_WORKER_TRIE = None


def _batch_rows(pks):
    releases = Release.objects.filter(pk__in=pks).only("pk", "title", "summary", "body").prefetch_related("officials")
    return [(r.pk, r.title, r.summary, r.plain_body, official_names(r)) for r in releases]


def _segment_rows(rows):
    return [(pk, build_document(title, summary, body, names, _WORKER_TRIE)) for pk, title, summary, body, names in rows]


def workers_store():
    """Whether the workers write what they segment, each over its own connection (the
    backend's choice; never inside a transaction, whose rows another connection cannot see
    yet: the tests run in one)."""
    return backend().workers_store and not connection.in_atomic_block


def _submit(pool, rows):
    """Hand a batch to the workers; `_collect` takes the result."""
    if workers_store():
        return True, pool.apply_async(_segment_and_store_rows, (rows, os.getpid()))
    return False, pool.apply_async(_segment_rows, (rows,))


def _collect(job, progress):
    """Wait for a batch handed over by `_submit`, store it here if the worker did not; its count."""
    stored_there, result = job
    if not stored_there:
        return _store(result.get(), progress)
    count = result.get()
    if progress:
        progress(count)
    return count


def _segment_and_store_rows(rows, parent_pid):
    if os.getpid() != parent_pid:
        _own_connections()
    return _store(_segment_rows(rows), None)


_INHERITED_CONNECTIONS = []


def _own_connections():
    """In a forked worker: its own database connections from now on (opened when first used).

    The parent's came with the fork. Closing or even freeing one would end the parent's session
    (libpq says goodbye over the shared socket), so they are kept, unused, until os._exit.

    Django has no public way to drop a handler's connections without closing them, so this
    swaps the private `connections._connections` (an asgiref Local) for a fresh one. If Django
    renames or reshapes it, workers would reuse the parent's socket and corrupt its session:
    tests/search/test_indexing.py (forked workers storing over their own connections, on PostgreSQL) fails."""
    import multiprocessing.util

    from asgiref.local import Local
    from django.db import connections

    if _INHERITED_CONNECTIONS:
        return
    _INHERITED_CONNECTIONS.append(connections._connections)
    connections._connections = Local(connections.thread_critical)
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _store(documents, progress):
    """Write a batch of (pk, document) and report it; its count."""
    if documents:
        backend().store_documents(documents)
    if progress:
        progress(len(documents))
    return len(documents)


# --- the index itself (the backend's DDL), for the commands and the post_migrate check ------


def ensure_index(conn=None):
    """After migrate: reinstall what a later migration dropped, and resync."""
    conn = conn or connection
    backend(conn).ensure_index(conn)


def rebuild_fts(conn=None):
    """Rebuild the index from the search fields after bulk writes (SQLite's FTS5 table; PostgreSQL's
    trigger needs nothing)."""
    conn = conn or connection
    backend(conn).rebuild_index(conn)


def compact_releases(conn=None):
    """Give back the space of old row versions after rewriting every release (rebuild_search_index
    --vacuum): PostgreSQL's VACUUM FULL (an exclusive lock while it runs) and fresh statistics,
    which search plans by; SQLite's VACUUM. Not inside a transaction (neither database allows it)."""
    conn = conn or connection
    backend(conn).compact(conn)
