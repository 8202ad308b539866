"""The shared delimited-text reader: decode, find the header, split rows, never lose one silently.

Every text export (Ahrefs UTF-16 TSV, Semrush/Majestic CSV, Moz with its preamble, localised GSC
tables) goes through `read_table`; a format module only says whether a header is its own and how
to map the string columns.

pyarrow's CSV reader is the judge of rows: Polars 2.1 cannot tell a short row from one with
empty trailing fields (`missing_columns="insert"` fills both with the same value) and aborts the
whole file on a stray quote (`ab"c`, `"q"r`), while pyarrow hands every row with the wrong field
count to a callback with its original text and keeps going. Polars' reader (multithreaded, about
half pyarrow's CPU) splits a file first and is kept only when the file is provably well-formed
(see "the fast split" below); otherwise pyarrow splits it and quarantines the bad rows.

Format: docs/export-formats.md#how-a-file-is-recognised
"""

from __future__ import annotations

import codecs
import csv
import functools
import itertools
import logging
import re
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import charset_normalizer
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from polars.io.plugins import register_io_source

from dagster_project.formats.base import ParsedExport, TableFormat, UnrecognisedExport
from dagster_project.schema import KINDS

log = logging.getLogger(__name__)

DELIMITERS = ("\t", ",", ";")
HEADER_SEARCH_LINES = 30  # Moz puts 5-6 metadata lines before its header; allow blank rows too
SAMPLE_ROWS = 20  # rows shown to a content-checked format (`SampledTableFormat`)
# decode() names this encoding when it had to replace bad UTF-8 sequences with U+FFFD:
# read_table then quarantines the rows that contain them ("undecodable bytes").
UTF8_REPLACED = "utf-8 (undecodable bytes replaced)"
_REPLACEMENT = "\ufffd"
_BLOCK_SIZE = 4 << 20


@dataclass(frozen=True)
class SampledTableFormat(TableFormat):
    """A TableFormat that also looks at the first rows before claiming a file.

    For tables whose header alone says too little (GSC links exported with headers in a language
    we do not list): `matches(headers)` is the cheap pre-check, then `matches_rows(headers, rows)`
    sees up to SAMPLE_ROWS rows split with the header's delimiter.
    """

    matches_rows: Callable[[list[str], list[list[str]]], bool] | None = None


# --- decoding --------------------------------------------------------------------------------


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text of mostly ASCII characters has a NUL in every other byte."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


# Single-byte code pages a spreadsheet on Windows saves CSV in; cp1252 (Western) first.
LEGACY_ENCODINGS = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258")
_HIGH_BYTES = re.compile(rb"[\x80-\xff]+")


_LATIN_CODE_PAGES = {"cp1250", "cp1252", "cp1254", "cp1257", "cp1258"}


def _legacy_guess(data: bytes) -> str:
    """The likely code page of a non-UTF-8 text file.

    charset-normalizer, restricted to LEGACY_ENCODINGS and judged on the text that needs it, tells
    scripts apart (Cyrillic, Greek, Hebrew, Arabic) but not Latin code pages on a few accented
    words (it reads Spanish `ñ` as cp1250 `ń`), so any Latin guess becomes cp1252, the common one;
    read_table still switches to cp1250 & co. when only those yield a known header."""
    # the text around the first few hundred non-ASCII runs (a bounded loop, linear regex)
    runs = itertools.islice(_HIGH_BYTES.finditer(data), 300)
    sample = b"\n".join(data[max(m.start() - 80, 0) : m.end() + 80] for m in runs)
    best = charset_normalizer.from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None or best.encoding in _LATIN_CODE_PAGES:
        return "cp1252"
    return best.encoding


def _decode_not_utf8(data: bytes) -> tuple[str, str]:
    """Bytes that are not valid UTF-8: a damaged UTF-8 file, or a legacy 8-bit one (cp1252...)."""
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count(_REPLACEMENT) - data.count("\ufffd".encode())
    non_ascii = len(replaced) - len(replaced.encode("ascii", errors="ignore"))
    valid_multibyte = non_ascii - replaced.count(_REPLACEMENT)
    # A file that spells its other non-ASCII text in UTF-8 is UTF-8 with a few damaged sequences:
    # keep it UTF-8 so only the damaged rows are quarantined. A legacy single-byte file (a Spanish
    # GSC export saved as cp1252 has `P\xe1gina`) practically never forms a valid multi-byte
    # sequence; decoding it as UTF-8 would quarantine every accented row.
    if valid_multibyte > 0 and bad <= 4 * valid_multibyte:
        return replaced, UTF8_REPLACED
    encoding = _legacy_guess(data)
    return data.decode(encoding, errors="replace"), encoding


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name). BOM first, then UTF-16 by NUL pattern, then strict UTF-8,
    then damaged UTF-8 (encoding UTF8_REPLACED) or a legacy code page. Raises UnrecognisedExport
    for empty, whitespace-only or binary files.
    """
    if not data or data.isspace():
        raise UnrecognisedExport("the file is empty" if not data else "the file contains only whitespace")
    if data.startswith(b"\xff\xfe"):
        text, encoding = data[2:].decode("utf-16-le", errors="replace"), "utf-16-le"
    elif data.startswith(b"\xfe\xff"):
        text, encoding = data[2:].decode("utf-16-be", errors="replace"), "utf-16-be"
    elif utf16 := _utf16_without_bom(data[:4096]):
        text, encoding = data.decode(utf16, errors="replace"), utf16
    elif b"\x00" in data[:65536]:
        raise UnrecognisedExport("binary file (contains NUL bytes), not a text export")
    else:
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        try:
            text, encoding = body.decode("utf-8"), "utf-8" if body is data else "utf-8-sig"
        except UnicodeDecodeError:
            text, encoding = _decode_not_utf8(body)
    text = text.removeprefix("\ufeff")
    if not text or text.isspace():
        raise UnrecognisedExport("the file contains only whitespace")
    return text, encoding


def _decodings(data: bytes) -> Iterator[tuple[str, str]]:
    """decode()'s answer, then - for a legacy 8-bit file only - the other plausible code pages."""
    text, encoding = decode(data)
    yield text, encoding
    if encoding in LEGACY_ENCODINGS:
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        for other in LEGACY_ENCODINGS:
            if other != encoding:
                yield body.decode(other, errors="replace"), other


