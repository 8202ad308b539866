"""The shared delimited-text reader (formats/text.py) on bytes written the way vendors write them.

The quirks: docs/export-formats.md#quirks-and-where-they-are-handled."""

from __future__ import annotations

import polars as pl
import pytest

from dagster_project.formats import ahrefs
from dagster_project.formats.base import TableFormat, UnrecognisedExport
from dagster_project.formats.text import (
    UTF8_REPLACED,
    SampledTableFormat,
    _used_columns,
    _utf16_to_utf8,
    decode,
    find_table,
    normalise_header,
    read_table,
)


def _identity(name: str, *required: str) -> TableFormat:
    """A format claiming headers that contain `required`, passing the string frame through."""
    return TableFormat(
        name=name,
        kind="backlinks",
        source_tool="test",
        matches=lambda headers: set(required) <= set(headers),
        to_canonical=lambda frame: frame,
    )


ABC = _identity("abc", "a", "b", "c")


def _read(data: bytes, *formats: TableFormat):
    return read_table(data, "export.csv", list(formats) or [ABC])


def _rejected(parsed) -> list[tuple[int, str]]:
    return list(parsed.rejected.select("row_number", "reason").iter_rows())


# --- decode ---------------------------------------------------------------------------------


def test_utf16le_with_bom():
    text, encoding = decode("\ufeffa\tb\r\n1\t2\r\n".encode("utf-16-le"))
    assert (text, encoding) == ("a\tb\r\n1\t2\r\n", "utf-16-le")


def test_utf16be_with_bom():
    assert decode("\ufeffa,b\n".encode("utf-16-be")) == ("a,b\n", "utf-16-be")


def test_utf16_without_bom_by_nul_pattern():
    assert decode("a,b\n1,2\n".encode("utf-16-le")) == ("a,b\n1,2\n", "utf-16-le")
    assert decode("a,b\n1,2\n".encode("utf-16-be")) == ("a,b\n1,2\n", "utf-16-be")


def test_utf8_bom_is_removed():
    assert decode("\ufeffa,b\n".encode()) == ("a,b\n", "utf-8-sig")


def test_damaged_utf8_is_kept_utf8_with_replacement():
    text, encoding = decode("a,b\nhéllo,1\n".encode() + b"bad\xff,2\n")
    assert encoding == UTF8_REPLACED
    assert "héllo" in text and "bad\ufffd" in text


def test_legacy_cp1252_is_not_read_as_utf8():
    text, encoding = decode("Página de enlace,Último rastreo\n".encode("cp1252"))
    assert text.startswith("Página de enlace,Último rastreo")
    assert encoding != UTF8_REPLACED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\t\n", "only whitespace"),
        ("\ufeff \r\n".encode("utf-16-le"), "only whitespace"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary", "binary"),
    ],
)
def test_empty_whitespace_and_binary_files_are_rejected(data, message):
    with pytest.raises(UnrecognisedExport, match=message):
        decode(data)


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Traffic ", "traffic"),  # Ahrefs trailing space
        ("\ufeffReferring page title", "referring page title"),  # BOM glued to the first name
        ('"Source url"', "source url"),
        ("  Number of   Domains\tLinking ", "number of domains linking"),
        ("Only rel=nofollow", "only rel=nofollow"),
    ],
)
def test_normalise_header(raw, expected):
    assert normalise_header(raw) == expected


def test_find_table_skips_preamble_and_blank_rows():
    text = "Report for example.com\nDate: 2026-09-28\n,,\n\n\nA,B,C\n1,2,3\n"
    fmt, index, delimiter = find_table(text, [ABC])
    assert (fmt.name, index, delimiter) == ("abc", 5, ",")


@pytest.mark.parametrize("delimiter", ["\t", ",", ";"])
def test_find_table_tries_every_delimiter(delimiter):
    assert find_table(delimiter.join("abc") + "\n", [ABC])[2] == delimiter


def test_first_registered_format_wins():
    first, second = _identity("first", "a"), _identity("second", "a", "b")
    assert find_table("a,b,c\n", [first, second])[0].name == "first"


def test_unknown_header_is_named_in_the_error():
    with pytest.raises(UnrecognisedExport, match="not a supported export: header 'x, y, z' matches no known format"):
        _read(b"x,y,z\n1,2,3\n")


