"""Canonical URLs: the vectorised column normaliser and its scalar wrappers."""

from __future__ import annotations

import io

import polars as pl
import pytest

from dagster_project.normalise.urls import (
    TRACKING_PARAMS,
    canonical_url,
    normalise_distinct_urls,
    normalise_url_column,
    normalise_url_columns,
    url_error,
)


def _normalise(urls: list[str | None]) -> pl.DataFrame:
    lf = pl.LazyFrame({"url": urls}, schema={"url": pl.String})
    return normalise_url_column(lf, "url", "host", "domain", "error").collect()


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        # scheme: added when missing, lowercased
        ("example.com/page", "http://example.com/page"),
        ("//x.com", "http://x.com/"),
        ("www.example.com:8080/p", "http://www.example.com:8080/p"),
        ("HTTPS://Example.com/Path", "https://example.com/Path"),  # path case kept
        ("https:/example.com/a", "https://example.com/a"),  # browsers ignore slash runs
        # host: case, trailing dot, IDN, IPs
        ("http://WWW.Example.COM./a", "http://www.example.com/a"),
        ("https://קטן.example.org/דף", "https://xn--debow.example.org/דף"),
        ("http://[2001:DB8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
        ("http://192.168.1.20/", "http://192.168.1.20/"),
        # ports: default dropped, others kept
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443", "https://example.com/"),
        ("http://example.com:443/", "http://example.com:443/"),
        ("http://example.com:080/", "http://example.com/"),
        ("http://example.com:/a", "http://example.com/a"),  # empty port = default
        # userinfo dropped; `@` in the path is path
        ("http://user:secret@example.com/a", "http://example.com/a"),
        ("http://a@b@example.com/", "http://example.com/"),  # userinfo ends at the last @
        ("http://example.com/profile/@john", "http://example.com/profile/@john"),
        ("http://example.com/mail/me@example.org", "http://example.com/mail/me@example.org"),
        # path
        ("http://example.com", "http://example.com/"),
        ("http://example.com?a=1", "http://example.com/?a=1"),
        ("http://example.com/a b/c d.html", "http://example.com/a%20b/c%20d.html"),
        ("http://example.com/a/../b/%7Euser", "http://example.com/a/../b/%7Euser"),  # kept as is
        # fragment dropped, empty query dropped
        ("http://example.com/a#section", "http://example.com/a"),
        ("http://example.com/a?#", "http://example.com/a"),
        ("http://example.com/#!/app?x=1", "http://example.com/"),
        # tracking parameters removed, others kept in order
        ("http://x.com/p?utm_source=nl&id=3&utm_medium=email&b=2", "http://x.com/p?id=3&b=2"),
        ("http://x.com/p?UTM_Campaign=a&gclid=1&fbclid=2&msclkid=3", "http://x.com/p"),
        ("http://x.com/p?a=1&&b=2&", "http://x.com/p?a=1&b=2"),
        # near misses are kept
        ("http://x.com/p?ref=main&gclidx=1&utm=1", "http://x.com/p?ref=main&gclidx=1&utm=1"),
        ("http://x.com/p?q=a b", "http://x.com/p?q=a%20b"),
        # whitespace
        ("  http://example.com/a\t\n", "http://example.com/a"),
        ("http://exam\nple.com/", "http://example.com/"),  # browsers drop tabs/newlines
    ],
)
def test_canonical_url(raw, canonical):
    assert canonical_url(raw) == canonical
    assert url_error(raw) is None


@pytest.mark.parametrize(
    ("wrapped", "target"),
    [
        # Google Alerts entry link, target raw
        (
            "https://www.google.com/url?rct=j&sa=t&url=https://www.knifecraft.co.uk/blog/best-gyuto"
            "&ct=ga&cd=CAIyGjE2YzQ&usg=AOvVaw3",
            "https://www.knifecraft.co.uk/blog/best-gyuto",
        ),
        # target percent-encoded, with its own query (tracking stripped after unwrapping)
        (
            "https://www.google.com/url?rct=j&sa=t"
            "&url=https%3A%2F%2Fnews.example.de%2Fa%3Fid%3D7%26utm_source%3Dalert&ct=ga",
            "https://news.example.de/a?id=7",
        ),
        # double-encoded `%` stays encoded once
        ("https://www.google.com/url?url=https%3A%2F%2Fx.com%2F100%2525&ct=ga", "https://x.com/100%25"),
        # older links carry the target in q=
        ("https://www.google.co.uk/url?q=http://example.org/x&sa=D&source=hangouts", "http://example.org/x"),
        # search-result link: empty q= then url=
        ("https://www.google.com/url?sa=t&q=&esrc=s&url=https%3A%2F%2Fexample.org%2F&cd=1", "https://example.org/"),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.org%2Fp&h=AT0", "https://example.org/p"),
        # a wrapper of a wrapper
        (
            "https://www.google.com/url"
            "?url=https%3A%2F%2Fwww.google.com%2Furl%3Furl%3Dhttps%253A%252F%252Fx.com%252Fy&ct=ga",
            "https://x.com/y",
        ),
    ],
)
def test_tracking_wrappers_are_unwrapped(wrapped, target):
    assert canonical_url(wrapped) == target