# --- finding the header ------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def normalise_header(name: str) -> str:
    """`"\\ufeffTraffic "` -> `traffic`: no BOM, quotes or outer spaces, inner whitespace collapsed, lowercase."""
    name = name.replace("\ufeff", "").strip()
    while len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        name = name[1:-1].strip()
    return _SPACES.sub(" ", name).lower()


def _split_line(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _delimiters_for(line: str) -> list[str]:
    """Most frequent delimiter first; a line without any (a one-column table) still gets a try."""
    ranked = sorted(DELIMITERS, key=lambda d: -line.count(d))
    return [d for d in ranked if d in line] or [","]


# A line ends at CRLF, LF or a lone CR ("CSV (Macintosh)" from Excel; pyarrow splits rows the same way).
_LINE_BREAK = re.compile(r"\r\n?|\n")
# No vendor header is near this long. Longer lines (a 10 MB one-line file) are no header
# candidates, and are cut before Python's csv module sees them: it refuses fields over 128 KiB.
MAX_HEADER_CHARS = 1 << 16


def _line_offset(text: str, line_index: int) -> int:
    """Character offset where physical line `line_index` starts (len(text) if there is none)."""
    offset = 0
    for _ in range(line_index):
        found = _LINE_BREAK.search(text, offset)
        if found is None:
            return len(text)
        offset = found.end()
    return offset


def _head_lines(text: str, n: int) -> list[str]:
    """The first n physical lines, without copying the rest of a large text."""
    head = text[: _line_offset(text, n)]
    return _LINE_BREAK.split(head)[:n]


def _sample(lines: list[str], delimiter: str) -> list[list[str]]:
    cut = (line[:MAX_HEADER_CHARS] for line in lines)
    return [row for row in csv.reader(cut, delimiter=delimiter) if any(cell.strip() for cell in row)]


def _claims(fmt: TableFormat, headers: list[str], rows: Callable[[], list[list[str]]]) -> bool:
    if not fmt.matches(headers):
        return False
    check = getattr(fmt, "matches_rows", None)
    return check is None or check(headers, rows())


def find_table(text: str, candidates: Sequence[TableFormat]) -> tuple[TableFormat, int, str]:
    """(format, header line index, delimiter) of the first header among the first lines that a
    candidate claims (earliest line wins, then registry order). Raises UnrecognisedExport naming
    what it saw when nothing matches."""
    lines = _head_lines(text, HEADER_SEARCH_LINES + SAMPLE_ROWS)
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if not line.strip() or len(line) > MAX_HEADER_CHARS:
            continue
        for delimiter in _delimiters_for(line):
            headers = [normalise_header(h) for h in _split_line(line, delimiter)]
            if not any(headers):
                continue
            following = lines[index + 1 : index + 1 + SAMPLE_ROWS]
            for fmt in candidates:
                if _claims(fmt, headers, lambda: _sample(following, delimiter)):  # noqa: B023 (called at once)
                    return fmt, index, delimiter
    raise UnrecognisedExport(f"not a supported export: header {_describe(lines)} matches no known format")


def _describe(lines: list[str]) -> str:
    """The line that looks most like a header: the one with the most fields."""
    candidates = [line for line in lines[:HEADER_SEARCH_LINES] if line.strip()]
    best = max(candidates, key=lambda ln: max(ln.count(d) for d in DELIMITERS), default="")
    best = best[:MAX_HEADER_CHARS]
    fields = [h.strip() for h in _split_line(best, _delimiters_for(best)[0])]
    shown = ", ".join(fields)
    return repr(shown if len(shown) <= 200 else shown[:200] + "…")


# --- splitting rows --------------------------------------------------------------------------


def _unique_names(headers: list[str]) -> list[str]:
    """Frame column names: empty headers get a position name, repeats get _2, _3 ..."""
    seen: dict[str, int] = {}
    names = []
    for i, header in enumerate(headers):
        name = header or f"column_{i + 1}"
        if name == "row_number":  # reserved by the reader (a vendor's own "Raw" column is fine)
            name = f"{name}_column"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return names


class _NotUtf8(Exception):
    """The bytes assumed to be UTF-8 are not: take the slow decoding path."""


@dataclass(frozen=True)
class _Body:
    """The data rows: the file's bytes from `start` on (a view, so a large file is never copied).

    UTF-8, or UTF-16 (`encoding`) transcoded to UTF-8 each time the rows are read: once to split
    them, again only if a quarantined row's text is asked for, so no UTF-8 copy of a large UTF-16
    file stays alive while its rows are mapped."""

    buf: bytes | bytearray
    start: int
    encoding: str | None = None

    def utf8(self) -> _Body:
        if self.encoding is None:
            return self
        return _Body(_utf16_to_utf8(self.buf, self.encoding, self.start), 0)

    @property
    def view(self) -> memoryview:
        return memoryview(self.buf)[self.start :]

    def contains(self, needle: bytes) -> bool:
        return self.buf.find(needle, self.start) >= 0


_SPLIT_CONVERT = {"strings_can_be_null": False, "quoted_strings_can_be_null": False}


def _arrow_read(
    body: _Body, columns: list[str], parse: pacsv.ParseOptions, use_threads: bool, **convert
) -> pa.Table | None:
    """The body split by pyarrow as String columns; None when it holds no row at all."""
    block_size = _BLOCK_SIZE
    while True:
        try:
            return pacsv.read_csv(
                pa.py_buffer(body.view),
                read_options=pacsv.ReadOptions(column_names=columns, use_threads=use_threads, block_size=block_size),
                parse_options=parse,
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string()), **convert),
            )
        except pa.ArrowInvalid as exc:
            message = str(exc)
            if "Empty CSV" in message:  # only blank lines after the header
                return None
            # one record longer than a block (a huge multi-line cell): read the body as one block
            if "straddl" in message and block_size <= len(body.view):
                block_size = len(body.view) + 1
                continue
            if "UTF8" in message or "UTF-8" in message:
                raise _NotUtf8(message) from exc
            raise UnrecognisedExport(f"could not split the table into rows: {message}") from exc


