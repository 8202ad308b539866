"""The Parquet lake: where landing writes when the engine is Spark (README, "Running on Spark").

The same canonical tables as the DuckDB warehouse's `raw.*`, `audit.*` and `config.*`, one folder
per table, `<lake>/<schema>/<table>/`, which the dbt macro register_lake_sources makes the Spark
tables `<schema>.<table>`:

- `raw/<kind>/snapshot_date=YYYY-MM-DD/<sha256>.parquet`: the rows of one landed file version
  (Hive partitions: Spark and DuckDB read `snapshot_date` from the folder, typed as a date);
- `audit/quarantine/<sha256>.parquet`: its quarantined rows;
- `audit/ingest_files/<key>.parquet`: its audit row (`key` digests file name and sha256: a copy
  of the same bytes under another name has an audit row of its own);
- `audit/refreshes/<time>.parquet`: one per completed refresh;
- `config/<table>/config.parquet`: sites.yml, rewritten whole every refresh.

Landing appends: a new file version is new files, so what a refresh writes follows its new data,
never the history. Every file is written under a hidden temporary name and `os.replace`d into
place, so a reader (or a killed refresh) sees whole files only. A file's audit row is written
last: until it exists the version is not landed, and the next landing removes whatever it left
(`sweep`) and lands it again. A new version of a known file name supersedes the old one as
warehouse.record_landed does (its raw and quarantine files go, its audit row says `superseded`).
A table with no rows yet holds one empty file with its columns (`empty.parquet`; for a raw table
in the folder `snapshot_date=1970-01-01/`), because Spark and DuckDB take a table's columns from
its files; it goes when the first real file arrives.

`_state/published.parquet` is the audit as of the last completed refresh (written with its
`audit/refreshes` row, after dbt succeeded): what a refresh compares with to know what it landed,
so the files of a refresh killed before that are rebuilt by the next one.

Reading the lake (planning, the batch checks, the summary) uses DuckDB as a query engine over
these files: in memory, or a DuckDB file that holds only views (`views_file`), never rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from dagster_project import schema

EMPTY = "empty.parquet"
EMPTY_PARTITION = "snapshot_date=1970-01-01"
PARTITION = "snapshot_date"

AUDIT_INGEST_FILES: dict[str, pl.DataType] = {
    "file_name": pl.String(),
    "sha256": pl.String(),
    "detected_format": pl.String(),
    "kind": pl.String(),
    "source_tool": pl.String(),
    "site_domain": pl.String(),
    "snapshot_date": pl.Date(),
    "snapshot_date_source": pl.String(),
    "rows_read": pl.Int64(),
    "rows_loaded": pl.Int64(),
    "rows_quarantined": pl.Int64(),
    "status": pl.String(),
    "error": pl.String(),
    "file_size": pl.Int64(),
    "ingested_at": pl.Datetime("us"),
}
AUDIT_REFRESHES: dict[str, pl.DataType] = {
    "refreshed_at": pl.Datetime("us"),
    "config_fingerprint": pl.String(),
    "files_landed": pl.Int64(),
    "files_rejected": pl.Int64(),
}
CONFIG_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "sites": {"site_domain": pl.String(), "role": pl.String(), "brand_terms": pl.List(pl.String())},
    "brand_terms": {"site_domain": pl.String(), "term": pl.String()},
    "keywords": {"keyword": pl.String()},
    "topics": {"topic": pl.String(), "keyword": pl.String()},
    "disavow_never": {"domain": pl.String()},
}


def tables() -> dict[tuple[str, str], dict[str, pl.DataType]]:
    """Every table of the lake with fixed columns (config.thresholds has sites.yml's) and those
    columns; a raw table's files hold all but `snapshot_date` (the folder holds it)."""
    found = {("raw", kind): _file_columns(kind) for kind in schema.KINDS}
    found[("audit", "ingest_files")] = AUDIT_INGEST_FILES
    found[("audit", "quarantine")] = schema.QUARANTINE
    found[("audit", "refreshes")] = AUDIT_REFRESHES
    found.update({("config", name): columns for name, columns in CONFIG_SCHEMAS.items()})
    return found


def _file_columns(kind: str) -> dict[str, pl.DataType]:
    return {k: v for k, v in schema.full_schema(kind).items() if k != PARTITION}


def _audit_key(file_name: str, sha: str) -> str:
    return hashlib.sha256(f"{file_name}\0{sha}".encode()).hexdigest()


def write_file(frame: pl.DataFrame, path: Path) -> None:
    """Write `frame` as the Parquet file `path`, whole or not at all: under a hidden temporary name
    first (neither Spark nor DuckDB reads names starting with a dot), then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        frame.write_parquet(temp, compression="zstd", statistics=True)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _typed(frame: pl.DataFrame, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """Exactly `columns`, in order and type (absent ones null): every file of a table alike."""
    present = set(frame.columns)
    return frame.select([(pl.col(c) if c in present else pl.lit(None)).cast(t).alias(c) for c, t in columns.items()])


class LakeSink:
    """Landing's writer into the lake (the DuckDB one is warehouse.DuckDBSink): the same calls."""

    def __init__(self, lake: Path) -> None:
        self.lake = Path(lake)
        self._audit: dict[tuple[str, str], dict] | None = None

    def folder(self, schema_name: str, table: str) -> Path:
        return self.lake / schema_name / table

    # ---------------------------------------------------------------- reading
    def audit_rows(self) -> dict[tuple[str, str], dict]:
        """Every audit row by (file_name, sha256), read once per sink and kept up to date by it."""
        if self._audit is None:
            frame = read_table(self.lake, "audit", "ingest_files")
            self._audit = {(r["file_name"], r["sha256"]): r for r in frame.iter_rows(named=True)}
        return self._audit

    def state(self):
        """What the lake records (planning.WarehouseState), like warehouse.state_of."""
        from dagster_project.planning import WarehouseState

        files = {key: (r["status"], r["snapshot_date"]) for key, r in self.audit_rows().items()}
        return WarehouseState(files, last_fingerprint(self.lake))

    # ---------------------------------------------------------------- writing
    def ensure_tables(self) -> None:
        """Every table's folder, with its empty file while it holds none; and leftovers of a killed
        landing removed (sweep)."""
        for (schema_name, table), columns in tables().items():
            folder = self.folder(schema_name, table)
            folder.mkdir(parents=True, exist_ok=True)
            if schema_name == "raw":
                if not any(p.name != EMPTY_PARTITION for p in folder.glob(f"{PARTITION}=*")):
                    write_file(pl.DataFrame(schema=columns), folder / EMPTY_PARTITION / EMPTY)
            elif not any(folder.glob("*.parquet")):
                write_file(pl.DataFrame(schema=columns), folder / EMPTY)
        self.sweep()

    def sweep(self) -> None:
        """Remove what a killed landing left: temporary files, and raw or quarantine files of a
        version that has no audit row (not landed) or only superseded ones."""
        for temp in self.lake.glob("**/.*.tmp"):
            temp.unlink(missing_ok=True)
        live: dict[str, set[str]] = {}
        for (_, sha), row in self.audit_rows().items():
            live.setdefault(sha, set()).add(row["status"])
        for path in self._version_files():
            statuses = live.get(path.stem, set())
            if not statuses or statuses == {"superseded"}:
                path.unlink(missing_ok=True)

    def _version_files(self, sha: str = "*") -> Iterable[Path]:
        for kind in schema.KINDS:
            yield from (p for p in self.folder("raw", kind).glob(f"{PARTITION}=*/{sha}.parquet") if p.name != EMPTY)
        yield from (p for p in self.folder("audit", "quarantine").glob(f"{sha}.parquet") if p.name != EMPTY)

    def _append(self, schema_name: str, table: str, frame: pl.DataFrame, path: Path) -> None:
        write_file(frame, path)
        empty = self.folder(schema_name, table) / (f"{EMPTY_PARTITION}/{EMPTY}" if schema_name == "raw" else EMPTY)
        if empty.exists():
            empty.unlink()
            if schema_name == "raw":
                empty.parent.rmdir()

    def _write_audit(self, row: dict) -> None:
        frame = _typed(pl.DataFrame([row], schema_overrides={"snapshot_date": pl.Date}), AUDIT_INGEST_FILES)
        self._append(
            "audit",
            "ingest_files",
            frame,
            self.folder("audit", "ingest_files") / f"{_audit_key(row['file_name'], row['sha256'])}.parquet",
        )
        self.audit_rows()[(row["file_name"], row["sha256"])] = frame.row(0, named=True)

    def record_landed(self, landed) -> None:
        """One landed file: its rows and quarantine, the versions it supersedes, its audit row last."""
        audit = landed.audit
        sha = audit["sha256"]
        if landed.rows is not None and audit["status"] == "loaded":
            self.write_rows(landed.kind, sha, landed.rows)
        self.write_quarantine(sha, landed.quarantine)
        previous = [
            row
            for (name, old_sha), row in self.audit_rows().items()
            if name == audit["file_name"] and old_sha != sha and row["status"] == "loaded"
        ]
        for row in previous:
            # audit first: a landing killed before the files are gone leaves them to sweep
            self._write_audit({**row, "status": "superseded", "error": "replaced by a newer version of the same file"})
            for path in self._version_files(row["sha256"]):
                path.unlink(missing_ok=True)
        self._write_audit(audit)

    def write_rows(self, kind: str, sha: str, rows: pl.DataFrame) -> None:
        """The rows of one file version, one file per snapshot date's partition."""
        if not rows.height:
            return
        for (day,), part in _typed(rows, schema.full_schema(kind)).group_by(PARTITION, maintain_order=True):
            folder = self.folder("raw", kind) / f"{PARTITION}={day.isoformat()}"
            self._append("raw", kind, part.drop(PARTITION), folder / f"{sha}.parquet")

    def write_quarantine(self, sha: str, quarantine: pl.DataFrame) -> None:
        """The quarantined rows of one file version."""
        if quarantine.height:
            path = self.folder("audit", "quarantine") / f"{sha}.parquet"
            self._append("audit", "quarantine", _typed(quarantine, schema.QUARANTINE), path)

    def write_config_table(self, name: str, frame: pl.DataFrame) -> None:
        """One config.* table, rewritten whole."""
        folder = self.folder("config", name)
        write_file(_typed(frame, CONFIG_SCHEMAS.get(name, dict(frame.schema))), folder / "config.parquet")
        (folder / EMPTY).unlink(missing_ok=True)

    def append_refresh(self, row: dict) -> None:
        """One audit.refreshes row, in a file named by its time."""
        path = self.folder("audit", "refreshes") / f"{row['refreshed_at']:%Y%m%dT%H%M%S%f}.parquet"
        self._append("audit", "refreshes", pl.DataFrame([row], schema=AUDIT_REFRESHES), path)

    def write_published_state(self) -> None:
        """The audit as of now, as what the next refresh compares with (published_state)."""
        keys = ("file_name", "sha256", "status", "snapshot_date")
        state = pl.DataFrame(
            [{k: r[k] for k in keys} for r in self.audit_rows().values()],
            schema={k: AUDIT_INGEST_FILES[k] for k in keys},
            orient="row",
        )
        write_file(state, self.lake / "_state" / "published.parquet")

    def record_duplicate(self, relative: str, sha: str, size: int, holder: str) -> None:
        self._write_audit(
            {
                "file_name": relative,
                "sha256": sha,
                "rows_read": 0,
                "rows_loaded": 0,
                "rows_quarantined": 0,
                "status": "duplicate",
                "error": f"same bytes as {holder} (already loaded)",
                "file_size": size,
                "ingested_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            }
        )

    def write_config(self, config) -> None:
        """sites.yml as config.* (warehouse.config_frames), each table rewritten whole."""
        from dagster_project.warehouse import config_frames

        for name, frame in config_frames(config).items():
            self.write_config_table(name, frame)

    def record_refresh(self, config_fingerprint: str) -> None:
        """A completed refresh (after dbt succeeded): its audit.refreshes row, and the audit as of
        now as what the next refresh compares with (published_state)."""
        rows = list(self.audit_rows().values())
        self.write_published_state()
        self.append_refresh(
            {
                "refreshed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "config_fingerprint": config_fingerprint,
                "files_landed": sum(r["status"] == "loaded" for r in rows),
                "files_rejected": sum(r["status"] == "rejected" for r in rows),
            }
        )


# -------------------------------------------------------------------- reading the lake


def read_table(lake: Path, schema_name: str, table: str) -> pl.DataFrame:
    """A whole unpartitioned table of the lake (audit, config); empty when it has no file yet."""
    folder = Path(lake) / schema_name / table
    files = sorted(str(p) for p in folder.glob("*.parquet"))
    if not files:
        return pl.DataFrame(schema=tables()[(schema_name, table)])
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")


def last_fingerprint(lake: Path) -> str | None:
    refreshes = read_table(lake, "audit", "refreshes")
    if refreshes.height == 0:
        return None
    return refreshes.sort("refreshed_at").item(-1, "config_fingerprint")


def published_state(lake: Path):
    """What the lake held at its last completed refresh (planning.WarehouseState): the refresh CLI
    plans against it and the dbt step compares with it, as with the published DuckDB file."""
    from dagster_project.planning import WarehouseState

    path = Path(lake) / "_state" / "published.parquet"
    if not path.exists():
        return WarehouseState()
    rows = pl.read_parquet(path).iter_rows()
    return WarehouseState({(n, s): (status, d) for n, s, status, d in rows}, last_fingerprint(lake))


def holds_data(lake: Path) -> bool:
    return published_state(lake).holds_data


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def view_sql(folder: Path, columns: dict[str, pl.DataType] | None, partitioned: bool) -> str:
    """A DuckDB SELECT over one lake (or Spark) table folder, its columns typed as warehouse.py's."""
    pattern = f"{folder}/*/*.parquet" if partitioned else f"{folder}/*.parquet"
    source = f"read_parquet({_quote(pattern)}, hive_partitioning = {str(partitioned).lower()})"
    if columns is None:
        return f"select * from {source}"
    select = ", ".join(f'cast("{c}" as {duckdb_type(t)}) as "{c}"' for c, t in columns.items())
    return f"select {select} from {source}"


def duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.List):
        return f"{duckdb_type(dtype.inner)}[]"
    return schema.duckdb_type(dtype)


def create_views(con: duckdb.DuckDBPyConnection, lake: Path, spark_dir: Path | None = None) -> None:
    """The lake's tables as views `<schema>.<table>` on `con` (raw with `snapshot_date` from the
    folder, columns in schema.py's order and types), and, with `spark_dir`, every table the Spark
    build wrote (`<spark_dir>/warehouse/<schema>.db/<table>/`) as `<schema>.<table>`."""
    lake = Path(lake).resolve()
    found = {key: (schema.full_schema(key[1]) if key[0] == "raw" else columns) for key, columns in tables().items()}
    found[("config", "thresholds")] = None  # its columns are sites.yml's thresholds
    for (schema_name, table), columns in found.items():
        folder = lake / schema_name / table
        if not any(folder.glob("*.parquet")) and not any(folder.glob("*/*.parquet")):
            continue
        con.execute(f"create schema if not exists {schema_name}")
        sql = view_sql(folder, columns, schema_name == "raw")
        con.execute(f"create or replace view {schema_name}.{table} as {sql}")
    if spark_dir is None:
        return
    for db in sorted(Path(spark_dir).resolve().glob("warehouse/*.db")):
        schema_name = db.name.removesuffix(".db")
        if schema_name in ("raw", "audit", "config"):
            continue  # external tables over the lake: the views above
        for folder in sorted(p for p in db.iterdir() if p.is_dir()):
            flat, nested = any(folder.glob("*.parquet")), any(folder.glob("*=*/*.parquet"))
            if not (flat or nested):
                continue
            con.execute(f'create schema if not exists "{schema_name}"')
            con.execute(
                f'create or replace view "{schema_name}"."{folder.name}" as {view_sql(folder, None, nested and not flat)}'
            )


def views_file(lake: Path, path: Path, spark_dir: Path | None = None) -> Path:
    """A DuckDB file holding only views over the lake (create_views): what reads a warehouse file
    (the Great Expectations batch checks, the summary) reads the lake through it. Rewritten whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    from dagster_project import storage

    storage.create(temp)
    with duckdb.connect(str(temp)) as con:
        create_views(con, lake, spark_dir)
        con.execute("checkpoint")
    os.replace(temp, path)
    return path


# -------------------------------------------------------------------- from a DuckDB warehouse


def export_warehouse(warehouse: Path, lake: Path) -> dict[str, int]:
    """Write the raw/audit/config tables of a landed DuckDB warehouse as the lake landing writes
    (the migration path from DuckDB to Spark): one file per landed version, so refreshes on Spark
    continue from it. Rows per `schema.table`. The warehouse is opened read-only."""
    sink = LakeSink(lake)
    counts: dict[str, int] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        audit = con.sql("select * from audit.ingest_files order by ingested_at, file_name").pl()
        for row in audit.iter_rows(named=True):
            sha, kind = row["sha256"], row["kind"]
            if row["status"] == "loaded" and kind in schema.KINDS:
                rows = con.sql(f"select * from raw.{kind} where file_sha256 = $sha", params={"sha": sha}).pl()
                sink.write_rows(kind, sha, rows)
                counts[f"raw.{kind}"] = counts.get(f"raw.{kind}", 0) + rows.height
            if row["status"] in ("loaded", "rejected"):
                quarantine = con.sql(
                    "select * from audit.quarantine where file_sha256 = $sha", params={"sha": sha}
                ).pl()
                if quarantine.height and not (sink.folder("audit", "quarantine") / f"{sha}.parquet").exists():
                    sink.write_quarantine(sha, quarantine)
                    counts["audit.quarantine"] = counts.get("audit.quarantine", 0) + quarantine.height
            sink._write_audit(row)
        counts["audit.ingest_files"] = audit.height
        for name in (*CONFIG_SCHEMAS, "thresholds"):
            frame = con.sql(f"select * from config.{name}").pl()
            sink.write_config_table(name, frame)
            counts[f"config.{name}"] = frame.height
        refreshes = con.sql("select * from audit.refreshes order by refreshed_at").pl()
        for row in refreshes.iter_rows(named=True):
            sink.append_refresh(row)
        counts["audit.refreshes"] = refreshes.height
    sink.ensure_tables()
    if refreshes.height:  # the warehouse's audit is what its last refresh published
        sink.write_published_state()
    return counts