def test_sampled_format_needs_its_rows_to_agree():
    urls = SampledTableFormat(
        name="urls",
        kind="backlinks",
        source_tool="test",
        matches=lambda h: len(h) == 1,
        to_canonical=lambda f: f,
        matches_rows=lambda h, rows: bool(rows) and all(r[0].startswith("http") for r in rows),
    )
    assert find_table("Seite\nhttps://a.example/\nhttps://b.example/\n", [urls])[0].name == "urls"
    with pytest.raises(UnrecognisedExport):
        find_table("Seite\nnot a url\n", [urls])


# --- splitting rows -------------------------------------------------------------------------


def test_rows_keep_row_number_and_original_text():
    parsed = _read(b"a,b,c\r\n1,2,3\r\n4,5,6\r\n")
    assert parsed.rows_with_raw().select("row_number", "a", "raw").rows() == [(1, "1", "1,2,3"), (2, "4", "4,5,6")]
    assert parsed.rejected.height == 0


def test_wrong_field_counts_are_quarantined_not_dropped():
    parsed = _read(b"a,b,c\n1,2,3\n4,5\n6,7,8,9,10\n11,12,13\n")
    assert parsed.rows["row_number"].to_list() == [1, 4]
    assert parsed.rejected.rows() == [
        (2, "row has 2 fields, header has 3", "4,5"),
        (3, "row has 5 fields, header has 3", "6,7,8,9,10"),
    ]
    assert parsed.rows_read == 4


def test_trailing_all_empty_row_is_counted_as_empty_row():
    parsed = _read(b"a,b,c\n1,2,3\n,,\n")  # Semrush audit re-saved by Excel
    assert parsed.rows.height == 1
    assert _rejected(parsed) == [(2, "empty row")]


def test_short_all_empty_row_is_an_empty_row_too():
    assert _rejected(_read(b"a,b,c\n1,2,3\n,\n")) == [(2, "empty row")]


def test_commas_inside_quoted_urls_and_anchors():
    parsed = _read(b'a,b,c\n"https://x.example/?q=a,b","chef, knife",3\n')
    assert parsed.rows.select("a", "b", "c").rows() == [("https://x.example/?q=a,b", "chef, knife", "3")]


def test_multi_line_cell_stays_one_row():
    parsed = _read(b'a,b,c\n1,"line one\nline two",3\n4,5,6\n')
    assert parsed.rows["b"].to_list() == ["line one\nline two", "5"]
    assert parsed.rows["row_number"].to_list() == [1, 2]
    assert parsed.rows_with_raw()["raw"][0] == "1,line one\nline two,3"  # fields re-joined when lines != rows


def test_raw_lookup_returns_each_asked_row_in_the_order_asked():
    parsed = _read(b"a,b,c\r\n1,2,3\r\n\r\n4,5\r\n6,7,8\r\n9,10,11\r\n")  # a blank line, a short row
    assert parsed.rows["row_number"].to_list() == [1, 3, 4]
    asked = pl.Series([4, 1, 4, 3])
    assert parsed.raw_of(asked).to_list() == ["9,10,11", "1,2,3", "9,10,11", "6,7,8"]
    assert parsed.raw_of(pl.Series([], dtype=pl.Int64)).to_list() == []


def test_stray_quote_inside_a_field_is_literal():  # Polars would abort the file here
    parsed = _read(b'a,b,c\n5" chef knife,2,3\n4,5,6\n')
    assert parsed.rows["a"].to_list() == ['5" chef knife', "4"]


def test_url_with_spaces_or_at_passes_through():  # Majestic
    parsed = _read(b"a,b,c\nhttp://x.example/a b,http://u@y.example/,3\n")
    assert parsed.rows.select("a", "b").rows() == [("http://x.example/a b", "http://u@y.example/")]


def test_duplicate_rows_are_all_kept():  # deduplication belongs to the models
    parsed = _read(b"a,b,c\n1,2,3\n1,2,3\n")
    assert parsed.rows["row_number"].to_list() == [1, 2]