def _split_fields(body: _Body, n_columns: int, delimiter: str) -> tuple[pa.Table, list]:
    """(rows with the right field count as a String table c0..cN-1, the others as pyarrow InvalidRows)."""
    invalid: list = []

    def on_invalid(row) -> str:  # called only for rows with the wrong field count
        invalid.append(row)
        return "skip"

    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid)
    columns = [f"c{i}" for i in range(n_columns)]
    try:
        table = _arrow_read(body, columns, parse, use_threads=True, **_SPLIT_CONVERT)
        if table is None:
            table = pa.table({c: pa.array([], pa.string()) for c in columns})
        elif any(row.number is None for row in invalid):
            # threaded parsing does not number bad rows; they are rare, so re-read numbered
            invalid.clear()
            table = _arrow_read(body, columns, parse, use_threads=False, **_SPLIT_CONVERT)
    except UnicodeDecodeError as exc:  # a bad row's text is handed over as str
        raise _NotUtf8(str(exc)) from exc
    return table, invalid


def _stream_rows(
    body: _Body, columns: list[str], parse: pacsv.ParseOptions, positions: np.ndarray, **convert
) -> tuple[pa.Table, int]:
    """(the rows at `positions` (0-based, ascending, unique) of the body as pyarrow splits it, the
    number of rows it holds). Streams block by block, so only the wanted rows are kept."""
    block_size = _BLOCK_SIZE
    while True:
        found, seen = [], 0
        try:
            reader = pacsv.open_csv(
                pa.py_buffer(body.view),
                read_options=pacsv.ReadOptions(column_names=columns, use_threads=False, block_size=block_size),
                parse_options=parse,
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string()), **convert),
            )
            for batch in reader:
                lo, hi = np.searchsorted(positions, [seen, seen + batch.num_rows])
                if hi > lo:
                    found.append(batch.take(pa.array(positions[lo:hi] - seen)))
                seen += batch.num_rows
        except pa.ArrowInvalid as exc:
            if "Empty CSV" in str(exc):
                break
            if "straddl" in str(exc) and block_size <= len(body.view):  # as in _arrow_read
                block_size = len(body.view) + 1
                continue
            raise
        break
    schema = pa.schema([(c, pa.string()) for c in columns])
    return pa.Table.from_batches(found, schema=schema), seen


