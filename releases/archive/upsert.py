"""The upsert of one file: created or updated, an editor's changes kept (import snapshot), officials linked."""

import datetime
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.functions import Greatest
from django.utils import timezone

from .. import search, thai
from ..models import Category, Official, Release
from ..taxonomy.suggest import SubjectMatcher, apply_suggestions

from ..redirects.models import LegacyURL
from .bulk import MAX_KEY_LENGTH, BulkRun, Prepared
from .documents import DocumentAttacher
from .format import DEFAULT_MAX_BYTES, SourceError, SourceSkipped, checksum, decode, parse, read_source
from .officials import HONORIFIC_LENGTH, OfficialMatcher, find_people, official_slug
from .photos import PhotoAttacher
from .sources import unusable_name

PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
# Fields the import writes and an editor may change afterwards; long text is remembered by digest.
TRACKED = ("title", "body", "summary", "language", "category", "release_date", "expected_image_count", "officials")
# A field written only together with the field it is derived from.
DERIVED_FROM = {"slug": "title", "summary": "body"}


def _digest(text):
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(values):
    """The import-snapshot form of field values: JSON-safe, long text as a digest."""
    result = {}
    for name, value in values.items():
        if name in ("body", "summary"):
            value = _digest(value)
        elif name == "release_date":
            value = value.isoformat()
        elif name == "officials":
            value = sorted(value)
        result[name] = value
    return result


@dataclass
class Outcome:
    path: str
    key: str = ""
    status: str = ""  # created, updated, unchanged, failed or skipped
    reason: str = ""
    line: int | None = None
    conflicts: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def shown_path(self):
        """The path on one line of a report: a line break in a file name is written as \\n."""
        return self.path.replace("\n", "\\n").replace("\r", "\\r")

    def location(self):
        return f"{self.shown_path}:{self.line}" if self.line else self.shown_path


