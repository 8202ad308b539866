"""Vendor value strings -> typed values (normalise/values.py), one real-export quirk per test.

The rules: docs/export-formats.md#values-numbers-booleans-dates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dagster_project.normalise import values as v


def _apply(expr_builder, raw: list[str | None]) -> list:
    return pl.DataFrame({"s": raw}, schema={"s": pl.String}).select(expr_builder(pl.col("s"))).to_series().to_list()


# --- thousands separators --------------------------------------------------------------------


def test_quoted_thousands_separators_are_grouping():
    assert _apply(v.to_float, ["1,240", "22,200", "1,240,000", "1,240.5"]) == [1240.0, 22200.0, 1240000.0, 1240.5]


def test_dot_thousands_only_with_decimal_comma():
    assert _apply(lambda e: v.to_float(e, decimal_comma=True), ["12.100", "1.234,5"]) == [12100.0, 1234.5]
    assert _apply(v.to_float, ["12.100"]) == [12.1]  # auto: one dot is a decimal point


def test_auto_reads_many_dot_groups_as_grouping():
    assert _apply(v.to_float, ["1.234.567", "1.234,5"]) == [1234567.0, 1234.5]


def test_decimal_comma_false_strips_commas():
    assert _apply(lambda e: v.to_float(e, decimal_comma=False), ["14,5", "1,240"]) == [145.0, 1240.0]


# --- localised numbers -----------------------------------------------------------------------


def test_lone_comma_not_followed_by_three_digits_is_decimal():
    assert _apply(v.to_float, ["14,5", "4,2", "11,70"]) == [14.5, 4.2, 11.7]


def test_spaces_and_nbsp_group_digits():
    assert _apply(v.to_float, ["1 240", "1\u00a0240", "1\u202f240,5"]) == [1240.0, 1240.0, 1240.5]


def test_localised_percent_to_fraction():
    assert _apply(v.to_fraction, ["10,00 %", "4,2%", "3.5%"]) == pytest.approx([0.1, 0.042, 0.035])


# --- percents, abbreviations, ranges, missing --------------------------------------------------


def test_percent_keeps_its_number_in_to_float():
    assert _apply(v.to_float, ["3%", "3.5 %"]) == [3.0, 3.5]


def test_abbreviations_multiply():
    assert _apply(v.to_float, ["256.5K", "69.5M", "1.2B", "3k"]) == pytest.approx([256_500, 69_500_000, 1.2e9, 3000])


def test_range_takes_lower_bound_and_comparator_is_dropped():
    assert _apply(v.to_float, ["1K – 10K", "100-200", "<10", ">1,000"]) == [1000.0, 100.0, 10.0, 1000.0]


def test_negative_number_is_not_a_range():
    assert _apply(v.to_float, ["-5", "-0.5"]) == [-5.0, -0.5]


@pytest.mark.parametrize("missing", ["-", "–", "—", "n/a", "N/A", "", "   ", None, "nan", "abc"])
def test_missing_markers_are_null(missing):
    assert _apply(v.to_float, [missing]) == [None]


def test_to_int_rounds_and_parses_vendor_forms():
    assert _apply(v.to_int, ["1,240", "7", "256.5K", "-"]) == [1240, 7, 256500, None]


def test_fraction_bare_number_above_one_is_percent():
    assert _apply(v.to_fraction, ["35", "0.0353", "1", "-"]) == pytest.approx([0.35, 0.0353, 1.0, None])


# --- booleans ---------------------------------------------------------------------------------


def test_booleans_in_every_spelling():
    truthy = ["true", "TRUE", "True", "Yes", "yes", "Y", "1", "+", "x", "on", " true "]
    falsy = ["false", "FALSE", "No", "no", "0", "-1", "-", "off"]
    assert _apply(v.to_bool, truthy) == [True] * len(truthy)
    assert _apply(v.to_bool, falsy) == [False] * len(falsy)


def test_bool_empty_takes_the_given_default_and_unknown_is_null():
    assert _apply(v.to_bool, ["", None, "maybe"]) == [None, None, None]
    assert _apply(lambda e: v.to_bool(e, empty=False), ["", None, "maybe"]) == [False, False, None]


def test_majestic_flag_empty_false_anything_else_true():
    assert _apply(v.flag, ["", None, "  ", "1", "0", "x"]) == [False, False, False, True, True, True]


# --- dates ------------------------------------------------------------------------------------

D = dt.date(2026, 9, 28)


@pytest.mark.parametrize(
    "text",
    [
        "2026-09-28",
        "2026-09-28 15:51:35",
        "2026-09-28T10:00:00Z",
        "2026-09-28T10:00:00.123Z",
        "2026-09-28 12:57:46 +00:00",
        "20260928",
        "Sep 28, 2026",
        "September 28, 2026",
        "28 Sep 2026",
        "28/09/2026",
        "28-Sep-2026",
        "09/28/2026",  # US order, only because day-first is impossible
        "28.09.2026",
    ],
)
def test_every_vendor_date_form(text):
    assert _apply(v.to_date, [text]) == [D]


def test_day_first_wins_when_ambiguous():
    assert _apply(v.to_date, ["05/09/2026"]) == [dt.date(2026, 9, 5)]


def test_offsets_convert_to_utc():
    got = _apply(v.to_datetime, ["2019-11-15 23:57:46 -05:00", "2026-10-01T10:00:00+02:00"])
    assert got == [dt.datetime(2019, 11, 16, 4, 57, 46), dt.datetime(2026, 10, 1, 8, 0)]


def test_epoch_seconds_and_milliseconds_by_magnitude():
    got = _apply(v.to_datetime, ["1727740800", "1727740800000"])
    assert got == [dt.datetime(2024, 10, 1), dt.datetime(2024, 10, 1)]


def test_unparseable_dates_are_null():
    assert _apply(v.to_date, ["", None, "soon", "2026-13-45", "-"]) == [None] * 5


def test_years_python_cannot_hold_are_null():  # `%Y/%m/%d` reads "0/1/1" as year 0 (hypothesis found it)
    assert _apply(v.to_date, ["0/1/1", "0000-01-01", "2026/1/1"]) == [None, None, dt.date(2026, 1, 1)]


def test_mixed_forms_in_one_column():
    got = _apply(v.to_date, ["2026-09-28", "Sep 15, 2026", "1727740800000", "junk"])
    assert got == [D, dt.date(2026, 9, 15), dt.date(2024, 10, 1), None]


# --- link attributes --------------------------------------------------------------------------


def test_rel_strongest_hint_wins_and_unknown_stays_null():
    frame = pl.DataFrame(
        {
            "sponsored": [True, False, False, False, None],
            "ugc": [True, True, False, False, None],
            "nofollow": [True, True, True, False, None],
        }
    )
    rel = frame.select(v.rel_from_flags(pl.col("sponsored"), pl.col("ugc"), pl.col("nofollow"))).to_series()
    assert rel.to_list() == ["sponsored", "ugc", "nofollow", "follow", None]


def test_to_text_trims_and_nulls_empty():
    assert _apply(v.to_text, ["  https://a.example/x ", "", None]) == ["https://a.example/x", None, None]


def test_parsers_work_in_lazy_streaming_queries():
    lf = pl.LazyFrame(
        {"d": ["2026-09-28", "28/09/2026"] * 50_000, "n": ["1,240", "3%"] * 50_000, "b": ["Yes", "no"] * 50_000}
    )
    out = lf.select(v.to_date(pl.col("d")), v.to_float(pl.col("n")), v.to_bool(pl.col("b"))).collect(engine="streaming")
    assert out.height == 100_000
    assert out.unique().sort("n").rows() == [(D, 3.0, False), (D, 1240.0, True)]


def test_dates_and_mappings_over_distinct_values_equal_the_row_by_row_result():
    """Columns that repeat (a few hundred days, a vendor's status words) are parsed once per
    distinct value and joined back: the same values, nulls and order as parsing every row."""
    import random

    rng = random.Random(3)
    days = ["2026-03-10", " 2026-03-11", "10/03/2026", "2026-03-10 09:46:34", "-", "", None, "garbage", "20260312"]
    dates = [rng.choice(days) for _ in range(30_000)]
    statuses = [rng.choice(["", "live", "linkremoved", "Not found", None]) for _ in range(30_000)]
    frame = pl.DataFrame({"d": dates, "s": statuses}, schema={"d": pl.String, "s": pl.String})
    assert frame.height >= 10_000  # above the size where values are taken distinct
    rowwise = v._representable(v._ladder(frame.get_column("d"), v._DATE_ATTEMPTS, v._DT))
    assert rowwise.null_count() < frame.height  # a real mix of parsed and unparseable values
    assert frame.select(v.to_datetime(pl.col("d"))).to_series().equals(rowwise, check_names=False)
    words = pl.concat_str([pl.col("s").str.to_lowercase(), pl.col("d")], separator="|")
    direct = frame.select(words).to_series()
    assert frame.select(v.over_distinct(words, pl.String())).to_series().equals(direct, check_names=False)
    # distinct values (timestamps) are parsed row by row, with the same result
    stamps = pl.Series("t", [f"2026-03-10 09:{i // 60 % 60:02d}:{i % 60:02d}" for i in range(20_000)])
    assert stamps.to_frame().select(v.to_datetime(pl.col("t"))).to_series().null_count() == 0