def test_undecodable_bytes_quarantine_only_their_row():
    data = "a,b,c\nhéllo,1,2\n".encode() + b"bad\xff\xfe,3,4\nok,5,6\n"
    parsed = _read(data)
    assert parsed.rows["a"].to_list() == ["héllo", "ok"]
    assert _rejected(parsed) == [(2, "undecodable bytes")]


def test_repeated_header_row_is_quarantined():
    parsed = _read(b"a,b,c\n1,2,3\na,b,c\n4,5,6\n")
    assert _rejected(parsed) == [(2, "repeated header row")]
    assert parsed.rows["row_number"].to_list() == [1, 3]


def test_header_only_file_has_no_rows():
    parsed = _read(b"a,b,c\r\n\r\n")
    assert parsed.rows.height == 0 and parsed.rejected.height == 0


def test_utf16_tsv_all_quoted_crlf():  # Ahrefs "for Excel"
    text = '\ufeff"a"\t"b"\t"c"\r\n"x, y"\t"2"\t""\r\n'
    parsed = _read(text.encode("utf-16-le"))
    assert parsed.rows.select("a", "b", "c").rows() == [("x, y", "2", "")]


def test_semicolon_file_with_decimal_comma():  # localised GSC
    parsed = _read(b'a;b;c\n4,2%;11,7;"10,00 %"\n')
    assert parsed.rows.select("a", "b", "c").rows() == [("4,2%", "11,7", "10,00 %")]


def test_legacy_encoding_is_settled_by_the_header():
    fmt = _identity("es", "página de enlace", "último rastreo")
    parsed = read_table(
        "Página de enlace,Último rastreo\nhttps://a.example/ñ,28/09/2026\n".encode("cp1252"), "f", [fmt]
    )
    assert parsed.rows["página de enlace"].to_list() == ["https://a.example/ñ"]
    assert parsed.notes == ["decoded as cp1252"]


def test_duplicate_and_empty_header_names_get_unique_columns():
    parsed = _read(b"a,b,c,,c\n1,2,3,4,5\n")
    assert parsed.rows.columns[:5] == ["a", "b", "c", "column_4", "c_2"]


def test_rows_and_rejections_account_for_every_data_row():
    lines = [b"a,b,c"] + [b"%d,x,y" % i if i % 7 else b"%d,broken" % i for i in range(1, 501)]
    parsed = _read(b"\n".join(lines) + b"\n")
    numbers = sorted(parsed.rows["row_number"].to_list() + parsed.rejected["row_number"].to_list())
    assert numbers == list(range(1, 501))
    assert parsed.rejected.height == 500 // 7


def test_preprocess_rewrites_before_splitting():
    fmt = TableFormat(
        name="pre",
        kind="rankings",
        source_tool="test",
        matches=lambda h: h[:2] == ["k", "v"],
        to_canonical=lambda f: f,
        preprocess=lambda text: text.replace("|", ","),
    )
    parsed = read_table(b"k,v\none|1\n", "f", [fmt])
    assert parsed.rows.select("k", "v").rows() == [("one", "1")]


def test_canonical_frame_gets_raw_back_even_if_format_filters_rows():
    dropper = TableFormat(
        name="drop",
        kind="backlinks",
        source_tool="test",
        matches=lambda h: h == ["a", "b"],
        to_canonical=lambda f: f.filter(pl.col("a") != "skip").select("row_number", "a"),
    )
    parsed = read_table(b"a,b\nskip,1\nkeep,2\n", "f", [dropper])
    assert parsed.rows_with_raw().rows() == [(2, "keep", "keep,2")]


def test_central_european_code_page_chosen_when_only_it_gives_the_header():
    fmt = _identity("cs", "nejčastější dotazy", "kliknutí")
    parsed = read_table("Nejčastější dotazy;Kliknutí\nnůž;4\n".encode("cp1250"), "f", [fmt])
    assert parsed.rows["nejčastější dotazy"].to_list() == ["nůž"]
    assert parsed.notes == ["decoded as cp1250"]


def test_old_mac_cr_line_endings():  # Excel "CSV (Macintosh)"
    parsed = _read(b"a,b,c\r1,2,3\r4,5,6\r")
    assert parsed.rows_with_raw().select("row_number", "a", "raw").rows() == [(1, "1", "1,2,3"), (2, "4", "4,5,6")]


