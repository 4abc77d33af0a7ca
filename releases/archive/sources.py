"""Finding an archive's source files: walks directories lazily and says why each other entry is skipped."""

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

# A release's documents live in `<file name>.documents/` beside its file (documents.py).
DOCUMENTS_SUFFIX = ".documents"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class SourceFile:
    path: str
    stem: str


@dataclass
class Skipped:
    path: str
    reason: str


def _inside(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def unusable_name(name):
    """Why a file name cannot become a source key (it would break the keys' one-line reports), or ""."""
    if "\n" in name or "\r" in name:
        return "line break in the file name: not usable as a source key"
    if _CONTROL.search(name):
        return "control character in the file name: not usable as a source key"
    return ""


def _cannot_inspect(exc):
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return f"cannot inspect: {exc.strerror or exc}"


def iter_sources(paths):
    """SourceFile or Skipped for each file under `paths`, found lazily (nothing is listed up front).

    Directories are walked recursively in name order; hidden entries, files not ending in
    .txt, symbolic links leading outside the directory given or round in a loop, anything but
    regular files (FIFOs, sockets, devices), entries that cannot be inspected and names with
    a line break are skipped, each with its reason. A file named explicitly is taken whatever
    its name's ending.
    """
    for given in paths:
        given = os.fspath(given)
        try:
            mode = os.stat(given).st_mode
        except FileNotFoundError:
            yield Skipped(given, "no such file or directory")
            continue
        except OSError as exc:
            yield Skipped(given, _cannot_inspect(exc))
            continue
        if stat.S_ISREG(mode):
            reason = unusable_name(Path(given).name)
            yield Skipped(given, reason) if reason else SourceFile(given, Path(given).stem)
            continue
        if not stat.S_ISDIR(mode):
            yield Skipped(given, "not a regular file")
            continue
        yield from _walk(given)


def _walk(given):
    root = os.path.realpath(given)
    visited = {root}
    stack = [given]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as found:
                entries = sorted(found, key=lambda entry: entry.name)
        except OSError as exc:
            yield Skipped(directory, f"cannot list directory: {exc.strerror}")
            continue
        subdirectories = []
        for entry in entries:
            if entry.name.startswith("."):
                yield Skipped(entry.path, "hidden")
                continue
            reason = unusable_name(entry.name)
            if reason:
                yield Skipped(entry.path, reason)
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not _inside(target, root):
                        yield Skipped(entry.path, "symbolic link leading outside the directory")
                        continue
                is_dir = entry.is_dir()  # follows links: ELOOP for a loop
                is_file = not is_dir and entry.is_file()
            except OSError as exc:
                yield Skipped(entry.path, _cannot_inspect(exc))
                continue
            if is_dir and entry.name.endswith(DOCUMENTS_SUFFIX):
                continue  # a release's documents (documents.py), read with its file
            if is_dir:
                real = os.path.realpath(entry.path)
                if real not in visited:
                    visited.add(real)
                    subdirectories.append(entry.path)
            elif not is_file:
                yield Skipped(entry.path, "not a regular file")
            elif not entry.name.lower().endswith(".txt"):
                yield Skipped(entry.path, "not a .txt file")
            else:
                yield SourceFile(entry.path, entry.name[:-4])
        stack.extend(reversed(subdirectories))


def count_sources(paths):
    """How many files `iter_sources` will yield (for a progress bar's total); keeps nothing."""
    return sum(1 for item in iter_sources(paths) if isinstance(item, SourceFile))
