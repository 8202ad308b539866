"""Properties of the normalisers on generated input: they never raise, they are idempotent, and a
registrable domain is always a suffix of its host. Each example is a whole batch, so the
vectorised code path is what gets exercised (and the file stays fast)."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.normalise.hosts import host_table, normalise_domain_name, normalise_host, registrable_domain
from dagster_project.normalise.urls import normalise_url_column

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Label pieces that exercise every branch: case, IDN (RTL, CJK, German), emoji, underscore,
# punycode, digits, junk characters, and PSL-relevant suffixes (wildcards, exceptions, private).
_LABEL = st.one_of(
    st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True),
    st.sampled_from(["www", "WWW", "xn--debow", "xn--p1ai", "xn--zz", "קטן", "食狮", "bücher", "☃", "ß", "a b", "%41"]),
    st.text(min_size=0, max_size=6),
)
_SUFFIX = st.sampled_from(
    [
        "com",
        "co.uk",
        "blogspot.com",
        "ck",
        "www.ck",
        "kobe.jp",
        "city.kobe.jp",
        "mm",
        "example",
        "中国",
        "github.io",
        "",
    ]
)
HOSTS = st.one_of(
    st.builds(lambda labels, suffix: ".".join([*labels, suffix]), st.lists(_LABEL, max_size=3), _SUFFIX),
    st.sampled_from(["1.2.3.4", "256.1.1.1", "[2001:DB8::1]", "::1", "localhost", "", ".", "a..b"]),
    st.text(max_size=30),
)
URLS = st.one_of(
    st.builds(
        lambda scheme, userinfo, host, port, path, query, fragment: (
            f"{scheme}{userinfo}{host}{port}{path}{query}{fragment}"
        ),
        st.sampled_from(["http://", "https://", "HTTP://", "//", "", "https:/", "ftp://", "javascript:", "mailto:"]),
        st.sampled_from(["", "user@", "u:p@", "a@b@"]),
        HOSTS,
        st.sampled_from(["", ":80", ":443", ":8080", ":", ":99999", ":x"]),
        st.one_of(st.sampled_from(["", "/", "/a b", "/@user", "/p?x"]), st.text(max_size=12).map(lambda s: "/" + s)),
        st.one_of(
            st.just(""),
            st.lists(
                st.sampled_from(["utm_source=x", "UTM_Medium=y", "gclid=1", "id=2", "a=", "", "ref=z", "q=a b"]),
                max_size=4,
            ).map(lambda ps: "?" + "&".join(ps)),
        ),
        st.sampled_from(["", "#", "#frag", "#a?b=c"]),
    ),
    st.builds(
        lambda target: f"https://www.google.com/url?rct=j&sa=t&url={target}&ct=ga",
        st.sampled_from(["https://x.com/a?b=1", "https%3A%2F%2Fx.com%2Fa%3Fb%3D1", "not-a-url"]),
    ),
    st.text(max_size=40),
)


def _normalise(urls: list[str | None]) -> pl.DataFrame:
    lf = pl.LazyFrame({"url": urls}, schema={"url": pl.String})
    return normalise_url_column(lf, "url", "host", "domain", "error").collect()


def _is_suffix(domain: str | None, host: str | None) -> bool:
    return domain is None or host == domain or host.endswith("." + domain)


@SETTINGS
@given(st.lists(st.one_of(st.none(), URLS), max_size=40))
def test_url_normaliser_total_idempotent_and_consistent(urls):
    out = _normalise(urls)
    assert out.height == len(urls)
    for raw, row in zip(urls, out.iter_rows(named=True)):
        blank = raw is None or not raw.strip(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u2029\u3000")
        # exactly one of: a canonical URL, a reason, or nothing at all for a blank input
        assert (row["url"] is None) == (row["error"] is not None or blank), (raw, row)
        if row["url"] is not None:
            assert row["url"].startswith(("http://", "https://"))
            assert row["host"] is not None and "#" not in row["url"] and " " not in row["url"]
            assert _is_suffix(row["domain"], row["host"]), row
    again = _normalise(out["url"].to_list())
    assert again["url"].to_list() == out["url"].to_list()  # canonical(canonical(u)) == canonical(u)
    assert again["host"].to_list() == out["host"].to_list()
    assert again["domain"].to_list() == out["domain"].to_list()
    assert again["error"].null_count() == again.height


@SETTINGS
@given(st.lists(HOSTS, max_size=40))
def test_host_normalisers_total_idempotent_and_consistent(hosts):
    table = host_table(pl.Series(hosts, dtype=pl.String))
    for raw, host, domain in table.iter_rows():
        assert host == normalise_host(raw)  # the vectorised fast path agrees with the scalar rule
        assert domain == registrable_domain(raw)
        if host is not None:
            assert normalise_host(host) == host
            assert host.isascii() and host == host.lower() and not host.endswith(".")
            assert _is_suffix(domain, host)
            assert registrable_domain(host) == domain
        else:
            assert domain is None


@SETTINGS
@given(st.one_of(HOSTS, URLS))
def test_domain_name_from_config_is_total_and_idempotent(text):
    name = normalise_domain_name(text)
    if name is not None:
        assert normalise_domain_name(name) == name
        assert normalise_host(name) == name
