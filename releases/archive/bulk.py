"""The bulk machinery of an import: files looked up and parsed ahead in chunks by worker processes,
indexing in batches, lazy commits and memory handed back; the rules for one file are in upsert.py."""

import collections
import contextlib
import ctypes
import gc
from dataclasses import dataclass, field

from django.db import connection

from .. import caching, search
from ..models import Release
from .format import ParsedRelease, SourceError, checksum, decode, parse, read_source
from .officials import find_people
from .sources import SourceFile, iter_sources

# Bulk mode: written releases are indexed for search (and the page cache renewed) every this many.
BULK_BATCH_FILES = 500
# Releases already imported are looked up for this many upcoming files in one query, not one each;
# in bulk mode with workers, the same chunk is read and parsed ahead by a pool of processes.
LOOKUP_FILES = 200
CHUNKS_AHEAD = 2
# Reading and parsing a file costs ~0.7 ms against ~2.3 ms of writing it: two readers keep ahead
# of the writer on any machine, and more would only hold more memory (each is a forked process).
MAX_READERS = 2
EXISTING_FIELDS = ("pk", "source_key", "source_checksum", "import_snapshot", "status", "search_title")
MAX_KEY_LENGTH = Release._meta.get_field("source_key").max_length


@dataclass
class Prepared:
    """One file as read and parsed (in a worker, ahead of its turn, or here): its checksum, the
    release parsed from it, or the error reading or parsing it raised; the known officials and
    the name candidates in it, as found by the matcher of `matcher_version` (-1: not looked for)."""

    path: str
    digest: str | None = None
    parsed: ParsedRelease | None = None
    read_error: Exception | None = None
    parse_error: Exception | None = None
    found: frozenset = frozenset()
    candidates: list = field(default_factory=list)
    matcher_version: int = -1


# In a reader worker: (matcher, its version, max bytes, today), set by Importer._reading_ahead before the fork.
_READER = None


def _prepare_files(files):
    """In a reader worker: Prepared for each (path, key, checksum already imported) of a chunk,
    parsed only when its checksum differs; as (key, Prepared) pairs."""
    matcher, version, max_bytes, today = _READER
    results = []
    for path, key, known in files:
        prepared = Prepared(path)
        try:
            raw = read_source(path, max_bytes)
        except (SourceError, OSError) as exc:
            prepared.read_error = exc
        else:
            prepared.digest = checksum(raw)
            if prepared.digest != known:
                try:
                    prepared.parsed = parse(decode(raw), today=today)
                except SourceError as exc:
                    prepared.parse_error = exc
                else:
                    found, prepared.candidates = find_people(matcher, prepared.parsed)
                    prepared.found, prepared.matcher_version = frozenset(found), version
        results.append((key, prepared))
    return results


@contextlib.contextmanager
def _lazy_commits():
    """On PostgreSQL, this connection's commits stop waiting for the WAL flush while the block runs.

    Each file is one transaction, and waiting for its commit to reach the disk was a quarter of a
    bulk import's time. A crash of the database server can then lose the last fraction of a
    second of commits — whole releases, never part of one — and re-running the import, which is
    idempotent, writes them again (docs/decisions.md). Nothing else uses this setting: it is
    reset when the block ends."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _return_freed_memory():
    """Collect cycles and hand freed heap back to the OS after a batch (~0.1 ms a file). Not a
    leak (the object count stays flat), but cyclic garbage waits for a full collection and glibc
    keeps the fragments of each batch's large strings: without this the importing process grew
    ~4 MB per 1,000 files (165 -> 200 MB over 10,000 files)."""
    gc.collect()
    _malloc_trim()


def _malloc_trim():
    """glibc's malloc_trim(0) through ctypes: Python has no public call that returns freed heap to
    the OS. Elsewhere (musl, macOS) there is no such function and nothing is done; if it broke, the
    import would still be right but grow, which only bench/import_bench.py's RSS column shows."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def index_unindexed():
    """Index the releases a killed run committed but never indexed (empty search title), whatever
    their files; how many. One scan of the releases table, at the start of each import."""
    ids = list(Release.objects.filter(search_title="").values_list("pk", flat=True))
    return search.reindex(ids) if ids else 0


