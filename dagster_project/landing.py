"""Land one export: parse it, normalise it, split usable rows from quarantined ones, reconcile.

Pure (no Dagster, no DuckDB): bytes and a config in, frames and one audit record out, so every
rule here is unit-testable. The ingest asset only discovers files and writes what this returns.

Invariant: rows_read = rows_loaded + rows_quarantined, for every file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dagster_project import schema
from dagster_project.config import Config
from dagster_project.formats.base import REASON_COLUMN, ParsedExport, UnrecognisedExport
from dagster_project.formats.registry import parse_export
from dagster_project.inbox import InboxFile, relative_name
from dagster_project.normalise.hosts import host_table
from dagster_project.normalise.urls import normalise_distinct_urls, normalise_url_columns
from dagster_project.planning import snapshot_date
from dagster_project.quality import rules

log = logging.getLogger(__name__)

# The URL column a row cannot live without, per kind.
REQUIRED_URL = {
    "backlinks": "source_url",
    "mentions": "mention_url",
    "rankings": None,
    "ledger": "source_url",
    "referring_domains": None,  # a domain, no URL: its source_domain is required (quality/rules.py)
}
# ...and the other URL columns it cannot live without (a ledger entry is a page and its target)
REQUIRED_TOO = {"ledger": ("target_url",)}
# A ranking row must say what ranked: a keyword, a page or (GSC Dates.csv) a day.
REQUIRED_ANY = {"rankings": ("keyword", "url", "ranking_date")}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def site_from_folder(relative_path: str, config: Config) -> str:
    """Files without a target column belong to the folder named after a configured domain."""
    configured = set(config.site_domains)
    for part in reversed(Path(relative_path).parts[:-1]):
        if part.lower() in configured:
            return part.lower()
    return config.site.domain


@dataclass
class LandedFile:
    """The outcome of landing one file: its audit record, its rows and its quarantine."""

    audit: dict
    kind: str | None = None
    rows: pl.DataFrame | None = None  # exactly schema.full_schema(kind)
    quarantine: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=schema.QUARANTINE))
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.audit["status"] == "loaded"


def _audit(relative_path: str, data: bytes, sha: str, **values) -> dict:
    record = {
        "file_name": relative_path,
        "sha256": sha,
        "detected_format": None,
        "kind": None,
        "source_tool": None,
        "site_domain": None,
        "snapshot_date": None,
        "snapshot_date_source": None,
        "rows_read": 0,
        "rows_loaded": 0,
        "rows_quarantined": 0,
        "status": "loaded",
        "error": None,
        "file_size": len(data),
        "ingested_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
    }
    record.update(values)
    return record


def rejected_file(relative_path: str, data: bytes, reason: str, sha: str | None = None, dated=None) -> LandedFile:
    """A file that cannot be landed. `dated`: (snapshot date, source) by the one rule without
    contents (planning.snapshot_date), so a range of partitions can place it too."""
    day, source = dated or (None, None)
    audit = _audit(relative_path, data, sha or sha256_of(data), status="rejected", error=reason)
    audit.update(snapshot_date=day, snapshot_date_source=source)
    return LandedFile(audit=audit)


def _repeats(values: pl.Series) -> bool:
    """Do the values repeat enough to canonicalise each distinct one once and join it back?
    Judged on a spread sample (link targets: a site's few pages; sources: mostly distinct)."""
    sample = values.gather_every(max(1, values.len() // 10_000))
    return sample.len() >= 100 and sample.n_unique() < sample.len() // 4


def _normalise_urls(parsed: ParsedExport) -> pl.DataFrame:
    """Canonicalise every URL column of the kind; collect per-row reasons in `_reason`."""
    lf = parsed.rows.lazy()
    present = set(parsed.rows.columns)
    reasons: list[pl.Expr] = []
    per_row, per_value = [], []
    for url_col, host_col, domain_col in schema.DERIVED_HOST_COLUMNS[parsed.kind]:
        if url_col not in present:
            continue
        columns = (url_col, host_col, domain_col, f"_error_{url_col}")
        (per_value if _repeats(parsed.rows.get_column(url_col)) else per_row).append(columns)
        reasons.append(pl.when(pl.col(columns[3]).is_not_null()).then(pl.lit(f"{url_col}: ") + pl.col(columns[3])))
    lf = normalise_url_columns(lf, per_row)
    for host_col, canonical_col, domain_col in schema.DERIVED_FROM_HOST.get(parsed.kind, ()):
        if host_col not in present:
            continue
        # each distinct host once (hosts.host_table), joined back
        table = host_table(parsed.rows.get_column(host_col)).rename(
            {"raw_host": host_col, "host": canonical_col, "domain": domain_col}
        )
        lf = lf.join(table.lazy(), on=host_col, how="left", maintain_order="left")
        invalid = pl.col(host_col).is_not_null() & pl.col(canonical_col).is_null()
        shown = pl.col(host_col).str.slice(0, rules.SHOWN_CHARS)  # a hostile cell may be megabytes long
        reasons.append(pl.when(invalid).then(pl.format(f"{host_col}: invalid host '{{}}'", shown)))
    if REASON_COLUMN in present:  # what the format itself found wrong comes first
        reasons.insert(0, pl.col(REASON_COLUMN))
    for columns in per_value:
        url_col, canonical = columns[0], f"{columns[0]}__canonical"
        table = normalise_distinct_urls(parsed.rows.get_column(url_col), columns)
        lf = lf.join(table.lazy(), on=url_col, how="left", maintain_order="left")
        lf = lf.with_columns(pl.col(canonical).alias(url_col)).drop(canonical)
    required = REQUIRED_URL[parsed.kind]
    if required:
        missing = pl.col(required).is_null() if required in present else pl.lit(True)
        # after the URL errors: a rejected URL is nulled, and its own reason says more
        reasons.append(pl.when(missing).then(pl.lit(f"missing {required}")))
    for column in REQUIRED_TOO.get(parsed.kind, ()):
        missing = pl.col(column).is_null() if column in present else pl.lit(True)
        reasons.append(pl.when(missing).then(pl.lit(f"missing {column}")))
    if parsed.kind in REQUIRED_ANY:
        columns = [c for c in REQUIRED_ANY[parsed.kind] if c in present]
        nothing = pl.all_horizontal([pl.col(c).is_null() for c in columns]) if columns else pl.lit(True)
        reasons.append(pl.when(nothing).then(pl.lit("no " + ", ".join(REQUIRED_ANY[parsed.kind]))))
    reason = pl.coalesce(reasons) if reasons else pl.lit(None, dtype=pl.String)
    return lf.with_columns(reason.alias("_reason")).collect()


def land_bytes(
    relative_path: str, data: bytes, config: Config, modified: dt.datetime | None = None, sha: str | None = None
) -> LandedFile:
    """Land one file's bytes. Never raises for bad input: a bad file comes back rejected.
    `sha`: the bytes' sha256 when the caller already has it (the inbox scan), else computed here."""
    today = dt.datetime.now(dt.UTC).date()
    mtime = (modified or dt.datetime.now()).date()
    undated = snapshot_date(relative_path, None, mtime, today)
    # hashlib lets go of the GIL: the hash of a large file runs beside the parse
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(sha256_of, data) if sha is None else None
        try:
            parsed = parse_export(data, Path(relative_path).name)
        except UnrecognisedExport as exc:
            return rejected_file(relative_path, data, str(exc), sha, undated)
        except Exception as exc:  # a parser bug must not stop the run; the file is kept for a retry
            log.exception("parser failed on %s", relative_path)
            return rejected_file(relative_path, data, f"could not parse ({type(exc).__name__}: {exc})", sha, undated)
        sha = hashing.result() if hashing else sha

    rows = _normalise_urls(parsed)
    # absurd values (DR 250, a first-seen date in 2099) are quarantined here, with the rule's
    # reason, so the blocking quality checks never fail on vendor data (quality/rules.py)
    violation = rules.first_violation(parsed.kind, rows.columns, today)
    rows = rows.with_columns(pl.coalesce(pl.col("_reason"), violation).alias("_reason"))
    flagged = rows.get_column("_reason").is_not_null()
    # a clean file (the usual case) is not copied row by row into a "good" frame
    good, bad = (rows.filter(~flagged), rows.filter(flagged)) if flagged.any() else (rows, rows.clear())

    # the one rule (planning.snapshot_date): a 2099 in a file name or a 1970 mtime is not a snapshot date
    snapshot, snapshot_source = snapshot_date(relative_path, parsed.snapshot_hint, mtime, today)

    folder_site = site_from_folder(relative_path, config)
    lineage = {
        "file_sha256": pl.lit(sha),
        "source_tool": pl.lit(parsed.source_tool),
        "export_type": pl.lit(parsed.format_name),
        "snapshot_date": pl.lit(snapshot, dtype=pl.Date),
    }
    if "site_hint" in schema.KINDS[parsed.kind]:
        hint = pl.col("site_hint") if "site_hint" in good.columns else pl.lit(None, dtype=pl.String)
        lineage["site_hint"] = pl.coalesce(hint, pl.lit(folder_site))
    landed_rows = schema.conform(good.with_columns(**lineage), parsed.kind).collect()

    # the original text of the (usually few) quarantined rows only
    bad = bad.select("row_number", pl.col("_reason").alias("reason"))
    raw = parsed.raw_of(bad.get_column("row_number")) if bad.height else pl.lit(None, pl.String).alias("raw")
    quarantine = pl.concat([parsed.rejected.select("row_number", "reason", "raw"), bad.with_columns(raw)]).select(
        pl.lit(sha).alias("file_sha256"),
        pl.lit(relative_path).alias("file_name"),
        pl.col("row_number").cast(pl.Int64),
        pl.col("reason").cast(pl.String),
        pl.col("raw").cast(pl.String),
    )

    audit = _audit(
        relative_path,
        data,
        sha,
        detected_format=parsed.format_name,
        kind=parsed.kind,
        source_tool=parsed.source_tool,
        site_domain=_dominant_site(landed_rows, parsed.kind, config) or folder_site,
        snapshot_date=snapshot,
        snapshot_date_source=snapshot_source,
        rows_read=parsed.rows_read,
        rows_loaded=landed_rows.height,
        rows_quarantined=quarantine.height,
    )
    if landed_rows.height == 0:
        audit["status"] = "rejected"
        audit["error"] = f"no usable rows ({quarantine.height} quarantined)" if quarantine.height else "no data rows"
    assert audit["rows_read"] == audit["rows_loaded"] + audit["rows_quarantined"], audit
    return LandedFile(audit=audit, kind=parsed.kind, rows=landed_rows, quarantine=quarantine, notes=parsed.notes)


def _dominant_site(rows: pl.DataFrame, kind: str, config: Config) -> str | None:
    """The configured site most of a file's rows point at (audit only; dbt assigns per row)."""
    column = {"backlinks": "target_domain", "rankings": "url_domain", "ledger": "target_domain"}.get(kind)
    if column is None or rows.height == 0:
        return None
    counts = (
        rows.filter(pl.col(column).is_in(config.site_domains))
        .group_by(column)
        .len()
        .sort(["len", column], descending=[True, False])
    )
    return counts[column][0] if counts.height else None


def land_file(path: Path, inbox: Path, config: Config, scanned: InboxFile | None = None) -> LandedFile:
    """Land a file of the inbox. `scanned`: the file as the inbox scan saw it; when it is unchanged
    on disk since (same size and modification time before and after reading), its hash is the
    scan's and the bytes are not hashed again."""
    relative = relative_name(path, inbox)
    try:
        before = path.stat()
        data = path.read_bytes()
        after = path.stat()
    except OSError as exc:
        return rejected_file(relative, b"", f"cannot read file: {exc.strerror or exc}")
    same = (
        scanned is not None
        and len(data) == scanned.size
        and all((st.st_size, st.st_mtime_ns) == (scanned.size, scanned.mtime_ns) for st in (before, after))
    )
    modified = dt.datetime.fromtimestamp(after.st_mtime)
    return land_bytes(relative, data, config, modified, scanned.sha256 if same else None)