def test_huge_single_line_is_rejected_cleanly():
    with pytest.raises(UnrecognisedExport, match="matches no known format"):
        _read(b"x," * 2_000_000)


# --- reading only what the format maps ---------------------------------------------------------


def test_used_columns_are_the_ones_the_mapping_reads():
    names = ["referring page url", "target url", "anchor", "platform", "domain rating", "left context"]
    used = _used_columns(ahrefs.FORMAT, names)
    assert used is not None
    assert {"referring page url", "target url", "anchor", "domain rating"} <= used
    assert not {"platform", "left context"} & used


def test_eager_only_mapping_reads_every_column():
    eager = _identity("eager", "a")
    eager = TableFormat(**{**eager.__dict__, "to_canonical": lambda f: f.with_columns(n=pl.lit(f.height))})
    assert _used_columns(eager, ["a", "b"]) is None


def test_unread_columns_keep_their_names_for_the_mapping():
    seen = []
    fmt = TableFormat(
        name="names",
        kind="backlinks",
        source_tool="test",
        matches=lambda h: h[:1] == ["a"],
        to_canonical=lambda f: seen.append(f.columns) or f.select("row_number", "a"),
    )
    parsed = read_table(b"a,b,c\n1,2,3\n", "f", [fmt])
    assert seen[-1] == ["a", "b", "c", "row_number"]
    assert parsed.rows.rows() == [(1, "1")]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_transcoding_across_chunks_matches_decoding_whole(monkeypatch, encoding):
    import dagster_project.formats.text as text

    monkeypatch.setattr(text, "_TRANSCODE_CHUNK", 7)  # odd: chunks split code units and surrogate pairs
    data = "a\tb\r\nKnífecraft 🔪\t2\r\n".encode(encoding) + b"\x00"  # a dangling byte at the end
    assert _utf16_to_utf8(data, encoding, 0) == data.decode(encoding, errors="replace").encode()


@pytest.mark.parametrize(("encoding", "bom"), [("utf-16-le", "\ufeff"), ("utf-16-be", "\ufeff"), ("utf-16-le", "")])
def test_large_utf16_file_is_split_and_its_rows_text_found(encoding, bom):
    # > 1 MiB of UTF-16: only the head is transcoded to find the header, the body while split
    rows = [f'"https://a.example/{i}/ñ"\t"{i}"\t"x"' for i in range(1, 30_001)]
    rows[29_000] = '"short"\t"row"'
    data = (bom + '"a"\t"b"\t"c"\r\n' + "\r\n".join(rows) + "\r\n").encode(encoding)
    parsed = _read(data)
    assert parsed.rows.height == 29_999
    assert parsed.rejected.rows() == [(29_001, "row has 2 fields, header has 3", '"short"\t"row"')]
    assert parsed.rows.filter(pl.col("b") == "30000")["a"].to_list() == ["https://a.example/30000/ñ"]
    assert parsed.raw_of(pl.Series([30_000, 1])).to_list() == [rows[29_999], rows[0]]


# --- the fast split (Polars) gives exactly what pyarrow gives, or steps aside ---------------------

_FIELDS = ["", "a", "b c", " x ", '"q"', '"x,y"', '"l\nm"', '"r\r\ns"', '""""', '"t""u"', "a", "7", "a", "1"]
_ODD = ['a"b', '"u"v', '"w', " ", "\r", '"', "a,b", "A"]


def _random_body(rng, n_columns: int, odd: float) -> str:
    """Rows of mostly well-formed fields, some with odd ones, wrong field counts, blank lines, CRs."""
    lines = []
    for _ in range(rng.randint(1, 12)):
        count = n_columns if rng.random() > odd else rng.choice([n_columns - 1, n_columns + 1, 1])
        fields = [rng.choice(_ODD) if rng.random() < odd / 3 else rng.choice(_FIELDS) for _ in range(count)]
        lines.append(",".join(fields))
        if rng.random() < odd / 4:
            lines.append("")
    ending = rng.choice(["\n", "\r\n", "\n", "\r\n", "\r"]) if rng.random() < odd else rng.choice(["\n", "\r\n"])
    return ending.join(lines) + (ending if rng.random() < 0.8 else "")


