"""What is in the inbox, and what of it is new to the warehouse.

A file is identified by (path relative to the inbox, sha256). Same bytes again → nothing to do;
same bytes under another name → a `duplicate` audit row, no rows; a known name with new bytes →
the new version is landed and the old one superseded.
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


def scan(inbox: Path, known_hash: Callable[[str, os.stat_result], str | None] | None = None) -> list[InboxFile]:
    """Every regular file under the inbox (hidden files and folders skipped), in a stable order.

    `known_hash(name, stat)` may return the sha256 already recorded for a file of that name, size
    and mtime (the sensor's cursor), so an unchanged file is not read again."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        return []
    found = []
    for path in sorted(inbox.rglob("*")):
        relative = path.relative_to(inbox)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        name, stat = relative_name(path, inbox), path.stat()
        sha = (known_hash(name, stat) if known_hash else None) or _hash(path)
        found.append(InboxFile(path, name, sha, stat.st_size, stat.st_mtime_ns))
    return found


@dataclass(frozen=True)
class Plan:
    new: list[InboxFile]  # to land (includes changed versions of known names)
    duplicates: list[tuple[InboxFile, str]]  # (file, name of the file that already holds these bytes)
    unchanged: list[InboxFile]

    @property
    def is_empty(self) -> bool:
        return not self.new and not self.duplicates


def plan(files: list[InboxFile], known: set[tuple[str, str]]) -> Plan:
    """Split the inbox by what the warehouse already holds (`known` = its (file_name, sha256) pairs)."""
    holder = {sha: name for name, sha in sorted(known)}
    new, duplicates, unchanged = [], [], []
    for f in files:
        if (f.relative, f.sha256) in known:
            unchanged.append(f)
        elif f.sha256 in holder:
            duplicates.append((f, holder[f.sha256]))
        else:
            holder[f.sha256] = f.relative  # a second copy in the same drop is a duplicate of the first
            new.append(f)
    return Plan(new, duplicates, unchanged)
