"""What is in the inbox: every file with its name relative to the inbox and its sha256.

A file is identified by (path relative to the inbox, sha256); what of it is new to the warehouse
is decided in planning.py.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InboxFile:
    path: Path
    relative: str  # posix path relative to the inbox: audit.ingest_files.file_name
    sha256: str
    size: int
    mtime_ns: int = 0


# sha256 per (path, size, mtime_ns), for this process: a refresh's plan (the CLI) and its run (in
# the same process) hash each file once. A file rewritten in place gets a new mtime, so a new key.
_HASHES: dict[tuple[str, int, int], str] = {}


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def relative_name(path: Path, inbox: Path) -> str:
    """`path` relative to the inbox, as posix text. Bytes of a name that are not UTF-8 (a Latin-1
    name on a UTF-8 file system) become `\\xe9` escapes: a stable name that DuckDB, the audit and
    the terminal can hold (Python's surrogate escapes cannot be encoded, and crashed the load)."""
    relative = Path(path).relative_to(inbox).as_posix()
    return os.fsencode(relative).decode("utf-8", errors="backslashreplace")


def files(inbox: Path) -> list[Path]:
    """Every regular file under the inbox, hidden files and folders skipped, in a stable order:
    the one rule of what the inbox holds (the scan, the location's banner and the partitions'
    start all list it this way)."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(inbox):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [path for name in names if not name.startswith(".") and (path := Path(folder, name)).is_file()]
    return sorted(found)


def scan(inbox: Path, known_hash: Callable[[str, os.stat_result], str | None] | None = None) -> list[InboxFile]:
    """Every regular file under the inbox (hidden files and folders skipped), in a stable order.

    `known_hash(name, stat)` may return the sha256 already recorded for a file of that name, size
    and mtime (the sensor's cursor), so an unchanged file is not read again."""
    inbox = Path(inbox)
    found = []
    for path in files(inbox):
        name, stat = relative_name(path, inbox), path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        sha = (known_hash(name, stat) if known_hash else None) or _HASHES.get(key) or _hash(path)
        _HASHES[key] = sha
        found.append(InboxFile(path, name, sha, stat.st_size, stat.st_mtime_ns))
    return found