def test_wrapper_without_a_web_target_is_kept():
    # q= is a search term here, not a URL: the google URL is the link
    assert canonical_url("https://www.google.com/url?q=chef+knife") == "https://www.google.com/url?q=chef+knife"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("xyz", "unparseable URL: 'xyz'"),
        ("n/a", "unparseable URL: 'n/a'"),
        ("javascript:void(0)", "javascript URL: 'javascript:void(0)'"),
        ("JavaScript:alert(1)", "javascript URL: 'JavaScript:alert(1)'"),
        ("mailto:info@knifecraft.co.uk", "unsupported scheme mailto: 'mailto:info@knifecraft.co.uk'"),
        ("ftp://files.example.com/a.zip", "unsupported scheme ftp: 'ftp://files.example.com/a.zip'"),
        ("tel:+441234", "unsupported scheme tel: 'tel:+441234'"),
        ("http://", "empty host: 'http://'"),
        ("https://user@/path", "empty host: 'https://user@/path'"),
        ("/relative/page.html", "relative URL: '/relative/page.html'"),
        ("http://example.com:99999/", "invalid port: 'http://example.com:99999/'"),
        ("http://example.com:8o/", "invalid port: 'http://example.com:8o/'"),
        ("http://exa mple.com/", "invalid host: 'http://exa mple.com/'"),
        ("http://1.2.3/", "invalid host: 'http://1.2.3/'"),
        ("http://[::1/", "invalid host: 'http://[::1/'"),
    ],
)
def test_unusable_urls_get_a_reason(raw, error):
    out = _normalise([raw]).row(0, named=True)
    assert out == {"url": None, "host": None, "domain": None, "error": error}


def test_long_bad_url_is_shortened_in_the_reason():
    error = url_error("javascript:" + "x" * 500)
    assert error.startswith("javascript URL: 'javascript:xxx") and error.endswith("…'")
    assert len(error) < 240


def test_null_and_blank_urls_are_not_errors():
    # GSC exports have no target URL: null in, null out, no error
    out = _normalise([None, "", "   "])
    assert out.to_dicts() == [{"url": None, "host": None, "domain": None, "error": None}] * 3


def test_host_and_domain_columns():
    out = _normalise(
        [
            "https://bestknives.blogspot.com/2026/09/gyuto.html",
            "http://www.example.co.uk/",
            "http://192.168.1.20:8080/x",
            "https://[2001:db8::1]/",
            "http://b.example.example/",
            "http://co.uk/",
        ]
    )
    assert out.select("host", "domain").rows() == [
        ("bestknives.blogspot.com", "bestknives.blogspot.com"),
        ("www.example.co.uk", "example.co.uk"),
        ("192.168.1.20", "192.168.1.20"),
        ("2001:db8::1", "2001:db8::1"),  # IPv6 host column: no brackets
        ("b.example.example", "example.example"),
        ("co.uk", None),  # a bare public suffix is a host with no registrable domain
    ]
    assert out["error"].null_count() == out.height


def test_column_replaced_in_place_other_columns_and_order_kept():
    urls = [f"HTTP://Site{i % 7}.Example.com/p/{i}?utm_source=x" for i in range(5000)]
    lf = pl.LazyFrame({"row_number": range(5000), "target_url": urls, "anchor": ["a"] * 5000})
    out = normalise_url_column(lf, "target_url", "target_host", "target_domain", "target_error").collect()
    assert out.columns == ["row_number", "target_url", "anchor", "target_host", "target_domain", "target_error"]
    assert out["row_number"].to_list() == list(range(5000))
    assert out["target_url"].to_list() == [f"http://site{i % 7}.example.com/p/{i}" for i in range(5000)]
    assert out.schema["target_error"] == pl.String


def test_existing_host_columns_are_overwritten():
    # schema.conform() adds the derived columns as typed nulls before the landing step fills them
    lf = pl.LazyFrame(
        {"source_url": ["http://A.com/x"], "source_host": [None], "source_domain": [None]},
        schema={"source_url": pl.String, "source_host": pl.String, "source_domain": pl.String},
    )
    out = normalise_url_column(lf, "source_url", "source_host", "source_domain", "error").collect()
    assert out.row(0) == ("http://a.com/x", "a.com", "a.com", None)


def test_empty_frame():
    out = _normalise([])
    assert out.height == 0 and out.columns == ["url", "host", "domain", "error"]


def test_all_null_column_of_null_dtype():
    lf = pl.LazyFrame({"url": [None, None]})  # dtype Null, e.g. an absent optional column
    out = normalise_url_column(lf, "url", "host", "domain", "error").collect()
    assert out.schema == pl.Schema({"url": pl.String, "host": pl.String, "domain": pl.String, "error": pl.String})
    assert out["url"].null_count() == 2 and out["error"].null_count() == 2


