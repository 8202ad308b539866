"""What a format module provides, and what parsing a file returns.

Two shapes of format:
- `TableFormat`: a delimited text table (CSV/TSV, any encoding, optional preamble). The shared
  reader in `formats/text.py` decodes, finds the header and splits the rows; the format only says
  whether a header is its own (`matches`) and how to map the string columns (`to_canonical`).
- `ContainerFormat`: anything that is not one text table (xlsx, zip, Atom XML, JSON); it
  recognises raw bytes (`sniff`) and reads them itself (`read`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

# A String column `to_canonical` may add: why the row is unusable (null = usable). Landing
# quarantines such rows with this reason; for values a format can tell are wrong but that would
# otherwise parse to a silent null (formats/referring_domains.py).
REASON_COLUMN = "_format_reason"


class UnrecognisedExport(ValueError):
    """The file is not a supported export (or is empty/unreadable as a whole): reject it with this message."""


@dataclass(frozen=True)
class TableFormat:
    name: str  # e.g. "ahrefs_backlinks"; stored as audit.ingest_files.detected_format
    kind: str  # "backlinks" | "mentions" | "rankings" | "ledger" | "referring_domains"
    source_tool: str  # "ahrefs" | "semrush" | ...
    # Given the header names normalised by `text.normalise_header` (lowercase, trimmed, BOM and
    # quotes removed, inner whitespace collapsed), is this our header?
    matches: Callable[[list[str]], bool]
    # String frame (columns = normalised header names, all pl.String, plus "row_number") ->
    # frame with "row_number" and any subset of the kind's canonical columns, typed.
    to_canonical: Callable[[pl.DataFrame], pl.DataFrame]
    # Optional: the snapshot date the contents imply (e.g. max "Last crawled"), for files whose
    # name carries no date.
    snapshot_from_rows: Callable[[pl.DataFrame], dt.date | None] | None = None
    # Optional: rewrite the decoded text before the table is split (e.g. unwrap a wide layout).
    preprocess: Callable[[str], str] | None = None


@dataclass(frozen=True)
class ContainerFormat:
    name: str
    kind: str
    source_tool: str
    sniff: Callable[[bytes, str], bool]  # (data, file_name) -> is it ours?
    read: Callable[[bytes, str], ParsedExport]


@dataclass
class ParsedExport:
    format_name: str
    kind: str
    source_tool: str
    # "row_number" (1-based data row), any subset of the kind's canonical columns
    # (schema.KINDS[kind]) and "raw" (the row's original text, for quarantine) unless `raw_lookup`
    # finds it on demand; host/domain columns are derived later by the landing step. A format may
    # add REASON_COLUMN (String): a non-null value quarantines its row with that reason.
    rows: pl.DataFrame
    # Rows the reader could not use: "row_number", "reason", "raw".
    rejected: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"row_number": pl.Int64, "reason": pl.String, "raw": pl.String})
    )
    snapshot_hint: dt.date | None = None  # date implied by the contents, if any
    notes: list[str] = field(default_factory=list)  # non-fatal observations worth showing a user
    # row numbers -> their original text, in the same order: the text reader keeps no "raw" column
    # (a copy of the whole file) and finds the text of the few quarantined rows when asked
    raw_lookup: Callable[[pl.Series], pl.Series] | None = None

    def raw_of(self, row_numbers: pl.Series) -> pl.Series:
        """The original text of the rows with these numbers (repeats allowed), in the same order."""
        if self.raw_lookup is not None:
            return self.raw_lookup(row_numbers).alias("raw")
        texts = self.rows.select("row_number", "raw").unique("row_number", keep="first")
        found = row_numbers.to_frame("row_number").join(texts, on="row_number", how="left", maintain_order="left")
        return found.get_column("raw")

    def rows_with_raw(self) -> pl.DataFrame:
        """`rows` with their "raw" text (for tests and small files: it copies every row's text)."""
        if "raw" in self.rows.columns:
            return self.rows
        return self.rows.with_columns(self.raw_of(self.rows.get_column("row_number")))

    @property
    def rows_read(self) -> int:
        return self.rows.height + self.rejected.height