class BulkRun:
    """The run over many files, mixed into the Importer: chunked look-ups, read-ahead workers and
    batched indexing around `import_file`, which applies the rules to one file."""

    def run(self, paths):
        """Outcomes of every file under `paths`, one at a time, as each is imported.

        In bulk mode, saves neither segment text for search nor renew the page cache one by one:
        every BULK_BATCH_FILES written files, and when the run ends (also by an error or Ctrl-C),
        the written releases are indexed in batches by `workers` processes and the cache renewed
        once. A killed run leaves up to two batches unindexed; the next import indexes them first.
        While the generator is suspended, saves made by its caller in this thread are deferred too.
        """
        if not self.dry_run:
            self.totals["indexed"] += index_unindexed()
        if not self.bulk:
            yield from self._run(paths)
            return
        with search.frozen_heap(), caching.deferred(), _lazy_commits(), search.deferred_indexing(workers=self.workers) as indexing:
            self._indexing = indexing
            try:
                with self._reading_ahead():
                    yield from self._run(paths)
            finally:
                self._indexing = None
                self.totals["indexed"] += indexing.flush()

    @contextlib.contextmanager
    def _reading_ahead(self):
        """With workers: a pool of processes that read, decode and parse files (and find the
        officials and name candidates in them) a chunk or two ahead of their turn, so that this
        process only writes. Forked after the dictionaries are built (frozen_heap), so they are
        shared; each worker keeps the matcher as it was at the fork (_matcher_version says when
        its findings are stale). The pool never touches the database."""
        if self.workers < 2:
            yield
            return
        import multiprocessing

        global _READER
        _READER = (self.matcher, self._matcher_version, self.max_bytes, self.today)
        self._reader_pool = multiprocessing.get_context("fork").Pool(min(self.workers, MAX_READERS))
        try:
            yield
        finally:
            _READER = None
            self._reader_pool.terminate()  # nothing of value left in it: results not yet taken are dropped
            self._reader_pool.join()
            self._reader_pool = None

    def _batch_done(self):
        """At a batch boundary in bulk mode: index what was written since the last one."""
        indexing = self._indexing
        if indexing is not None and len(indexing.ids) >= BULK_BATCH_FILES:
            # Segmented by the workers while the next batch is written; stored at the next boundary.
            self.totals["indexed"] += indexing.flush(wait=False)
            caching.bump_and_prepare()
            _return_freed_memory()

    def _run(self, paths):
        for item in self._looking_ahead(iter_sources(paths)):
            if isinstance(item, SourceFile):
                outcome = self.import_file(item.path, item.stem)
                self._batch_done()
                yield outcome
            else:
                yield self.skipped(item)

    def _looking_ahead(self, items):
        """`items`, each chunk of LOOKUP_FILES first looked up in one query and, with a reader
        pool, handed to it CHUNKS_AHEAD chunks before its turn (the archive stays streamed:
        a few hundred paths and parsed files are held at a time)."""
        ahead = collections.deque()
        for chunk in _chunks(items, LOOKUP_FILES):
            ahead.append(self._look_up(chunk))
            if len(ahead) > (CHUNKS_AHEAD if self._reader_pool is not None else 0):
                yield from self._turn_of(*ahead.popleft())
        while ahead:
            yield from self._turn_of(*ahead.popleft())

    def _look_up(self, chunk):
        files = [(item, self.key_for(item.stem)) for item in chunk if isinstance(item, SourceFile)]
        keys = [key for _item, key in files if len(key) <= MAX_KEY_LENGTH]
        looked_up = dict.fromkeys(keys)
        if keys:
            for row in Release.objects.filter(source_key__in=keys).values(*EXISTING_FIELDS):
                looked_up[row["source_key"]] = row
        reading = None
        if self._reader_pool is not None and files:
            known = [(item.path, key, (looked_up.get(key) or {}).get("source_checksum")) for item, key in files]
            reading = self._reader_pool.apply_async(_prepare_files, (known,))
        return chunk, looked_up, reading

    def _turn_of(self, chunk, looked_up, reading):
        self._looked_up = looked_up
        self._prepared = {key: prepared for key, prepared in reading.get()} if reading is not None else {}
        try:
            yield from chunk
        finally:
            self._looked_up, self._prepared = {}, {}

    def _existing(self, key):
        """The release `key` names, as looked up ahead (a second or so ago) or now."""
        if key in self._looked_up:
            return self._looked_up.pop(key)
        # Not .first(): with its ORDER BY id, SQLite walks the whole table in id order instead of
        # using the unique key's index (slower with every release imported).
        return next(iter(Release.objects.filter(source_key=key).values(*EXISTING_FIELDS)), None)