def _outcome(parsed) -> tuple:
    return (parsed.rows_with_raw().rows(), parsed.rejected.rows(), parsed.rows_read)


# a format that reads only column b of a,b,c,d: Polars builds a, b and d (first and last) only
B_ONLY = TableFormat(
    name="b_only",
    kind="backlinks",
    source_tool="test",
    matches=lambda headers: {"a", "b", "c", "d"} <= set(headers),
    to_canonical=lambda frame: frame.select("row_number", "b"),
)


@pytest.mark.parametrize(("encoding", "fmt"), [("utf-8", ABC), ("utf-16-le", ABC), ("utf-8", B_ONLY)])
def test_fast_split_reads_like_pyarrow_or_steps_aside(monkeypatch, encoding, fmt):
    """Random tables, clean and malformed (short/long rows, stray quotes, blank lines, lone CRs,
    quoted delimiters and line breaks): whenever Polars' split is used, the rows, their numbers,
    the quarantine and every raw text are exactly those of pyarrow's split (also when Polars
    builds only some of the columns)."""
    import random

    from dagster_project.formats import text

    taken = []
    polars_split = text._polars_split

    def spy(*args):
        frame = polars_split(*args)
        taken.append(frame is not None)
        return frame

    rng = random.Random(11)
    header = "a,b,c,d" if fmt is B_ONLY else "a,b,c"
    for case in range(400 if encoding == "utf-8" else 150):
        content = header + "\r\n" + _random_body(rng, header.count(",") + 1, odd=0.0 if case % 3 == 0 else 0.3)
        data = content.encode(encoding)
        if encoding != "utf-8":
            data = b"\xff\xfe" + data
        # chunks of a few bytes cut runs everywhere (inside quotes too); larger ones hold many rows
        monkeypatch.setattr(text, "_TRANSCODE_CHUNK", rng.choice([6, 64, 1 << 20]))
        monkeypatch.setattr(text, "_polars_split", spy)
        fast = _outcome(_read(data, fmt))
        monkeypatch.setattr(text, "_polars_split", lambda *args: None)
        assert fast == _outcome(_read(data, fmt)), content
    assert sum(taken) >= len(taken) // 4  # the fast path was really taken (clean tables at least)
    assert not all(taken)  # ...and stepped aside for malformed ones


def test_fast_split_steps_aside_for_a_short_row():
    """Polars pads a short row with empty fields; the delimiter count sees it and pyarrow quarantines it."""
    parsed = _read(b"a,b,c\n1,2,3\n4,5\n6,7,\n")
    assert _rejected(parsed) == [(2, "row has 2 fields, header has 3")]
    assert parsed.rows.select("row_number", "c").rows() == [(1, "3"), (3, "")]


def test_fast_split_quarantines_blank_and_repeated_header_rows(monkeypatch):
    """A well-formed file with an all-empty row and a pasted second header: Polars splits it (the
    delimiters add up), and the rows are checked with all their fields, as pyarrow's split does."""
    from dagster_project.formats import text

    taken = []
    polars_split = text._polars_split
    monkeypatch.setattr(text, "_polars_split", lambda *args: taken.append(polars_split(*args)) or taken[-1])
    parsed = _read(b'a,b,c\r\n1,"x,y",3\r\n,,\r\na,b,c\r\na,b,4\r\n5,6,\r\n')
    assert taken[0] is not None
    assert _rejected(parsed) == [(2, "empty row"), (3, "repeated header row")]
    assert parsed.raw_of(pl.Series([2, 3])).to_list() == [",,", "a,b,c"]
    assert parsed.rows.select("row_number", "a", "b", "c").rows() == [
        (1, "1", "x,y", "3"),
        (4, "a", "b", "4"),
        (5, "5", "6", ""),
    ]


def test_a_fault_in_the_fast_split_falls_back_to_pyarrow(monkeypatch):
    from dagster_project.formats import text

    def broken(*args):
        raise RuntimeError("bug")

    monkeypatch.setattr(text, "_polars_piece", broken)
    parsed = _read(b"a,b,c\n1,2,3\n4,5\n")
    assert parsed.rows.select("a", "b", "c").rows() == [("1", "2", "3")]
    assert _rejected(parsed) == [(2, "row has 2 fields, header has 3")]