# Majestic DownloadBacklinks CSV as the vendor writes it: a source URL with spaces, one with
# `@` in the path, one with userinfo-like `@`, a mailto target, and mixed-case hosts.
MAJESTIC_CSV = (
    b"Target URL,Source URL,Anchor Text,Source Crawl Date,Source First Found Date,FlagNoFollow,"
    b"FlagImageLink,FlagRedirect,FlagFrame,FlagOldCrawl,FlagAltText,FlagMention,SourceCitationFlow,"
    b"SourceTrustFlow,TargetCitationFlow,TargetTrustFlow,SourceTopicalTrustFlow_Topic_0,"
    b"SourceTopicalTrustFlow_Value_0,RefDomainTopicalTrustFlow_Topic_0,RefDomainTopicalTrustFlow_Value_0\r\n"
    b"https://www.knifecraft.co.uk/,http://forum.Example.com/threads/best knife for a beginner.123/,"
    b"knifecraft,2026-09-20,2026-01-04,,,,,,,,21,15,35,28,Recreation/Food,12,Recreation/Food,14\r\n"
    b"https://www.knifecraft.co.uk/gyuto?utm_source=majestic,https://medium.com/@chefanna/my-knives-9f2,"
    b"gyuto,2026-09-18,2026-03-11,y,,,,,,,30,22,35,28,Arts/Writing,9,Arts/Writing,8\r\n"
    b"mailto:sales@knifecraft.co.uk,http://links.example.net@spam.example.ru/page.html,"
    b"email us,2026-09-12,2026-09-01,,,,,,,,5,0,35,28,,,,\r\n"
)


def test_majestic_rows():
    frame = pl.read_csv(io.BytesIO(MAJESTIC_CSV), infer_schema=False).lazy()
    frame = normalise_url_column(frame, "Source URL", "source_host", "source_domain", "source_error")
    frame = normalise_url_column(frame, "Target URL", "target_host", "target_domain", "target_error")
    out = frame.collect()
    assert out["Source URL"].to_list() == [
        "http://forum.example.com/threads/best%20knife%20for%20a%20beginner.123/",
        "https://medium.com/@chefanna/my-knives-9f2",
        "http://spam.example.ru/page.html",  # what a browser would open: the part before @ is userinfo
    ]
    assert out["source_domain"].to_list() == ["example.com", "medium.com", "example.ru"]
    assert out["Target URL"].to_list() == ["https://www.knifecraft.co.uk/", "https://www.knifecraft.co.uk/gyuto", None]
    assert out["target_error"].to_list() == [None, None, "unsupported scheme mailto: 'mailto:sales@knifecraft.co.uk'"]


def test_moz_schemeless_urls():
    # Moz lists URLs without a scheme, the same URL on consecutive rows
    out = _normalise(["blog.example.com/post-1", "blog.example.com/post-1", "Example.com"])
    assert out["url"].to_list() == ["http://blog.example.com/post-1"] * 2 + ["http://example.com/"]
    assert out["domain"].to_list() == ["example.com"] * 3


def test_tracking_list_is_documented_and_applied():
    for key in TRACKING_PARAMS:
        key = key.replace("*", "campaign")
        assert canonical_url(f"http://x.com/?{key}=1&keep=1") == "http://x.com/?keep=1", key


MIXED = [
    "https://www.Blog.example.com:443/best?utm_source=x#top",
    "javascript:alert(1)",
    None,
    "  ",
    "example.com/p q",
    "https://www.google.com/url?rct=j&url=https%3A%2F%2Fknifecraft.co.uk%2Fshop&ct=ga",
    "http://[2001:DB8::1]:8080/x",
    "xyz",
]


def test_two_url_columns_side_by_side_match_one_at_a_time():
    frame = pl.LazyFrame({"a": MIXED, "b": list(reversed(MIXED))}, schema={"a": pl.String, "b": pl.String})
    a, b = ("a", "a_host", "a_domain", "a_error"), ("b", "b_host", "b_domain", "b_error")
    together = normalise_url_columns(frame, [a, b])
    apart = normalise_url_column(normalise_url_column(frame, *a), *b)
    assert together.collect().equals(apart.collect())
    assert together.collect_schema().names() == ["a", "b", *a[1:], *b[1:]]


def test_distinct_urls_joined_back_match_every_row_canonicalised():
    urls = MIXED * 3
    per_row = _normalise(urls)
    table = normalise_distinct_urls(pl.Series(urls, dtype=pl.String), ("url", "host", "domain", "error"))
    assert table.height == len([u for u in set(MIXED) if u is not None])
    rows = pl.DataFrame({"url": urls}, schema={"url": pl.String})
    joined = rows.join(table, on="url", how="left", maintain_order="left")
    joined = joined.select(pl.col("url__canonical").alias("url"), "host", "domain", "error")
    assert joined.equals(per_row)