@dataclass(frozen=True)
class _RawLines:
    """A data row's original text, found only for the row numbers asked for (the quarantined ones).

    One more streaming pyarrow pass over the body: its non-blank physical lines, when every record
    is exactly one line (line i is row i); with multi-line cells the counts differ and the row's
    fields are re-joined with the delimiter instead. Rows with the wrong field count never get
    here: pyarrow hands over their text while splitting."""

    body: _Body
    delimiter: str
    n_columns: int
    total: int  # data rows read, any shape
    good_numbers: pl.Series  # row_number of each well-shaped row, in file order

    def __call__(self, row_numbers: pl.Series) -> pl.Series:
        wanted = row_numbers.cast(pl.Int64).unique().sort()
        body = self.body.utf8() if wanted.len() else self.body
        texts = self._lines(body, wanted)
        if texts is None:
            texts = self._rejoined(body, wanted)
        table = pl.DataFrame({"row_number": wanted, "raw": texts}, schema={"row_number": pl.Int64, "raw": pl.String})
        found = (
            row_numbers.cast(pl.Int64)
            .to_frame("row_number")
            .join(table, on="row_number", how="left", maintain_order="left")
        )
        return found.get_column("raw")

    def _lines(self, body: _Body, wanted: pl.Series) -> pl.Series | None:
        if wanted.len() == 0:
            return pl.Series([], dtype=pl.String)
        if body.contains(b"\x1f"):
            return None
        parse = pacsv.ParseOptions(delimiter="\x1f", quote_char=False, newlines_in_values=False)
        positions = (wanted - 1).to_numpy()
        table, lines = _stream_rows(body, ["raw"], parse, positions, check_utf8=False, **_SPLIT_CONVERT)
        if lines != self.total:
            return None
        return _series(table.column("raw"))

    def _rejoined(self, body: _Body, wanted: pl.Series) -> pl.Series:
        index = self.good_numbers.to_frame("row_number").with_row_index("i")
        positions = wanted.to_frame("row_number").join(index, on="row_number", how="inner")["i"].to_numpy()
        parse = pacsv.ParseOptions(
            delimiter=self.delimiter, newlines_in_values=True, invalid_row_handler=lambda _row: "skip"
        )
        columns = [f"c{i}" for i in range(self.n_columns)]
        table, _ = _stream_rows(body, columns, parse, positions.astype(np.int64), **_SPLIT_CONVERT)
        fields = pl.from_arrow(table)
        assert isinstance(fields, pl.DataFrame)
        return fields.select(pl.concat_str(columns, separator=self.delimiter)).to_series()


def _series(array: pa.ChunkedArray) -> pl.Series:
    series = pl.from_arrow(array)
    assert isinstance(series, pl.Series)
    return series.cast(pl.String)


def _split_rows(body: _Body, names: list[str], delimiter: str) -> tuple[pa.Table, pl.Series, pl.DataFrame, _RawLines]:
    """(rows with the right field count as a pyarrow table with the header's names, their
    row_number, the others as row_number/reason/raw, the original text of any row on demand)."""
    rejected = pl.DataFrame(schema={"row_number": pl.Int64, "reason": pl.String, "raw": pl.String})
    table, invalid = _split_fields(body.utf8(), len(names), delimiter)
    table = table.rename_columns(names)
    total = table.num_rows + len(invalid)
    numbers = pl.int_range(1, total + 1, dtype=pl.Int64, eager=True).alias("row_number")
    if invalid:
        bad_numbers = pl.Series([row.number for row in invalid], dtype=pl.Int64)
        numbers = numbers.filter(~numbers.is_in(bad_numbers.implode()))
    raw_lines = _RawLines(body, delimiter, len(names), total, numbers)
    if not invalid:
        return table, numbers, rejected, raw_lines
    bad = pl.DataFrame(
        {
            "row_number": [row.number for row in invalid],
            "fields": [row.actual_columns for row in invalid],
            "raw": [row.text for row in invalid],
        },
        schema={"row_number": pl.Int64, "fields": pl.Int64, "raw": pl.String},
    )
    blank = pl.col("raw").str.replace_all(r'[\s"' + re.escape(delimiter) + "]", "") == ""
    reason = pl.when(blank).then(pl.lit("empty row"))
    reason = reason.otherwise(pl.format("row has {} fields, header has {}", "fields", pl.lit(len(names))))
    return table, numbers, bad.select("row_number", reason=reason, raw="raw"), raw_lines


# --- the fast split: Polars, for well-formed files ----------------------------------------------
#
# Polars' reader is multithreaded and ~2x cheaper than pyarrow's, but it pads a short row with
# empty fields where pyarrow reports it, and reads a lone CR as data where pyarrow ends a line.
# So it splits only what it provably splits like pyarrow: the rows come back only if Polars
# raised nothing (it refuses long rows, stray quotes and bad UTF-8), the text has no lone CR, and
# either no row has an empty last field (a padded short row has one) or the delimiters in the
# text are exactly those between the fields plus those inside values. Anything else goes to
# pyarrow, which finds and quarantines the bad rows (`_split_rows`).


def _count_byte(piece: bytes | memoryview, byte: str) -> int:
    array = np.frombuffer(piece, dtype=np.uint8)
    return sum(
        int(np.count_nonzero(array[start : start + _SCAN_BYTES] == ord(byte)))
        for start in range(0, array.size, _SCAN_BYTES)
    )


_SCAN_BYTES = 16 << 20


