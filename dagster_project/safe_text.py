"""Text from exports made safe for the files we write: CSV opened in a spreadsheet, and HTML.

Anchors, titles and URLs come from the open web. Written as-is, `=HYPERLINK("http://evil",…)`
in a CSV cell runs as a formula when a person opens the file in Excel or LibreOffice (OWASP "CSV
Injection"), and `<script>` in a title runs in an HTML report. Writers pass text through these
functions at the last moment; the warehouse itself keeps the text exactly as the vendor wrote it.

- `csv_safe`: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
  apostrophe (OWASP's advice); the CSV writer still does the quoting. Meant for text columns: a
  negative number written through it would become text.
- `html_safe`: `&`, `<`, `>`, `"` and `'` become entities, so the text is safe in element content
  and in quoted attribute values.

Scalar functions for single values; `*_expr` for Polars expressions and `*_frame` for every
String column of a frame (column-wise, no Python per row); `csv_safe_sql` for a DuckDB query, so
an export streams from the warehouse to its file without passing rows through Python.
"""

from __future__ import annotations

import html

import polars as pl

# OWASP CSV Injection: the characters a spreadsheet reads as the start of a formula
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = "^[=+\\-@\t\r]"
_HTML_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))  # & first


def csv_safe(text: str | None) -> str | None:
    """`=1+1` -> `'=1+1`; anything else unchanged (None stays None)."""
    if text is None:
        return None
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def html_safe(text: str | None) -> str | None:
    """`<b>"x"</b>` -> `&lt;b&gt;&quot;x&quot;&lt;/b&gt;` (None stays None)."""
    if text is None:
        return None
    return html.escape(text, quote=True)


def csv_safe_expr(expr: pl.Expr) -> pl.Expr:
    """`csv_safe` on a String expression."""
    return pl.when(expr.str.contains(_FORMULA_START)).then(pl.lit("'") + expr).otherwise(expr)


def csv_safe_sql(column: str) -> str:
    """`csv_safe` as a DuckDB SQL expression over the VARCHAR expression `column` (a quoted
    identifier or any expression), built from the same trigger characters."""
    triggers = ", ".join(f"chr({ord(char)})" for char in FORMULA_TRIGGERS)
    return f"(case when left({column}, 1) in ({triggers}) then chr(39) || {column} else {column} end)"


def html_safe_expr(expr: pl.Expr) -> pl.Expr:
    """`html_safe` on a String expression (same entities as `html.escape(quote=True)`)."""
    for char, entity in _HTML_ENTITIES:
        expr = expr.str.replace_all(char, entity, literal=True)
    return expr


def _string_columns(frame: pl.DataFrame | pl.LazyFrame) -> list[str]:
    return [name for name, dtype in frame.collect_schema().items() if dtype == pl.String]


def csv_safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every String column through `csv_safe_expr`; other columns untouched."""
    return frame.with_columns(csv_safe_expr(pl.col(name)).alias(name) for name in _string_columns(frame))


def html_safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every String column through `html_safe_expr`; other columns untouched."""
    return frame.with_columns(html_safe_expr(pl.col(name)).alias(name) for name in _string_columns(frame))
