"""Finding an archive's source files: walks directories lazily and says why each other entry is skipped."""

import os
from dataclasses import dataclass
from pathlib import Path


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


def iter_sources(paths):
    """SourceFile or Skipped for each file under `paths`, found lazily (nothing is listed up front).

    Directories are walked recursively in name order; hidden entries, files not ending in
    .txt and symbolic links leading outside the directory given are skipped. A file named
    explicitly is taken whatever its name.
    """
    for given in paths:
        given = os.fspath(given)
        if os.path.isfile(given):
            yield SourceFile(given, Path(given).stem)
            continue
        if not os.path.isdir(given):
            yield Skipped(given, "no such file or directory")
            continue
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
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not _inside(target, root):
                        yield Skipped(entry.path, "symbolic link leading outside the directory")
                        continue
                    if os.path.isdir(target):
                        if target not in visited:
                            visited.add(target)
                            subdirectories.append(entry.path)
                        continue
                if entry.is_dir():
                    real = os.path.realpath(entry.path)
                    if real not in visited:
                        visited.add(real)
                        subdirectories.append(entry.path)
                elif not entry.is_file():
                    yield Skipped(entry.path, "not a regular file")
                elif not entry.name.lower().endswith(".txt"):
                    yield Skipped(entry.path, "not a .txt file")
                else:
                    yield SourceFile(entry.path, entry.name[:-4])
            stack.extend(reversed(subdirectories))


def count_sources(paths):
    """How many files `iter_sources` will yield (for a progress bar's total); keeps nothing."""
    return sum(1 for item in iter_sources(paths) if isinstance(item, SourceFile))
