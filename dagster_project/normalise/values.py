"""Vendor value strings -> typed values, as Polars expressions (column-wise; no per-row Python).

Every builder takes a String expression and returns a typed expression, so a format maps a whole
column at once: `values.to_float(pl.col("domain rating"))`. Anything that cannot be read becomes
null rather than raising: real exports are full of `-`, `n/a`,
`1K – 10K` and `28/09/2026`, and one odd cell must not sink a file.

Numbers and dates are parsed as a *ladder*: the cheap common form is tried on the whole column,
and each further (slower) attempt only sees the values still unparsed. Plain expressions would
evaluate every attempt on every value (when/then and coalesce do not short-circuit), which was
~3.5 s per million timestamps; the ladder is ~0.1 s when the column is ISO. The ladder runs in
`map_batches(is_elementwise=True)` on whole Series — still column-wise, never per row.

Format: docs/export-formats.md#values-numbers-booleans-dates
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

# Tokens that mean "no value" in a numeric or date column (compared after strip + lowercase).
MISSING = ["", "-", "–", "—", "n/a", "na", "none", "null", "nan", "(not set)", "not set"]

_TRUE = ["true", "t", "yes", "y", "1", "+", "x", "on", "✓", "✔"]
# `-` and `-1` are false here (Excel/Brand24 style), unlike numbers where `-` means missing.
_FALSE = ["false", "f", "no", "n", "0", "-", "-1", "off", "–"]
_BOOL_MAP = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
# the spellings vendors actually write (`true`, `TRUE`, `True`), matched without lowercasing
_BOOL_CASED = {variant: v for k, v in _BOOL_MAP.items() for variant in (k, k.upper(), k.title())}

_DT = pl.Datetime("us")
Attempt = Callable[[pl.Series], pl.Series]


def _clean(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.String).str.strip_chars()


def _ladder(s: pl.Series, attempts: list[Attempt], dtype: pl.DataType) -> pl.Series:
    """First attempt that yields a non-null value wins; later attempts only see what is left."""
    s = s.cast(pl.String).str.strip_chars()
    out = attempts[0](s).cast(dtype)  # the common form, on the whole column without gathering
    todo = (out.is_null() & s.is_not_null() & (s != "")).arg_true()
    for attempt in attempts[1:]:
        if todo.len() == 0:
            break
        if todo.len() == s.len():  # nothing read yet (Semrush's plain dates): no gather, no scatter
            out = attempt(s).cast(dtype)
            todo = (out.is_null() & s.is_not_null() & (s != "")).arg_true()
            continue
        parsed = attempt(s.gather(todo)).cast(dtype)
        ok = parsed.is_not_null()
        if ok.any():
            out = out.scatter(todo.filter(ok), parsed.filter(ok))
            todo = todo.filter(~ok)
    return out


def _bool_series(s: pl.Series, empty: bool | None) -> pl.Series:
    s = s.cast(pl.String)
    out = s.replace_strict(_BOOL_CASED, default=None, return_dtype=pl.Boolean)  # `true`, `TRUE`, `Yes`
    todo = (out.is_null() & s.is_not_null()).arg_true()
    if todo.len():  # padded or odd-cased spellings, and blanks
        rest = s.gather(todo).str.strip_chars()
        parsed = rest.str.to_lowercase().replace_strict(_BOOL_MAP, default=None, return_dtype=pl.Boolean)
        out = out.scatter(todo, parsed.set(rest == "", empty) if empty is not None else parsed)
    return out.set(s.is_null(), empty) if empty is not None else out


def to_bool(e: pl.Expr, empty: bool | None = None) -> pl.Expr:
    """true/TRUE/Yes/Y/1/+/x/on -> True; false/No/0/-/-1/off -> False; empty/null -> `empty`; other -> null."""
    return e.map_batches(lambda s: _bool_series(s, empty), return_dtype=pl.Boolean, is_elementwise=True)


def flag(e: pl.Expr) -> pl.Expr:
    """Majestic-style flag: empty or null -> False, any non-empty value -> True."""
    return _clean(e).fill_null("") != ""


# --- numbers -------------------------------------------------------------------------------


def _number_text(s: pl.Expr, decimal_comma: bool | None) -> pl.Expr:
    """Digits with locale separators -> a string Polars can cast (dot decimal, no grouping)."""
    if decimal_comma is True:  # `12.100` = twelve thousand one hundred, `14,5` = 14.5
        return s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    if decimal_comma is False:
        return s.str.replace_all(",", "", literal=True)
    # auto: decide per value from its shape
    comma_grouping = s.str.contains(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,240 / 1,240,000 / 1,240.5
    dot_grouping = s.str.contains(r"^[+-]?\d{1,3}(?:(\.\d{3}){2,}(,\d+)?|(\.\d{3})+,\d+)$")  # 1.234.567 / 1.234,5
    lone_comma = s.str.contains(r"^[+-]?\d*,\d+$")  # 14,5 / 4,2 / 10,00 (grouping was caught above)
    return (
        pl.when(comma_grouping)
        .then(s.str.replace_all(",", "", literal=True))
        .when(dot_grouping)
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(lone_comma)
        .then(s.str.replace(",", ".", literal=True))
        .otherwise(s)
    )


def _vendor_number(s: pl.Expr, decimal_comma: bool | None) -> pl.Expr:
    """The full (slow) reading: missing tokens, ranges, comparators, %, K/M/B, separators."""
    s = s.str.replace_all(r"[\s\u00a0\u202f'’]", "")  # spaces / NBSP / apostrophes group digits
    missing = s.str.to_lowercase().is_in(MISSING)
    # `1K–10K` / `10-100` / `5to10` -> lower bound; a leading minus has no digit before it
    s = pl.coalesce(s.str.extract(r"^(\S*?\d[kmbKMB%]?)(?:–|—|-|to)[<>≤≥~]?\d", 1), s)
    s = s.str.strip_chars_start("<>≤≥~+$€£").str.strip_chars_end("%")
    unit = s.str.slice(-1).str.to_lowercase()
    mult = unit.replace_strict({"k": 1e3, "m": 1e6, "b": 1e9}, default=1.0, return_dtype=pl.Float64)
    value = _number_text(s.str.strip_chars_end("kmbKMB"), decimal_comma).cast(pl.Float64, strict=False) * mult
    return pl.when(missing | ~value.is_finite()).then(None).otherwise(value)


def _float_series(s: pl.Series, decimal_comma: bool | None) -> pl.Series:
    def plain(x: pl.Series) -> pl.Series:  # "45", "12.5", "-3": the bulk of most columns
        v = x.cast(pl.Float64, strict=False)
        return v.set(~v.is_finite().fill_null(False), None)  # "nan"/"inf" are not numbers here

    def vendor(x: pl.Series) -> pl.Series:
        return x.to_frame("s").select(_vendor_number(pl.col("s"), decimal_comma)).to_series()

    # with decimal_comma=True a plain cast would read "12.100" as 12.1, so go straight to vendor
    attempts = [vendor] if decimal_comma is True else [plain, vendor]
    return _ladder(s, attempts, pl.Float64())


def to_float(e: pl.Expr, decimal_comma: bool | None = None) -> pl.Expr:
    """Vendor number -> Float64. `"22,200"`, `14,5`, `3%`->3.0, `256.5K`, `1.2B`, `<10`->10,
    `1K – 10K`->1000; `-`/`n/a`/empty -> null. decimal_comma None = auto: one comma followed by
    exactly three digits is grouping, any other lone comma is a decimal separator; True: `.` groups
    and `,` is the decimal (`12.100` -> 12100); False: `,` groups."""
    return e.map_batches(lambda s: _float_series(s, decimal_comma), return_dtype=pl.Float64, is_elementwise=True)


def to_int(e: pl.Expr, decimal_comma: bool | None = None) -> pl.Expr:
    """Like `to_float`, rounded to the nearest integer (Int64)."""
    return to_float(e, decimal_comma).round(0).cast(pl.Int64, strict=False)


def to_fraction(e: pl.Expr, decimal_comma: bool | None = None) -> pl.Expr:
    """Share as a 0-1 fraction: `3.5%`/`10,00 %` -> 0.035/0.1; a bare number > 1 is a percent, <= 1 a fraction."""
    value = to_float(e, decimal_comma)
    is_percent = e.cast(pl.String).str.contains("%", literal=True).fill_null(False)
    return pl.when(is_percent | (value > 1)).then(value / 100).otherwise(value)


# --- dates ---------------------------------------------------------------------------------


def _strptime(fmt: str, dtype: pl.DataType = _DT) -> Attempt:
    # cache=False: timestamps are mostly distinct, and the cache costs ~40% on distinct values
    def attempt(x: pl.Series) -> pl.Series:
        if ":" in fmt:  # a value without the time's colon cannot match; a failed parse is slow (~0.15 s/M)
            x = x.set(~x.str.contains(":", literal=True), None)
        v = x.str.strptime(dtype, fmt, strict=False, cache=dtype == pl.Date)
        if isinstance(v.dtype, pl.Datetime) and v.dtype.time_zone is not None:
            v = v.dt.convert_time_zone("UTC").dt.replace_time_zone(None)  # offsets -> naive UTC
        return v.cast(_DT)

    return attempt


def _yyyymmdd(x: pl.Series) -> pl.Series:
    eight = x.str.contains(r"^\d{8}$")
    return x.set(~eight, None).str.strptime(pl.Date, "%Y%m%d", strict=False).cast(_DT)


def _epoch(x: pl.Series) -> pl.Series:
    """All-digit 9-13 characters: >= 1e11 cannot be seconds (year 5138), so it is milliseconds."""
    n = x.cast(pl.Int64, strict=False).set(~x.str.contains(r"^\d{9,13}$"), None)
    return (
        pl.select(pl.when(n >= 100_000_000_000).then(pl.from_epoch(n, "ms")).otherwise(pl.from_epoch(n, "s")))
        .to_series()
        .cast(_DT)
    )


# Most common first. Naive datetimes are taken as written (vendors write UTC); ones with an offset
# (`Z`, `+00:00`, ` +02:00`) are converted to UTC.
_DATE_ATTEMPTS: list[Attempt] = [
    # exact ISO forms first: Polars has a fast path for them (~0.05 s per million, vs ~0.3 s for
    # the `%.f` / `%#z` forms below, which only see what these left)
    _strptime("%Y-%m-%d %H:%M:%S"),
    _strptime("%Y-%m-%d", pl.Date()),
    _strptime("%Y-%m-%dT%H:%M:%SZ"),
    _strptime("%Y-%m-%dT%H:%M:%S"),
    _strptime("%Y-%m-%d %H:%M:%S%.f"),
    _strptime("%Y-%m-%dT%H:%M:%S%.f%#z"),
    _strptime("%Y-%m-%d %H:%M:%S%.f %#z"),
    _strptime("%Y-%m-%d %H:%M:%S%.f%#z"),
    _strptime("%Y-%m-%dT%H:%M:%S%.f"),
    _strptime("%Y-%m-%d %H:%M"),
    _strptime("%Y-%m-%dT%H:%M"),
    _yyyymmdd,
    _epoch,
    _strptime("%B %d, %Y", pl.Date()),  # Sep 15, 2026 / September 15, 2026 (%B reads both)
    _strptime("%d %B %Y", pl.Date()),  # 28 Sep 2026
    _strptime("%d-%b-%Y", pl.Date()),  # 25-Apr-2020
    _strptime("%d/%m/%Y", pl.Date()),  # day first, as GSC writes it outside the US
    _strptime("%m/%d/%Y", pl.Date()),  # only reached when day-first is impossible (09/28/2026)
    _strptime("%d/%m/%Y %H:%M:%S"),
    _strptime("%d/%m/%Y %H:%M"),
    _strptime("%d.%m.%Y", pl.Date()),
    _strptime("%Y/%m/%d", pl.Date()),
    _strptime("%B %d %Y", pl.Date()),
    _strptime("%B %d, %Y %H:%M:%S"),
    _strptime("%B %d, %Y %I:%M %p"),
]


def to_datetime(e: pl.Expr) -> pl.Expr:
    """Any date/datetime form vendors write -> naive UTC Datetime("us"); unparseable -> null.

    ISO with/without `T…Z`, `2019-11-15 12:57:46 +00:00`, `YYYY-MM-DD`, `YYYYMMDD`, `Sep 15, 2026`,
    `28 Sep 2026`, `28/09/2026` (day first), `25-Apr-2020`, epoch seconds or milliseconds.
    """
    return e.map_batches(
        lambda s: by_distinct(s, lambda x: _representable(_ladder(x, _DATE_ATTEMPTS, _DT))),
        return_dtype=_DT,
        is_elementwise=True,
    )


def by_distinct(s: pl.Series, parse: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """`parse(s)`, computed once per distinct value when the values repeat (a date column: a few
    hundred days in a million rows) and joined back; `parse` must be elementwise."""
    if s.len() < 10_000:
        return parse(s)
    # judged on a spread sample of ~10k: a tenth of it repeated means at most some 50k distinct values
    sample = s.gather_every(s.len() // 10_000)
    if sample.n_unique() > 0.9 * sample.len():
        return parse(s)
    keys = s.unique().rename("key")
    table = pl.DataFrame([keys, parse(keys).rename("value")])
    found = s.rename("key").to_frame().join(table, on="key", how="left", maintain_order="left", nulls_equal=True)
    return found.get_column("value").rename(s.name)


def _representable(stamps: pl.Series) -> pl.Series:
    """Null for years outside 1..9999: `%Y` reads `0/1/1` as year 0, which Python's datetime
    (every reader of the warehouse) cannot hold. Plausibility is the quality rules' job."""
    year = stamps.dt.year()
    return stamps.set((year < 1) | (year > 9999), None)


