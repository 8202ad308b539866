"""Hosts and registrable domains: the PSL's own test vectors, IDN, IP literals, config domains."""

from __future__ import annotations

import re
from pathlib import Path

import idna
import polars as pl
import pytest

from dagster_project.normalise.hosts import host_table, normalise_domain_name, normalise_host, registrable_domain

VECTORS_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "psl_test_vectors.txt"
_CHECK = re.compile(r"^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);$")


def _psl_vectors() -> list[tuple[str | None, str | None]]:
    vectors = []
    for line in VECTORS_FILE.read_text(encoding="utf-8").splitlines():
        match = _CHECK.match(line)  # commented-out vectors (`//checkPublicSuffix`) do not match
        if match:
            vectors.append(tuple(None if v == "null" else v.strip("'") for v in match.groups()))
    return vectors


PSL_VECTORS = _psl_vectors()


def test_vector_file_is_complete():
    # upstream has 78 active vectors (+4 commented-out `.local` ones); a parse slip would drop some
    assert len(PSL_VECTORS) == 78
    assert ("www.ck", "www.ck") in PSL_VECTORS
    assert ("city.kobe.jp", "city.kobe.jp") in PSL_VECTORS


@pytest.mark.parametrize(("host", "expected"), PSL_VECTORS, ids=[str(v[0]) for v in PSL_VECTORS])
def test_psl_official_vectors(host, expected):
    # Expected values are Unicode in the file; the warehouse stores IDNA ASCII.
    want = None if expected is None else idna.encode(expected, uts46=True).decode("ascii")
    assert registrable_domain(host) == want


def test_host_table_agrees_with_psl_vectors():
    hosts = [h for h, _ in PSL_VECTORS if h is not None]
    table = host_table(pl.Series(hosts))
    got = dict(zip(table["raw_host"], table["domain"]))
    assert got == {h: registrable_domain(h) for h in hosts}


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("bestknives.blogspot.com", "bestknives.blogspot.com"),  # PSL private section
        ("www.bestknives.blogspot.com", "bestknives.blogspot.com"),
        ("www.example.co.uk", "example.co.uk"),
        ("b.example.example", "example.example"),  # unlisted TLD: default `*` rule
        ("blogspot.com", None),  # a bare public suffix
        ("co.uk", None),
        ("192.168.1.20", "192.168.1.20"),
        ("[2001:DB8::1]", "2001:db8::1"),
        ("שלום.קטן.example.org", "example.org"),
        (None, None),
        ("", None),
    ],
)
def test_registrable_domain(host, domain):
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("WwW.Example.COM", "www.example.com"),  # lowercase, www. kept
        ("example.com.", "example.com"),  # trailing dot
        ("  example.com ", "example.com"),
        ("קטן.example.org", "xn--debow.example.org"),  # IDN -> punycode
        ("Bücher.DE", "xn--bcher-kva.de"),
        ("faß.de", "xn--fa-hia.de"),  # non-transitional UTS46, like browsers
        ("ＥＸＡＭＰＬＥ。com", "example.com"),  # full-width letters and dot
        ("xn--debow.example.org", "xn--debow.example.org"),
        ("my_blog.blogspot.com", "my_blog.blogspot.com"),  # browsers accept underscores
        ("☃.net", "xn--n3h.net"),  # IDNA2008 rejects symbols, browsers resolve them
        ("ex%41mple.com", "example.com"),  # percent-encoded host
        ("localhost", "localhost"),
        ("192.168.001.1", None),  # leading zeros: ambiguous (octal), rejected
        ("10.0.0.1", "10.0.0.1"),
        ("[2001:DB8:0:0::1]", "2001:db8::1"),  # IPv6: compressed, no brackets
        ("2001:db8::1", "2001:db8::1"),
        ("1.2.3", None),  # numeric last label but not an IPv4 address
        ("256.1.1.1", None),
        ("example.com..", None),
        (".example.com", None),
        ("a..b.com", None),
        ("exa mple.com", None),
        ("a" * 64 + ".com", None),  # label > 63
        ("xn--zz.com", None),  # not valid punycode
        ("*.example.com", None),
        ("", None),
        (".", None),
        (None, None),
    ],
)
def test_normalise_host(raw, host):
    assert normalise_host(raw) == host


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("KnifeCraft.co.uk", "knifecraft.co.uk"),
        ("https://www.x.com/path?q=1#f", "www.x.com"),  # www. kept: the user named that host
        ("x.com.", "x.com"),
        ("//x.com/", "x.com"),
        ("HTTP://user:pw@Shop.Example.com:8080/", "shop.example.com"),
        ("bladeworks.com/", "bladeworks.com"),
        ("קטן.example.org", "xn--debow.example.org"),
        ("http://[::1]:8080/", "::1"),
        ("not a domain", None),
        ("https://", None),
        ("", None),
        ("   ", None),
    ],
)
def test_normalise_domain_name(text, host):
    assert normalise_domain_name(text) == host


def test_host_table_one_row_per_distinct_raw_host():
    raw = pl.Series(["A.com", "a.com", "a.com", None, "b.co.uk.", "x y", "קטן.example.org", "1.2.3.4"])
    table = host_table(raw).sort("raw_host")
    assert table.columns == ["raw_host", "host", "domain"]
    assert table.schema == pl.Schema({"raw_host": pl.String, "host": pl.String, "domain": pl.String})
    assert table.rows() == [
        ("1.2.3.4", "1.2.3.4", "1.2.3.4"),
        ("A.com", "a.com", "a.com"),
        ("a.com", "a.com", "a.com"),
        ("b.co.uk.", "b.co.uk", "b.co.uk"),
        ("x y", None, None),
        ("קטן.example.org", "xn--debow.example.org", "example.org"),
    ]


def test_host_table_empty_and_all_null():
    for series in (pl.Series([], dtype=pl.String), pl.Series([None, None], dtype=pl.String)):
        assert host_table(series).height == 0


def test_registrable_domains_agree_with_the_list_walk_for_every_rule():
    from dagster_project.normalise.hosts import _PSL, _registrable, registrable_domains

    rules = {rule.lstrip("!*.") for rule in _PSL._publicsuffix}
    hosts = sorted(
        {prefix + rule for rule in rules for prefix in ("", "a.", "b.a.", "www.x.y.")}
        | {
            "example.com",
            "www.example.co.uk",
            "192.168.1.1",
            "2001:db8::1",
            "localhost",
            "www.ck",
            "x.www.ck",
            "a..b.com",
        }
    )
    got = dict(registrable_domains(pl.Series(hosts)).iter_rows())
    assert len(got) == len(hosts)
    assert {h: got[h] for h in hosts} == {h: _registrable(h) for h in hosts}
    assert (got["b.a.co.uk"], got["co.uk"], got["192.168.1.1"]) == ("a.co.uk", None, "192.168.1.1")
