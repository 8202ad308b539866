"""Properties of the value parsers (normalise/values.py) on generated input: they never raise, keep
the batch's length and type, and reading back what they produce gives the same value. Each
example is a whole column, so the vectorised ladder (and its gather/scatter) is what is exercised."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.normalise import values as v

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=24)  # Polars strings are UTF-8
# Pieces vendors really write, glued into near-misses: separators, units, ranges, percents, dates.
_PIECES = st.sampled_from(
    [
        "1",
        "12",
        "1,240",
        "1.234.567",
        "14,5",
        "3%",
        "256.5K",
        "1.2B",
        "<10",
        "1K – 10K",
        "-",
        "n/a",
        "NaN",
        "inf",
        "-1",
        "0",
        "+",
        " ",
        "\u00a0",
        "’",
        "e",
        "E+5",
        "yes",
        "No",
        "TRUE",
        "✓",
        "2026-09-28",
        "28/09/2026",
        "09/28/2026",
        "Sep 15, 2026",
        "25-Apr-2020",
        "20261001",
        "1784022960000",
        "T",
        "Z",
        "+02:00",
        "12:57:46",
        ".5",
        ",",
        ".",
        "to",
        "kmb",
    ]
)
CELLS = st.one_of(_TEXT, st.lists(_PIECES, min_size=1, max_size=4).map("".join), st.none())
COLUMNS = st.lists(CELLS, max_size=30)


def _apply(expr_fn, cells: list[str | None]) -> pl.Series:
    return pl.DataFrame({"x": cells}, schema={"x": pl.String}).select(expr_fn(pl.col("x")).alias("y")).to_series()


@SETTINGS
@given(COLUMNS, st.sampled_from([None, True, False]))
def test_numbers_never_raise_keep_length_and_are_finite(cells, decimal_comma):
    for fn, dtype in ((v.to_float, pl.Float64), (v.to_int, pl.Int64), (v.to_fraction, pl.Float64)):
        out = _apply(lambda e, fn=fn: fn(e, decimal_comma), cells)
        assert out.len() == len(cells) and out.dtype == dtype
        assert all(math.isfinite(x) for x in out.drop_nulls().to_list())
        assert out.filter(pl.Series(cells, dtype=pl.String).is_null()).null_count() == sum(c is None for c in cells)


@SETTINGS
@given(COLUMNS)
def test_a_parsed_number_reads_back_as_itself(cells):
    """to_float(str(to_float(x))) == to_float(x): what the warehouse holds re-parses unchanged."""
    first = _apply(v.to_float, cells)
    again = _apply(v.to_float, [None if x is None else repr(x) for x in first.to_list()])
    assert again.to_list() == first.to_list()
    ints = _apply(v.to_int, cells)
    assert _apply(v.to_int, [None if x is None else str(x) for x in ints.to_list()]).to_list() == ints.to_list()


@SETTINGS
@given(COLUMNS)
def test_a_fraction_within_0_1_reads_back_as_itself(cells):
    first = _apply(v.to_fraction, cells).to_list()
    kept = [x for x in first if x is not None and 0 <= x <= 1]
    assert _apply(v.to_fraction, [repr(x) for x in kept]).to_list() == kept


@SETTINGS
@given(COLUMNS, st.sampled_from([None, True, False]))
def test_booleans_never_raise_and_read_back(cells, empty):
    out = _apply(lambda e: v.to_bool(e, empty), cells)
    assert out.len() == len(cells) and out.dtype == pl.Boolean
    again = _apply(lambda e: v.to_bool(e, empty), [None if b is None else str(b).lower() for b in out.to_list()])
    assert list(again.to_list()) == [empty if b is None else b for b in out.to_list()]
    assert _apply(v.flag, cells).null_count() == 0  # a flag is always decided


@SETTINGS
@given(COLUMNS)
def test_dates_never_raise_and_iso_reads_back(cells):
    stamps = _apply(v.to_datetime, cells)
    days = _apply(v.to_date, cells)
    assert stamps.dtype == pl.Datetime("us") and days.dtype == pl.Date
    assert stamps.len() == days.len() == len(cells)
    assert days.to_list() == [None if s is None else s.date() for s in stamps.to_list()]
    iso = [None if s is None else s.isoformat(sep=" ") for s in stamps.to_list()]
    assert _apply(v.to_datetime, iso).to_list() == stamps.to_list()
    assert _apply(v.to_date, [None if d is None else d.isoformat() for d in days.to_list()]).to_list() == days.to_list()


@SETTINGS
@given(st.lists(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)), max_size=20))
def test_every_iso_datetime_is_read_exactly(stamps):
    assert _apply(v.to_datetime, [s.isoformat(sep=" ") for s in stamps]).to_list() == stamps
    assert _apply(v.to_datetime, [s.isoformat() for s in stamps]).to_list() == stamps


@SETTINGS
@given(COLUMNS)
def test_text_is_trimmed_never_empty_and_idempotent(cells):
    once = _apply(v.to_text, cells)
    assert "" not in once.to_list()
    assert _apply(v.to_text, once.to_list()).to_list() == once.to_list()


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from([None, True, False]),
            st.sampled_from([None, True, False]),
            st.sampled_from([None, True, False]),
        ),
        max_size=12,
    )
)
def test_rel_is_always_one_of_the_four_values_or_unknown(flags):
    frame = pl.DataFrame(flags, schema={"s": pl.Boolean, "u": pl.Boolean, "n": pl.Boolean}, orient="row")
    rel = frame.select(v.rel_from_flags(pl.col("s"), pl.col("u"), pl.col("n"))).to_series().to_list()
    for (s, u, n), value in zip(flags, rel, strict=True):
        assert value in {"follow", "nofollow", "ugc", "sponsored", None}
        assert (value is None) == (s is None and u is None and n is None)
        if s:
            assert value == "sponsored"