def to_date(e: pl.Expr) -> pl.Expr:
    """Like `to_datetime`, keeping the (UTC) date."""
    return to_datetime(e).dt.date()


def over_distinct(e: pl.Expr, return_dtype: pl.DataType) -> pl.Expr:
    """`e` computed once per distinct combination of the columns it reads, when they repeat (a
    vendor's status words, link types, flags), and joined back; `e` must be elementwise."""
    roots = list(dict.fromkeys(e.meta.root_names()))
    if not roots:
        return e

    def run(s: pl.Series) -> pl.Series:
        frame = s.struct.unnest()
        if frame.height >= 10_000:
            sample = frame.gather_every(frame.height // 10_000)
            if sample.n_unique() <= 0.9 * sample.height:  # as `by_distinct`
                table = frame.unique().with_columns(e.alias("__value"))
                found = frame.join(table, on=roots, how="left", maintain_order="left", nulls_equal=True)
                return found.get_column("__value")
        return frame.select(e).to_series()

    return pl.struct(roots).map_batches(run, return_dtype=return_dtype, is_elementwise=True)


# --- text and link attributes ----------------------------------------------------------------


def to_text(e: pl.Expr) -> pl.Expr:
    """Trimmed string; empty -> null (URLs, anchors, titles are passed through otherwise untouched)."""
    s = _clean(e)
    return pl.when(s == "").then(None).otherwise(s)


_REL_BY_RANK = {3: "sponsored", 2: "ugc", 1: "nofollow", 0: "follow"}


def rel_from_flags(
    sponsored: pl.Expr | None = None, ugc: pl.Expr | None = None, nofollow: pl.Expr | None = None
) -> pl.Expr:
    """Boolean rel hints -> `sponsored` > `ugc` > `nofollow` > `follow` (the strongest hint wins).

    null when the tool said nothing (every given flag null); `follow` when it said "none of these".
    Each flag is evaluated once (a rank per flag, the max wins): a when/then chain would evaluate
    each parser twice in eager mode."""
    ranked = [
        flag_expr.cast(pl.Int8) * rank
        for flag_expr, rank in ((sponsored, 3), (ugc, 2), (nofollow, 1))
        if flag_expr is not None
    ]
    if not ranked:
        return pl.lit(None, dtype=pl.String)
    return pl.max_horizontal(ranked).replace_strict(_REL_BY_RANK, default=None, return_dtype=pl.String)