def _polars_piece(piece: bytes, columns: list[str], delimiter: str, keep: list[str]) -> pl.DataFrame | None:
    """One run of whole records split by Polars (only the `keep` columns kept), or None when
    pyarrow must judge them.

    Polars builds only the kept columns (it still finds every field, and refuses a stray quote
    or bad UTF-8 anywhere), but then it also drops a long row's extra fields silently; so a
    projected run must have exactly the delimiters its rows' separators and its kept values
    hold, and no empty last field (a padded short row). A run that has them, or any delimiter
    inside a value of a column not kept, is split again with every column and the checks above."""
    if len(keep) < len(columns):
        frame = _polars_read(piece, columns, delimiter, keep)
        if frame is not None and not (frame.get_column(columns[-1]) == "").any():
            extra = _count_byte(piece, delimiter) - frame.height * (len(columns) - 1)
            # none beyond the separators: no long row and no delimiter in any value (the usual case)
            if extra == 0 or extra == sum(
                frame.get_column(c).str.count_matches(delimiter, literal=True).sum() for c in keep
            ):
                return frame
    frame = _polars_read(piece, columns, delimiter, columns)
    if frame is None:
        return None
    if (frame.get_column(columns[-1]) == "").any():  # a padded short row, or an empty last field
        inside = sum(frame.get_column(c).str.count_matches(delimiter, literal=True).sum() for c in columns)
        if _count_byte(piece, delimiter) != frame.height * (len(columns) - 1) + inside:
            return None
    return frame.select(keep)


def _polars_read(piece: bytes, columns: list[str], delimiter: str, keep: list[str]) -> pl.DataFrame | None:
    try:
        return (
            pl.scan_csv(
                piece,
                has_header=False,
                separator=delimiter,
                schema=dict.fromkeys(columns, pl.String()),
                empty_string_is_null=False,
                raise_if_empty=False,
            )
            .select(keep)
            .collect()
        )
    except Exception:  # long rows, stray quotes, bad UTF-8...: pyarrow reads them and says which
        return None


_MAX_RECORD = 256 << 20  # no run of a well-formed export goes this far without a record ending


def _polars_split(body: _Body, names: list[str], delimiter: str, used: set[str] | None) -> pl.DataFrame | None:
    """The body's rows as a String frame with the header's names, split by Polars; None when the
    text is not provably well-formed (see above) and pyarrow must split it. Only the columns in
    `used` and the first and last are kept (None: all).

    The body is cut into runs of whole records, each split by Polars on its threads while the
    next is cut (and, for UTF-16, transcoded: the codec holds the GIL, Polars does not). A run ends
    at the last LF of a chunk that follows an even number of quotes: outside any quoted value (in
    a well-formed file; in another, Polars or the checks notice)."""
    if len(names) < 2 or len(delimiter) != 1:  # one column: no field count to check
        return None
    columns = [f"c{i}" for i in range(len(names))]
    keep = [c for i, (c, n) in enumerate(zip(columns, names, strict=True)) if used is None or n in used or i == 0]
    keep += [columns[-1]] if columns[-1] not in keep else []
    if body.encoding is not None:
        chunks = _utf8_chunks(body.buf, body.encoding, body.start)
    else:
        view = body.view
        chunks = (bytes(view[i : i + _TRANSCODE_CHUNK]) for i in range(0, len(view), _TRANSCODE_CHUNK))
    parts: list[Future] = []
    carry: list[bytes] = []  # the start of an unfinished record
    carried = quotes = 0  # its bytes, and the quotes in it
    cr_ends = False  # the previous chunk ended with a CR: this one must start with its LF
    with ThreadPoolExecutor(max_workers=1) as pool:
        for chunk in chunks:
            array = np.frombuffer(chunk, dtype=np.uint8)
            if cr_ends and not chunk.startswith(b"\n"):
                return None
            cr = np.flatnonzero(array[:-1] == 13)
            if cr.size and bool((array[cr + 1] != 10).any()):
                return None  # a lone CR
            cr_ends = chunk.endswith(b"\r")
            quote_at = np.flatnonzero(array == 34)
            lf_at = np.flatnonzero(array == 10)
            # quotes before each LF, counting the carried ones: the last even count ends a run
            ends = lf_at[(quotes + np.searchsorted(quote_at, lf_at)) % 2 == 0]
            if not ends.size:
                carry.append(chunk)
                carried, quotes = carried + len(chunk), quotes + quote_at.size
                if carried > _MAX_RECORD:
                    return None
                continue
            cut = int(ends[-1]) + 1
            if len(parts) >= 2 and parts[-2].result() is None:  # at most two runs wait: bounded memory
                return None
            parts.append(pool.submit(_polars_piece, b"".join([*carry, chunk[:cut]]), columns, delimiter, keep))
            carry = [chunk[cut:]]
            carried, quotes = len(chunk) - cut, int(quote_at.size - np.searchsorted(quote_at, cut))
        if cr_ends:
            return None
        if carried:
            parts.append(pool.submit(_polars_piece, b"".join(carry), columns, delimiter, keep))
        frames = [part.result() for part in parts]
    if not frames or any(frame is None for frame in frames):
        return None
    frame = pl.concat(frames, rechunk=False)  # type: ignore[arg-type]
    if frame.height == 0:
        return None
    return frame.rename({c: names[int(c[1:])] for c in keep})


