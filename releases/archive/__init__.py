"""The archive: import of scraped press-release text files and export back to them (see docs/import.md).

format.py reads and writes the file format; sources.py finds files; officials.py recognises
officials' names; upsert.py applies the rules to one file; bulk.py runs many files fast;
photos.py attaches photos; export.py writes releases back.
"""

from .export import Written, export_releases
from .format import DEFAULT_MAX_BYTES, ParsedRelease, SourceError, SourceSkipped, decode, parse, read_source, relative_path, render
from .officials import Candidate, OfficialMatcher, find_candidates
from .sources import Skipped, SourceFile, count_sources, iter_sources
from .upsert import Importer, Outcome

__all__ = [
    "DEFAULT_MAX_BYTES", "Candidate", "Importer", "OfficialMatcher", "Outcome", "ParsedRelease", "Skipped",
    "SourceError", "SourceFile", "SourceSkipped", "Written", "count_sources", "decode", "export_releases", "find_candidates",
    "iter_sources", "parse", "read_source", "relative_path", "render",
]