class Importer(BulkRun, PhotoAttacher, DocumentAttacher):
    """Imports source files one by one, each in its own transaction. Counts outcomes in `totals`."""

    def __init__(
        self, *, category="press-release", publish=False, images_dir=None, source_prefix="", dry_run=False,
        create_officials=False, max_bytes=DEFAULT_MAX_BYTES, today=None, now=None, bulk=False, workers=None,
    ):
        if source_prefix and not PREFIX_RE.match(source_prefix):
            raise ValueError(f"source prefix {source_prefix!r}: use Latin letters, digits, '.', '_' or '-'")
        try:
            self.category = Category.objects.get(slug=category)
        except Category.DoesNotExist:
            raise ValueError(f"no category with slug {category!r}") from None
        if images_dir is not None and not os.path.isdir(images_dir):
            raise ValueError(f"images directory {images_dir!r} does not exist")
        self.publish = publish
        self.images_dir = Path(images_dir) if images_dir is not None else None
        self._photo_texts = self._load_photo_texts(images_dir) if images_dir is not None else {}
        self.source_prefix = source_prefix
        self.dry_run = dry_run
        self.create_officials = create_officials
        self.max_bytes = max_bytes
        self.today = today or timezone.localdate()
        self.now = now or timezone.now()
        self.matcher = OfficialMatcher.from_database()
        self.totals = Counter()
        self.candidate_counts = Counter()
        self._seen_keys = set()
        self._looked_up = {}  # source key -> its release's EXISTING_FIELDS (None: not imported yet)
        self._prepared = {}  # source key -> Prepared: read and parsed ahead by a worker
        self._reader_pool = None
        self._matcher_version = 0  # +1 for each official the matcher learns during the run
        # bulk: run() defers search indexing and page-cache renewal to batch boundaries (see run()).
        self.bulk = bulk
        self.workers = workers or os.cpu_count() or 1
        self._indexing = None
        self._pending_officials = []
        self._subjects = None  # the countries' and topics' names, read at the first new release

    def key_for(self, stem):
        return f"{self.source_prefix}/{stem}" if self.source_prefix else stem

    def skipped(self, item):
        """The outcome of an entry `iter_sources` skipped: a path given that does not exist fails the run."""
        outcome = Outcome(item.path, status="skipped", reason=item.reason)
        if item.reason == "no such file or directory":
            outcome.status = "failed"
        self.totals[outcome.status] += 1
        return outcome

    def import_file(self, path, stem):
        outcome = Outcome(os.fspath(path), key=self.key_for(stem))
        try:
            self._import(outcome, stem)
            self._attach_documents_if_missing(outcome, path)
        except SourceSkipped as exc:
            outcome.status, outcome.reason = "skipped", exc.reason
        except SourceError as exc:
            outcome.status, outcome.reason, outcome.line = "failed", exc.reason, exc.line
        except ValidationError as exc:
            outcome.status, outcome.reason = "failed", _validation_message(exc)
        except (OSError, DatabaseError) as exc:
            outcome.status, outcome.reason = "failed", f"{type(exc).__name__}: {exc}".strip()
        self.totals[outcome.status] += 1
        if outcome.conflicts:
            self.totals["conflicts"] += 1
        for candidate in outcome.candidates:
            self.candidate_counts[str(candidate)] += 1
        return outcome

    # --- one file ----------------------------------------------------------------------------
    def _import(self, outcome, stem):
        key = outcome.key
        if len(key) > MAX_KEY_LENGTH:
            raise SourceError(f"source key is {len(key)} characters long, over the limit of {MAX_KEY_LENGTH}")
        if unusable_name(key):
            raise SourceError(unusable_name(key).split(":")[0].replace("file name", "source key"))
        if key in self._seen_keys:
            raise SourceError(f"another file in this run has the same name (source key {key!r})")
        self._seen_keys.add(key)
        prepared = self._prepared.pop(key, None)
        if prepared is not None and prepared.path != outcome.path:
            prepared = None
        raw = None
        if prepared is None:
            raw = read_source(outcome.path, self.max_bytes)
            digest = checksum(raw)
        elif prepared.read_error is not None:
            raise prepared.read_error
        else:
            digest = prepared.digest
        existing = self._existing(key)
        if existing and not existing["search_title"] and not self.dry_run:
            # Written by a bulk run that was killed before indexing it (or a title of punctuation only).
            search.reindex([existing["pk"]])
        if existing and self._nothing_new(existing, digest):
            outcome.status = "unchanged"
            self._attach_photos_if_missing(existing["pk"], stem, outcome)
            return
        if prepared is not None and prepared.parse_error is not None:
            raise prepared.parse_error
        if prepared is None or prepared.parsed is None:
            # Not read ahead, or the worker skipped parsing (same checksum as looked up) and
            # something else (category, --publish) makes it worth writing.
            if raw is None:
                raw = read_source(outcome.path, self.max_bytes)
                digest = checksum(raw)
            prepared = Prepared(outcome.path, digest, parsed=parse(decode(raw), today=self.today))
        parsed = prepared.parsed
        self._pending_officials = []
        with transaction.atomic():
            # Locked and read again: deleted in the admin since it was looked up, it is created anew.
            release = existing and Release.objects.select_for_update().filter(pk=existing["pk"]).first()
            if release:
                self._update(release, prepared, digest, stem, outcome)
            else:
                self._create(prepared, key, digest, stem, outcome)
            if self.dry_run:
                transaction.set_rollback(True)
        for official in self._pending_officials:
            self.matcher.add(official)
            self._matcher_version += 1

    def _nothing_new(self, existing, digest):
        snapshot = existing["import_snapshot"] or {}
        return (
            existing["source_checksum"] == digest
            and snapshot.get("category") == self.category.pk
            and not (self.publish and existing["status"] == Release.Status.DRAFT and snapshot.get("status") == Release.Status.DRAFT)
        )

    def _values(self, parsed, officials):
        values = {
            "title": parsed.title,
            "body": parsed.body,
            "language": parsed.language,
            "category": self.category.pk,
            "release_date": parsed.release_date,
            "expected_image_count": parsed.expected_image_count,
            "officials": officials,
        }
        values["summary"] = Release(body=parsed.body).derive_summary()
        return values

    def _publish_at(self, release_date):
        morning = timezone.make_aware(datetime.datetime.combine(release_date, datetime.time(9, 0)))
        # Never in the future: that would hide the release as "scheduled".
        return min(morning, self.now)

    def _create(self, prepared, key, digest, stem, outcome):
        parsed = prepared.parsed
        officials = self._officials(prepared, outcome)
        values = self._values(parsed, officials)
        status = Release.Status.PUBLISHED if self.publish else Release.Status.DRAFT
        release = Release(
            source_key=key,
            source_checksum=digest,
            view_count=parsed.view_count,
            status=status,
            publish_at=self._publish_at(parsed.release_date) if self.publish else None,
            slug=thai.slugify(parsed.title),
            **{name: value for name, value in values.items() if name not in ("category", "officials")},
            category_id=self.category.pk,
        )
        release.import_snapshot = {**fingerprint(values), "slug": release.slug, "status": status}
        _validate(release)
        # The search index is built in save(); it learns the officials' names from here, and the
        # links are inserted directly, so that linking does not segment the whole text again.
        _name_officials_before_save(release, [name for pk in officials for name in self.matcher.names_of(pk)])
        release.save()
        if officials:
            Link = Release.officials.through
            Link.objects.bulk_create([Link(release_id=release.pk, official_id=pk) for pk in officials])
        # New releases only: on an update the editor may have removed a suggested country or topic.
        if self._subjects is None:
            self._subjects = SubjectMatcher()
        apply_suggestions(release, self._subjects)
        if parsed.original_url:
            LegacyURL.objects.record(parsed.original_url, release)
        outcome.status = "created"
        self._attach_photos(release, stem, outcome)

    def _update(self, release, prepared, digest, stem, outcome):
        parsed, pk = prepared.parsed, release.pk
        current = {name: getattr(release, name) for name in TRACKED if name not in ("category", "officials")}
        current["category"] = release.category_id
        current["officials"] = list(release.officials.values_list("pk", flat=True))
        snapshot = dict(release.import_snapshot or {})
        officials = self._officials(prepared, outcome)
        new = self._values(parsed, officials)
        new_prints, current_prints = fingerprint(new), fingerprint(current)

        written, kept = set(), set()
        for name in TRACKED:
            if new_prints[name] == current_prints[name]:
                snapshot[name] = new_prints[name]  # both sides agree: the import owns the value again
                continue
            parent = DERIVED_FROM.get(name)
            if name in snapshot and snapshot[name] == current_prints[name] and parent not in kept:
                written.add(name)
                snapshot[name] = new_prints[name]
            else:
                kept.add(name)
        if "title" in written and release.slug == snapshot.get("slug"):
            release.slug = snapshot["slug"] = thai.slugify(new["title"])
            written.add("slug")

        status_changed = False
        if self.publish and release.status == Release.Status.DRAFT:
            if snapshot.get("status") == Release.Status.DRAFT:
                release.status, release.publish_at = Release.Status.PUBLISHED, self._publish_at(parsed.release_date)
                snapshot["status"] = Release.Status.PUBLISHED
                status_changed = True
            else:
                kept.add("status")  # an editor unpublished what the import had published

        for name in written:
            if name == "category":
                release.category_id = new["category"]
            elif name != "officials" and name != "slug":
                setattr(release, name, new[name])
        release.source_checksum = digest
        release.import_snapshot = snapshot
        model_fields = {name for name in written if name != "officials"}
        if model_fields or status_changed:
            _validate(release)
            update = model_fields | {"source_checksum", "import_snapshot"} | ({"status", "publish_at"} if status_changed else set())
            release.save(update_fields=update)
        else:
            # Bookkeeping only: no history row for it.
            Release.objects.filter(pk=pk).update(source_checksum=digest, import_snapshot=snapshot)
        if "officials" in written:
            release.officials.set(officials)
        if parsed.original_url:
            LegacyURL.objects.record(parsed.original_url, release)
        # Never lower a count the live site has raised since; Greatest() keeps concurrent increments.
        raised = parsed.view_count > release.view_count
        if raised:
            Release.objects.filter(pk=pk).update(view_count=Greatest("view_count", parsed.view_count))
        outcome.conflicts = sorted(kept)
        attached = self._attach_photos_if_missing(pk, stem, outcome, release=release)
        outcome.status = "updated" if (written or status_changed or raised or attached) else "unchanged"

    # --- officials ---------------------------------------------------------------------------
    def _officials(self, prepared, outcome):
        if prepared.matcher_version == self._matcher_version:
            found, candidates = set(prepared.found), prepared.candidates  # found by a worker
        else:
            found, candidates = find_people(self.matcher, prepared.parsed)
        for candidate in candidates:
            if self.matcher.knows(candidate.name) or self.matcher.knows(str(candidate)):
                continue
            if self.create_officials and not self.dry_run:
                official = self._create_official(candidate)
                found.add(official.pk)
                outcome.notes.append(f"created official {candidate} ({official.slug})")
            else:
                outcome.candidates.append(candidate)
        return sorted(found)

    def _create_official(self, candidate):
        latin = candidate.name.isascii()
        official = Official(
            honorific=candidate.honorific[:HONORIFIC_LENGTH],
            name_th=candidate.name,
            name_en=candidate.name if latin else "",
            aliases=str(candidate),
            slug=official_slug(candidate),
        )
        official.full_clean()
        official.save()
        # Other files may link to it only once this file's transaction has gone through.
        self._pending_officials.append(official)
        return official


def _validate(release):
    """full_clean() less the checks that cost a query per file and that the database repeats anyway.

    Field values (lengths, choices, required fields: SQLite would not check lengths) and
    Release.clean() are checked in Python on both databases alike. The category was looked up
    once per run; the unique source key and the check constraints are enforced by both
    databases, and a violation fails the file like any other error.
    """
    release.full_clean(exclude={"category"}, validate_unique=False, validate_constraints=False)


def _validation_message(exc):
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def _name_officials_before_save(release, names):
    """Tells search the officials' names of a release not saved (so not linked) yet.

    An unwritten contract with releases.search, which reads `pending_official_names` off the
    unsaved instance (there is no public way to pass it through save()). If search stopped reading
    it, a created release's search document would lack its officials' names until its next save:
    tests/archive/test_officials.py::test_search_index_of_a_created_release_names_its_officials.
    """
    release.pending_official_names = names