def _utf8_chunks(data: bytes | bytearray, encoding: str, skip: int) -> Iterator[bytes]:
    """UTF-16 bytes from `skip` on as UTF-8 chunks, decoded as `decode()` does (bad code units -> U+FFFD)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    view = memoryview(data)[skip:]
    for start in range(0, len(view), _TRANSCODE_CHUNK):
        yield decoder.decode(view[start : start + _TRANSCODE_CHUNK]).encode("utf-8")
    tail = decoder.decode(b"", final=True).encode("utf-8")
    if tail:
        yield tail


def _rows_at(body: _Body, names: list[str], delimiter: str, mask: pl.Series) -> pl.DataFrame:
    """Every column of the rows the mask selects, split by pyarrow (the fast split keeps only the
    columns a format reads; the few rows `_unusable` checks closely need them all)."""
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    columns = [f"c{i}" for i in range(len(names))]
    table, _ = _stream_rows(body.utf8(), columns, parse, mask.arg_true().to_numpy().astype(np.int64), **_SPLIT_CONVERT)
    rows = pl.from_arrow(table.rename_columns(names))
    assert isinstance(rows, pl.DataFrame)
    return rows


def _column(table: pa.Table, name: str) -> pl.Series:
    series = pl.from_arrow(table.column(name))
    assert isinstance(series, pl.Series)
    return series.alias(name)


def _unusable(
    first: pl.Series,
    last: pl.Series,
    rows_where: Callable[[pl.Series], pl.DataFrame],
    numbers: pl.Series,
    header_fields: list[str],
    undecodable: pl.Series | None = None,
) -> pl.DataFrame:
    """Well-shaped rows that still cannot be used: row_number, reason (the first reason wins).

    Cheap tests on the first and last column pick the candidates; the exact tests run on those
    rows only (`rows_where(mask)`: every column of the rows the mask selects), so a clean
    million-row file costs ~0.05 s. `undecodable`: the rows holding U+FFFD, where decode() met
    bytes that are not UTF-8."""
    header = [h.strip() for h in header_fields]
    blank_first = first.str.strip_chars() == ""
    masks = {
        # a blank row is blank in its first and last field
        "short": blank_first & (last.str.strip_chars() == "") if len(header) > 1 else blank_first,
        "header": first.str.contains(header[0], literal=True),
    }
    if undecodable is not None:
        masks["undecodable"] = undecodable
    exact = {
        "undecodable": (lambda names: pl.lit(True), "undecodable bytes"),
        "short": (lambda names: pl.all_horizontal([pl.col(n).str.strip_chars() == "" for n in names]), "empty row"),
        # a second header line inside the data (two exports pasted together)
        "header": (
            lambda names: pl.all_horizontal(
                [pl.col(n).str.strip_chars() == h for n, h in zip(names, header, strict=True)]
            ),
            "repeated header row",
        ),
    }
    found = [pl.DataFrame(schema={"row_number": pl.Int64, "reason": pl.String})]
    for key, (test, reason) in exact.items():
        if key not in masks:
            continue
        mask = masks[key].fill_null(False)
        if not mask.any():
            continue
        candidates = rows_where(mask)
        names = candidates.columns
        candidates = candidates.with_columns(numbers.filter(mask).alias("row_number"))
        found.append(candidates.filter(test(names)).select("row_number", reason=pl.lit(reason)))
    return pl.concat(found).unique("row_number", keep="first", maintain_order=True)


def _arrow_unusable(table: pa.Table, numbers: pl.Series, header_fields: list[str], replaced: bool) -> pl.DataFrame:
    names = table.column_names
    undecodable = None
    if replaced:  # U+FFFD stands where decode() met bytes that are not UTF-8
        has_bad = [pc.match_substring(table.column(n), _REPLACEMENT) for n in names]
        undecodable = pl.Series(functools.reduce(pc.or_, has_bad)).fill_null(False)

    def rows_where(mask: pl.Series) -> pl.DataFrame:
        # filter, not take: pyarrow's take first concatenates every chunk of every column
        rows = pl.from_arrow(table.filter(mask.to_arrow()))
        assert isinstance(rows, pl.DataFrame)
        return rows

    first, last = _column(table, names[0]), _column(table, names[-1])
    return _unusable(first, last, rows_where, numbers, header_fields, undecodable)


def _used_columns(fmt: TableFormat, names: list[str]) -> set[str] | None:
    """The header columns `fmt.to_canonical` reads, found by Polars' projection pushdown on an
    empty lazy frame; None (read them all) when the mapping does not run lazily."""
    schema = dict.fromkeys(names, pl.String()) | {"row_number": pl.Int64()}
    read: list[list[str] | None] = []

    def source(with_columns, predicate, n_rows, batch_size):
        read.append(with_columns)
        yield pl.DataFrame(schema=schema)

    try:
        with warnings.catch_warnings():  # `frame.columns` on a LazyFrame warns about resolving the schema
            warnings.simplefilter("ignore")
            mapped = fmt.to_canonical(register_io_source(source, schema=schema))  # type: ignore[arg-type]
            if not isinstance(mapped, pl.LazyFrame):
                return None
            mapped.collect()
    except Exception:
        return None
    if not read or any(columns is None for columns in read):
        return None
    return {name for columns in read for name in columns or ()}


def _string_frame(table: pa.Table, numbers: pl.Series, used: set[str] | None) -> pl.DataFrame:
    """The rows as the String frame a format maps (header names + row_number). Columns the format
    does not read are typed-null placeholders: same names, nothing converted or copied."""
    unread = pl.repeat(None, table.num_rows, dtype=pl.Null, eager=True)
    columns = [
        _column(table, name) if used is None or name in used else unread.alias(name) for name in table.column_names
    ]
    return pl.DataFrame([*columns, numbers])


def _utf8_head(data: bytes | bytearray) -> tuple[str, int] | None:
    """(decoded head, BOM length) when the file can be read as UTF-8 without decoding all of it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or not data or data.isspace():
        return None
    if _utf16_without_bom(data[:4096]) or b"\x00" in data[:65536]:
        return None
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    head = data[bom : bom + (1 << 18)]
    if len(data) - bom > len(head):
        cut = head.rfind(b"\n")
        if cut < 0:  # no line break in the first 256 KiB: let the slow path deal with it
            return None
        head = head[: cut + 1]  # never cut a multi-byte character
    try:
        return head.decode("utf-8"), bom
    except UnicodeDecodeError:
        return None


