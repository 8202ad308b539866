"""Google Search Console Search Analytics API responses saved as JSON -> ranking rows.

`{"rows":[{"keys":["chef knife","https://ex.com/p"],"clicks":12.0,"impressions":340.0,
"ctr":0.0353,"position":8.2}, …]}` or a bare list of such rows. The `keys` are positional and
the response does not name them, so the dimensions come from a top-level `"dimensions"` list
when the saver kept the request (also `request.dimensions`), else from the keys' content (URL ->
page, `YYYY-MM-DD` -> date, DESKTOP/MOBILE/TABLET -> device) with the API's usual order for the
rest: query first, then a 3-letter code -> country.

Format: docs/export-formats.md#google-search-console-api-json
"""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl

from dagster_project.formats import _columns as c
from dagster_project.formats.base import ContainerFormat, ParsedExport, UnrecognisedExport
from dagster_project.normalise import values

# API dimension name -> (canonical column, how to type it)
_DIMENSIONS: dict[str, tuple[str, object]] = {
    "query": ("keyword", lambda e: e),
    "page": ("url", lambda e: e),
    "date": ("ranking_date", values.to_date),
    "country": ("country", lambda e: e.str.to_lowercase()),
    "device": ("device", lambda e: e.str.to_lowercase()),
}
_MAX_KEYS = 6  # the API allows at most query/page/date/country/device/searchAppearance
_DEVICES = ["DESKTOP", "MOBILE", "TABLET"]


def _sniff(data: bytes, file_name: str) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] not in (b"{", b"["):
        return False
    return (b'"keys"' in head and (b'"impressions"' in head or b'"clicks"' in head)) or (
        b'"responseAggregationType"' in head
    )


def _load(data: bytes, file_name: str) -> tuple[list, list[str] | None, str | None]:
    """-> (rows, declared dimensions or None, site URL or None)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # deep nesting: hostile, not ours
        raise UnrecognisedExport(f"{file_name}: not valid UTF-8 JSON ({exc})") from exc
    if isinstance(doc, list):
        return doc, None, None
    if not isinstance(doc, dict) or not isinstance(doc.get("rows", []), list):
        raise UnrecognisedExport(f"{file_name}: JSON has no list of Search Analytics 'rows'")
    request = doc.get("request") if isinstance(doc.get("request"), dict) else {}
    dims = doc.get("dimensions") or request.get("dimensions")
    if dims is not None and not (isinstance(dims, list) and all(isinstance(d, str) for d in dims)):
        raise UnrecognisedExport(f"{file_name}: 'dimensions' must be a list of names, got {dims!r}")
    site = doc.get("siteUrl") or request.get("siteUrl")
    return doc.get("rows", []), dims, site if isinstance(site, str) else None


def _infer_dimensions(frame: pl.DataFrame, n_keys: int) -> list[str | None]:
    """Name each key position from its values (a loop over positions, not rows)."""

    def all_match(col: str, pattern: str) -> bool:
        s = frame.get_column(col).drop_nulls()
        return s.len() > 0 and bool(s.str.contains(pattern).all())

    roles: list[str | None] = []
    for i in range(n_keys):
        col = f"key_{i}"
        if all_match(col, r"(?i)^https?://"):
            roles.append("page")
        elif all_match(col, r"^\d{4}-\d{2}-\d{2}$"):
            roles.append("date")
        elif all_match(col, "^(" + "|".join(_DEVICES) + ")$"):
            roles.append("device")
        else:
            roles.append(None)
    for i, role in enumerate(roles):  # the rest in the API's habitual order
        if role is None and "query" not in roles:
            roles[i] = "query"
        elif role is None and "country" not in roles and all_match(f"key_{i}", r"^[a-z]{3}$"):
            roles[i] = "country"
    return roles


def _site_hint(site: str | None) -> str | None:
    """`sc-domain:example.com` / `https://www.example.com/` -> the property's host."""
    if not site:
        return None
    host = re.sub(r"^(sc-domain:|[a-z]+://)", "", site.strip(), flags=re.IGNORECASE).split("/")[0]
    return host.lower() or None


def _read(data: bytes, file_name: str) -> ParsedExport:
    rows, declared, site = _load(data, file_name)
    # json already made Python objects; re-serialising each row is the only per-row Python and
    # gives the quarantine its raw text. Fields are then pulled column-wise with JSON paths.
    raw = pl.DataFrame({"raw": [json.dumps(r, ensure_ascii=False) for r in rows]}, schema={"raw": pl.String})
    frame = raw.with_row_index("row_number", offset=1).with_columns(
        pl.col("row_number").cast(pl.Int64),
        *[pl.col("raw").str.json_path_match(f"$.keys[{i}]").alias(f"key_{i}") for i in range(_MAX_KEYS)],
        *[pl.col("raw").str.json_path_match(f"$.{m}").alias(m) for m in ("clicks", "impressions", "ctr", "position")],
    )
    n_keys = max((i + 1 for i in range(_MAX_KEYS) if frame.get_column(f"key_{i}").is_not_null().any()), default=0)
    notes: list[str] = []
    if declared is not None:
        if len(declared) < n_keys:
            raise UnrecognisedExport(f"{file_name}: rows have {n_keys} keys but 'dimensions' names {len(declared)}")
        roles: list[str | None] = [d.lower() if d.lower() in _DIMENSIONS else d for d in declared[:n_keys]]
    else:
        roles = _infer_dimensions(frame, n_keys)
        if n_keys:
            notes.append(f"keys read as {[r or '?' for r in roles]} (no 'dimensions' in the file)")
    ignored = [f"{r or '?'} (key {i + 1})" for i, r in enumerate(roles) if r not in _DIMENSIONS]
    if ignored:
        notes.append("dimensions with no canonical column were ignored: " + ", ".join(ignored))

    key_cols = [
        _DIMENSIONS[r][1](pl.col(f"key_{i}")).alias(_DIMENSIONS[r][0]) for i, r in enumerate(roles) if r in _DIMENSIONS
    ]
    is_object = pl.col("raw").str.starts_with("{")
    has_metric = pl.any_horizontal(pl.col("clicks", "impressions").is_not_null())
    reason = (
        pl.when(~is_object)
        .then(pl.lit("row is not a JSON object"))
        .when(~has_metric)
        .then(pl.lit("row has neither clicks nor impressions"))
    )
    frame = frame.with_columns(reason.alias("reason"))
    out = frame.filter(pl.col("reason").is_null()).select(
        "row_number",
        "raw",
        pl.lit(_site_hint(site), dtype=pl.String).alias("site_hint"),
        *key_cols,
        values.to_float(pl.col("clicks")).alias("clicks"),
        values.to_float(pl.col("impressions")).alias("impressions"),
        values.to_fraction(pl.col("ctr")).alias("ctr"),  # already 0-1; a stray percent is rescaled
        values.to_float(pl.col("position")).alias("position"),
    )
    latest = out.get_column("ranking_date").max() if "ranking_date" in out.columns else None
    return ParsedExport(
        format_name=GSC_API.name,
        kind=GSC_API.kind,
        source_tool=GSC_API.source_tool,
        rows=c.ordered(out, "rankings"),
        rejected=frame.filter(pl.col("reason").is_not_null()).select("row_number", "reason", "raw"),
        snapshot_hint=latest if isinstance(latest, dt.date) else None,
        notes=notes,
    )


GSC_API = ContainerFormat(name="gsc_search_analytics_api", kind="rankings", source_tool="gsc", sniff=_sniff, read=_read)