def _decode_and_find(data: bytes, formats: Sequence[TableFormat]) -> tuple[str, str, tuple[TableFormat, int, str]]:
    """For a legacy 8-bit file the code page is settled by which decoding yields a known header
    (charset detection is unreliable on a few accented header words); content-checked formats
    (`SampledTableFormat`) only win when no decoding gives a header match."""
    fallback, error = None, None
    for text, encoding in _decodings(data):
        try:
            found = find_table(text, formats)
        except UnrecognisedExport as exc:
            error = error or exc
            continue
        if getattr(found[0], "matches_rows", None) is None:
            return text, encoding, found
        fallback = fallback or (text, encoding, found)
    if fallback is not None:
        return fallback
    assert error is not None
    raise error


def _utf16_encoding(data: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) of a UTF-16 file, as `decode()` tells them; None for anything else."""
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    encoding = _utf16_without_bom(data[:4096])
    return None if encoding is None else (encoding, 0)


_TRANSCODE_CHUNK = 16 << 20


def _utf16_to_utf8(data: bytes | bytearray, encoding: str, skip: int, limit: int | None = None) -> bytearray:
    """UTF-16 bytes (from `skip` on; only `limit` bytes of them for a head) as UTF-8, decoded as
    `decode()` does (bad code units -> U+FFFD; a head leaves out a character cut at its end).

    Chunk by chunk into one growing buffer: the whole file is never one Python str (up to 4 bytes
    a character once a single emoji is in it) nor copied again by an encode of that str."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    view = memoryview(data)[skip:] if limit is None else memoryview(data)[skip : skip + limit]
    out = bytearray()
    for start in range(0, len(view), _TRANSCODE_CHUNK):
        out += decoder.decode(view[start : start + _TRANSCODE_CHUNK]).encode("utf-8")
    if limit is None:
        out += decoder.decode(b"", final=True).encode("utf-8")
    return out


# UTF-16 bytes transcoded to find the header: >= 512 KiB of UTF-8, more than _utf8_head looks at
_UTF16_HEAD = 1 << 20


def _locate(utf8: bytes | bytearray, formats: Sequence[TableFormat]):
    """(head text, BOM length, format, header row, delimiter) of a table in UTF-8 bytes that can be
    read without decoding it whole; None when it cannot (see `_utf8_head`, or a format that
    rewrites the text first)."""
    fast = _utf8_head(utf8)
    if fast is None:
        return None
    head, bom = fast
    fmt, header_index, delimiter = find_table(head, formats)
    if fmt.preprocess is not None:
        return None
    return head, bom, fmt, header_index, delimiter


def _read_utf16(data: bytes, formats: Sequence[TableFormat], encoding: str, skip: int) -> ParsedExport | None:
    """A UTF-16 table read like a UTF-8 one: only its head is transcoded to find the header; the
    body is transcoded while it is split (see `_Body`)."""
    located = _locate(_utf16_to_utf8(data, encoding, skip, _UTF16_HEAD), formats)
    if located is None:
        return None
    head, bom, fmt, header_index, delimiter = located
    header = head[: _line_offset(head, header_index + 1)]
    start = skip + (2 if bom else 0) + len(header.encode(encoding))  # a U+FEFF is one code unit
    return _parse(fmt, head, header_index, delimiter, _Body(data, start, encoding), encoding)


def _read_utf8(data: bytes, formats: Sequence[TableFormat]) -> ParsedExport | None:
    """The table in UTF-8 bytes, read without decoding them whole; None when that cannot be done
    (no line break in the head, bytes that are not UTF-8, a format that rewrites the text)."""
    located = _locate(data, formats)
    if located is None:
        return None
    head, bom, fmt, header_index, delimiter = located
    start = bom + len(head[: _line_offset(head, header_index + 1)].encode("utf-8"))
    try:
        return _parse(fmt, head, header_index, delimiter, _Body(data, start), "utf-8-sig" if bom else "utf-8")
    except _NotUtf8:
        return None


def read_table(data: bytes, file_name: str, formats: Sequence[TableFormat]) -> ParsedExport:
    """Decode, find the header, split the rows and map them with the matching format.

    Returned rows carry "row_number" (1-based data row) next to the format's canonical columns;
    `raw_lookup` gives a row's original line (the fields re-joined with the delimiter when the
    file has multi-line cells) for the rows that end up quarantined. Rows with the wrong field
    count, blank rows, repeated header rows and rows with undecodable bytes go to `rejected` with
    a reason and their raw text. `snapshot_from_rows` receives the
    mapped (canonical) rows. `file_name` is not used to recognise the format (content decides).

    UTF-8 files (the common case) are never decoded whole in Python: the head is decoded to find
    the header and pyarrow validates the rest while splitting; UTF-16 files (Ahrefs "for Excel")
    are transcoded to UTF-8 bytes chunk by chunk while they are split. Only if that fails is
    the file decoded by `decode()` (damaged UTF-8 or a legacy code page) and split again.
    """
    utf16 = _utf16_encoding(data)
    parsed = _read_utf8(data, formats) if utf16 is None else _read_utf16(data, formats, *utf16)
    if parsed is not None:
        return parsed
    text, encoding, (fmt, header_index, delimiter) = _decode_and_find(data, formats)
    if fmt.preprocess is not None:
        text = fmt.preprocess(text)
        fmt, header_index, delimiter = find_table(text, [fmt])
    body = _Body(text[_line_offset(text, header_index + 1) :].encode("utf-8"), 0)
    return _parse(fmt, text, header_index, delimiter, body, encoding)


def _parse(fmt: TableFormat, text: str, header_index: int, delimiter: str, body: _Body, encoding: str) -> ParsedExport:
    header_fields = _split_line(_head_lines(text, header_index + 1)[header_index], delimiter)
    names = _unique_names([normalise_header(h) for h in header_fields])
    used = _used_columns(fmt, names)
    replaced = encoding == UTF8_REPLACED
    # a damaged UTF-8 file's rows are checked for U+FFFD in every column: pyarrow's path
    try:
        fast = None if replaced else _polars_split(body, names, delimiter, used)
    except Exception:  # the fast path is an optimisation: a fault in it must not cost the file
        log.exception("the fast split failed; pyarrow splits the file")
        fast = None
    if fast is not None:
        numbers = pl.int_range(1, fast.height + 1, dtype=pl.Int64, eager=True).alias("row_number")
        rejected = pl.DataFrame(schema={"row_number": pl.Int64, "reason": pl.String, "raw": pl.String})
        raw_lines = _RawLines(body, delimiter, len(names), fast.height, numbers)
        first, last = fast.get_column(names[0]), fast.get_column(names[-1])
        unusable = _unusable(first, last, lambda mask: _rows_at(body, names, delimiter, mask), numbers, header_fields)
        unread = pl.repeat(None, fast.height, dtype=pl.Null, eager=True)
        good = fast.select(pl.col(n) if used is None or n in used else pl.lit(unread).alias(n) for n in names)
        good = good.with_columns(numbers)
        del fast
    else:
        table, numbers, rejected, raw_lines = _split_rows(body, names, delimiter)
        if replaced:  # a row with bad bytes is quarantined for them, whatever its shape
            has_bad = pl.col("raw").str.contains(_REPLACEMENT, literal=True)
            rejected = rejected.with_columns(
                reason=pl.when(has_bad).then(pl.lit("undecodable bytes")).otherwise("reason")
            )
        unusable = _arrow_unusable(table, numbers, header_fields, replaced)
        good = _string_frame(table, numbers, used)
        # The columns the format reads are in `good` now. pyarrow's allocator keeps freed memory for
        # reuse; hand it back, or the mapping below allocates its own on top of it (~0.2 GB per 1M rows).
        del table
        pa.default_memory_pool().release_unused()
    if unusable.height:
        flagged = unusable.with_columns(raw_lines(unusable.get_column("row_number")).alias("raw"))
        rejected = pl.concat([rejected, flagged]).sort("row_number")
        good = good.filter(~pl.col("row_number").is_in(unusable["row_number"].implode()))

    rows = fmt.to_canonical(good).drop("raw", strict=False)
    notes = [] if encoding in ("utf-8", "utf-8-sig", "utf-16-le") else [f"decoded as {encoding}"]
    if header_index:
        notes.append(f"header found on line {header_index + 1}")
    snapshot = fmt.snapshot_from_rows(rows) if fmt.snapshot_from_rows is not None and rows.height else None
    return ParsedExport(
        format_name=fmt.name,
        kind=fmt.kind,
        source_tool=fmt.source_tool,
        rows=rows,
        rejected=rejected,
        snapshot_hint=snapshot,
        notes=notes,
        raw_lookup=raw_lines,
    )


# --- helpers for format modules ----------------------------------------------------------------


def pick(columns: Collection[str], *aliases: str) -> pl.Expr:
    """The first of `aliases` (normalised header names) present in `columns`, else a String null.

    Lets a format map by header name across vendor versions and tolerate missing optional columns."""
    for alias in aliases:
        if alias in columns:
            return pl.col(alias)
    return pl.lit(None, dtype=pl.String)


def has_any(columns: Collection[str], *aliases: str) -> bool:
    return any(alias in columns for alias in aliases)


def select_canonical(frame: pl.DataFrame, kind: str, mapping: dict[str, pl.Expr]) -> pl.DataFrame:
    """row_number + the mapped canonical columns, each cast to its schema type (unknown names raise)."""
    dtypes = KINDS[kind]
    return frame.select(
        pl.col("row_number").cast(pl.Int64),
        *(expr.cast(dtypes[name]).alias(name) for name, expr in mapping.items()),
    )
