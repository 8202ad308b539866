"""Canonical URLs, vectorised: Polars string expressions per row; Python (hosts.py) only once per
DISTINCT authority, joined back.

Canonical form of a usable (http/https) URL:
- trimmed; tabs/newlines removed (browsers drop them too); missing scheme -> `http`
  (`example.com/p`, `//example.com/p`, `example.com:8080/p`); scheme and host lowercase;
- tracking wrappers unwrapped to their target, up to two levels (see WRAPPERS);
- userinfo dropped; default port dropped (:80 http, :443 https; `:080` counts as 80);
- host canonical per `hosts.normalise_host` (IDNA punycode, no trailing dot); in the URL an
  IPv6 host is bracketed (`http://[2001:db8::1]/`), in the host column it is not;
- path kept byte for byte except: empty -> `/`, spaces -> `%20`;
- query: tracking parameters removed (TRACKING_PARAMS, case-insensitive keys), empty `&&`
  pieces dropped, the other parameters kept in order; spaces -> `%20`; no query -> no `?`;
- fragment dropped.

A non-null URL that cannot be used gets a null URL/host/domain and a reason in the error column,
`"<reason>: '<url>'"` with reason one of: `javascript URL`, `unsupported scheme <s>`,
`relative URL`, `unparseable URL` (no scheme and no dotted host, e.g. `xyz`), `empty host`,
`invalid port`, `invalid host`. A null or blank URL is not an error (GSC has no target URL).

Format: docs/export-formats.md#urls-hosts-and-sites
"""

from __future__ import annotations

import polars as pl

from dagster_project.normalise.hosts import host_table

# Query keys that only identify a campaign/click/session; removed so the same page collapses to
# one URL. `utm_*` is a prefix; the rest are exact (case-insensitive) keys. Deliberately NOT
# included: `ref`, `source`, `id`, `s`, `q` — they often select content (e.g. GitHub `?ref=`).
TRACKING_PARAMS: tuple[str, ...] = (
    "utm_*",  # Google Analytics campaign parameters (utm_source, utm_medium, ..., utm_id)
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",  # Google Ads / DoubleClick click ids
    "_ga",
    "_gl",  # Google Analytics cross-domain linker
    "fbclid",
    "igshid",  # Facebook, Instagram
    "msclkid",  # Microsoft Ads
    "yclid",
    "ysclid",  # Yandex
    "twclid",
    "ttclid",
    "li_fat_id",  # X/Twitter, TikTok, LinkedIn
    "mc_cid",
    "mc_eid",  # Mailchimp
    "_hsenc",
    "_hsmi",
    "__hstc",
    "__hssc",
    "__hsfp",
    "hsctatracking",  # HubSpot
    "mkt_tok",  # Marketo
    "ref_src",
    "ref_url",  # Twitter embeds
    "srsltid",  # Google Merchant Center
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "wickedid",
    "rb_clickid",
    "s_kwcid",
    "ef_id",  # misc ad/email platforms
)
_TRACKING_KEY_RE = "|".join(rf"{p[:-1]}[^&=]*" if p.endswith("*") else p for p in TRACKING_PARAMS)
_TRACKING_PARAM_RE = rf"(?i)&(?:{_TRACKING_KEY_RE})(?:=[^&]*)?&"
_HAS_TRACKING_RE = rf"(?i)(?:^|&)(?:{_TRACKING_KEY_RE})(?:[=&]|$)|&&|^&|&$"

# Redirect wrappers: regexes whose group 1 is the target, tried in order. The target is
# percent-decoded and used only when it is itself an http(s) URL.
# Google Alerts/Search `https://www.google.com/url?rct=j&sa=t&url=<target>&ct=ga...`; older links
# carry the target in `q=` instead (tried after `url=`); Facebook's outbound `l.php?u=`.
# The prefixes tolerate what canonicalisation would remove anyway (scheme case, userinfo, port,
# trailing dot), so a URL unwraps the same way before and after canonicalisation (idempotence).
_PREFIX = r"(?i)^(?:https?:)?[/\\]*(?:[^/?#]*@)?"
_SUFFIX = r"\.?(?::[0-9]*)?"
_GOOGLE = _PREFIX + r"(?:www\.)?google\.[a-z]{2,3}(?:\.[a-z]{2})?" + _SUFFIX + r"/url\?(?:[^#]*&)?"
WRAPPERS: tuple[str, ...] = (
    _GOOGLE + "url=([^&#]+)",
    _GOOGLE + "q=([^&#]+)",
    _PREFIX + r"(?:l|lm|m|www)\.facebook\.com" + _SUFFIX + r"/l\.php\?(?:[^#]*&)?u=([^&#]+)",
)


def _ascii_escapes() -> dict[str, str]:
    """`%XX` -> char for every printable ASCII byte, in every hex-digit case (`%2F`, `%2f`)."""
    table = {}
    for code in range(0x20, 0x7F):
        hi, lo = f"{code:02X}"
        for h in {hi, hi.lower()}:
            for lo_ in {lo, lo.lower()}:
                table[f"%{h}{lo_}"] = chr(code)
    return table


# One left-to-right pass (Aho-Corasick), so `%252F` decodes once, to `%2F`. Non-ASCII escapes
# (`%C3%A9`) stay encoded, which is the same URL.
_PCT_DECODE = _ascii_escapes()

_SCHEME_RE = r"^([A-Za-z][A-Za-z0-9+.\-]*):"
# `example.com:8080/path` has no scheme: a dotted host, a numeric port, then the end or a path.
_HOST_PORT_RE = r"^[^:/?#\\]*\.[^:/?#\\]*:[0-9]*(?:[/?#\\]|$)"
_AUTHORITY_RE = r"^(?:.*@)?(\[[^\]]*\]|[^:]*)(?::(.*))?$"  # userinfo ends at the LAST `@`
_MAX_ERROR_URL = 200
_AUTHORITY_INFO = pl.Struct(
    {"host": pl.String, "domain": pl.String, "status": pl.String, "http": pl.String, "https": pl.String}
)


def _wrapped_target(u: pl.Expr) -> pl.Expr:
    """The http(s) URL a redirect wrapper points to, else null."""
    # Only rows that can be wrappers run the extracting regexes (a null row costs nothing).
    candidate = pl.when(u.str.contains_any(["/url?", "/URL?", "/l.php?"])).then(u)
    target = pl.coalesce([candidate.str.extract(pattern, 1) for pattern in WRAPPERS])
    target = target.str.replace_many(_PCT_DECODE).str.strip_chars()
    return pl.when(target.str.contains(r"(?i)^https?://")).then(target)


def _bytes_slice(text: pl.Expr, offset: pl.Expr | int, length: pl.Expr | None = None) -> pl.Expr:
    # `str.find` gives byte offsets but `str.slice` counts characters; slicing the bytes at an
    # ASCII delimiter always yields valid UTF-8.
    return text.cast(pl.Binary).bin.slice(offset, length).cast(pl.String)


def authority_table(authorities: pl.Series) -> pl.DataFrame:
    """One row per distinct raw authority (`user@Host:port`): host, domain, the canonical
    authority under each scheme (default port dropped, IPv6 bracketed), and `status`, the reason
    it is unusable (`empty host` / `invalid host` / `invalid port`, first that applies) or null."""
    auth = authorities.cast(pl.String).drop_nulls().unique().to_frame("auth")
    # Most authorities are a bare host: only those with userinfo, a port or brackets run the regex.
    simple = ~pl.col("auth").str.contains_any(["@", ":", "["])
    groups = pl.when(~simple).then(pl.col("auth")).str.extract_groups(_AUTHORITY_RE)
    parts = auth.with_columns(
        pl.when(simple).then(pl.col("auth")).otherwise(groups.struct[0]).alias("raw_host"),
        groups.struct[1].alias("port_text"),
    )
    hosts = host_table(parts.get_column("raw_host"))
    port_text = pl.col("port_text").fill_null("")
    port = pl.when(port_text.str.contains(r"^[0-9]{1,5}$")).then(port_text.cast(pl.Int64, strict=False))
    host_url = (
        pl.when(pl.col("host").str.contains(":", literal=True))
        .then(pl.concat_str([pl.lit("["), pl.col("host"), pl.lit("]")]))
        .otherwise(pl.col("host"))
    )

    def with_port(default: int) -> pl.Expr:
        return (
            pl.when((port_text == "") | (port == default))
            .then(host_url)
            .otherwise(pl.concat_str([host_url, pl.lit(":"), port.cast(pl.String)]))
        )

    return (
        parts.join(hosts, on="raw_host", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("raw_host").fill_null("") == "")
            .then(pl.lit("empty host"))
            .when(pl.col("host").is_null())
            .then(pl.lit("invalid host"))
            .when((port_text != "") & ~(port <= 65535).fill_null(False))
            .then(pl.lit("invalid port"))
            .alias("status"),
        )
        .select("auth", "host", "domain", "status", with_port(80).alias("http"), with_port(443).alias("https"))
    )


def _lookup_authorities(auths: pl.Series) -> pl.Series:
    """Raw authority per row -> struct per row; the work is done once per distinct authority."""
    table = authority_table(auths)
    joined = auths.to_frame("auth").join(table, on="auth", how="left", maintain_order="left")
    return joined.select(pl.struct(list(_AUTHORITY_INFO.to_schema()))).to_series()


def _strip_tracking(query: pl.Expr) -> pl.Expr:
    """Remove tracking parameters and empty `&&` pieces; only queries that have them are rewritten."""
    # Each parameter is fenced by its own `&...&` (doubled separators), so one regex pass removes
    # adjacent tracking parameters too; then the separators are collapsed back.
    dirty = pl.when(query.str.contains(_HAS_TRACKING_RE)).then(query)
    fenced = pl.concat_str([pl.lit("&"), dirty.str.replace_all("&", "&&", literal=True), pl.lit("&")])
    kept = fenced.str.replace_all(_TRACKING_PARAM_RE, "&").str.replace_all("&{2,}", "&").str.strip_chars("&")
    return pl.coalesce(kept, query)


def _canonical_tail(tail: str) -> list[list[pl.Expr]]:
    """Stages rewriting column `tail` (everything after the authority) as the canonical path + query."""
    # Staged columns, so each intermediate is computed once. Most tails are a plain path: only
    # those with a fragment, query or space (`t` non-null) are taken apart and rebuilt.
    t, path, query = f"{tail}_t", f"{tail}_path", f"{tail}_query"
    cut = pl.when(pl.col(tail).str.contains_any(["#", "?", " "])).then(pl.col(tail))
    q = pl.col(t).str.find("?", literal=True)
    rebuilt = pl.concat_str(
        [
            pl.when(pl.col(path) == "")
            .then(pl.lit("/"))
            .otherwise(pl.col(path).str.replace_all(" ", "%20", literal=True)),
            pl.when(pl.col(query) != "").then(pl.concat_str([pl.lit("?"), pl.col(query)])).otherwise(pl.lit("")),
        ]
    )
    # Whitespace left at the end once the fragment or query is gone would be trimmed by the next
    # pass: trim it now (canonical(canonical(u)) == canonical(u)).
    rebuilt = rebuilt.str.strip_chars_end()
    rebuilt = pl.when(rebuilt == "").then(pl.lit("/")).otherwise(rebuilt)
    plain = pl.when(pl.col(tail) == "").then(pl.lit("/")).otherwise(pl.col(tail))
    return [
        [_bytes_slice(cut, 0, cut.str.find("#", literal=True)).alias(t)],
        [_bytes_slice(pl.col(t), 0, q).alias(path), _bytes_slice(pl.col(t), q + 1).alias(query)],
        [_strip_tracking(pl.col(query)).str.replace_all(" ", "%20", literal=True).alias(query)],
        [pl.when(pl.col(t).is_null()).then(plain).otherwise(rebuilt).alias(tail)],
    ]


UrlColumns = tuple[str, str, str, str]  # (url, host, domain, error) column names


def _url_stages(url_col: str, host_col: str, domain_col: str, error_col: str) -> tuple[list[list[pl.Expr]], list[str]]:
    """(the stages that canonicalise `url_col`, each a list of expressions evaluated together;
    the helper columns they leave behind)."""
    names = ("raw", "u", "scheme", "kind", "rest", "auth", "tail", "info", "reason")
    t = {name: f"__nu_{url_col}_{name}" for name in names}  # per URL column: columns run side by side
    c = {name: pl.col(col) for name, col in t.items()}
    stages: list[list[pl.Expr]] = []

    raw = pl.col(url_col).cast(pl.String).str.replace_many(["\t", "\n", "\r"], ["", "", ""]).str.strip_chars()
    stages.append([pl.when(raw != "").then(raw).alias(t["raw"])])
    stages.append([_wrapped_target(c["raw"]).alias(t["u"])])
    # A second level (a wrapped wrapper), then the URL itself when it is not wrapped at all.
    stages.append([pl.coalesce(_wrapped_target(c["u"]), c["u"], c["raw"]).alias(t["u"])])

    u = c["u"]
    stages.append([u.str.extract(_SCHEME_RE, 1).str.to_lowercase().alias(t["scheme"])])
    scheme = c["scheme"]
    is_web = scheme.is_in(["http", "https"])
    # The rarer shapes are tested only on the rows that can have them (a null row costs little).
    no_scheme = scheme.is_null() | pl.when(~is_web).then(u).str.contains(_HOST_PORT_RE)
    relative = pl.when(no_scheme).then(u).str.contains(r"^(?:[?#]|[/\\](?:[^/\\]|$))")
    # kind: "web" (http/https), "bare" (no scheme: http is implied), "relative", or the scheme.
    kind = (
        pl.when(u.is_null())
        .then(None)
        .when(is_web)
        .then(pl.lit("web"))
        .when(relative)
        .then(pl.lit("relative"))
        .when(no_scheme)
        .then(pl.lit("bare"))
        .otherwise(scheme)
    )
    # Browsers ignore any run of slashes/backslashes after a web scheme (`https:/x`, `http:\\x`).
    rest = u.str.replace(r"^(?i:https?:)?[/\\]*", "")
    stages.append(
        [
            pl.when(scheme == "https").then(pl.lit("https")).otherwise(pl.lit("http")).alias(t["scheme"]),
            kind.alias(t["kind"]),
            rest.alias(t["rest"]),
        ]
    )
    end = c["rest"].str.find(r"[/\\?#]").fill_null(c["rest"].str.len_bytes())
    usable = c["kind"].is_in(["web", "bare"])
    stages.append(
        [
            pl.when(usable).then(_bytes_slice(c["rest"], 0, end)).alias(t["auth"]),
            pl.when(usable).then(_bytes_slice(c["rest"], end)).alias(t["tail"]),
        ]
    )
    stages.append([c["auth"].map_batches(_lookup_authorities, return_dtype=_AUTHORITY_INFO).alias(t["info"])])
    stages += _canonical_tail(t["tail"])

    info = c["info"].struct
    bare = c["kind"] == "bare"
    reason = (
        pl.when(c["kind"].is_null())
        .then(None)
        .when(c["kind"] == "javascript")
        .then(pl.lit("javascript URL"))
        .when(c["kind"] == "relative")
        .then(pl.lit("relative URL"))
        .when(~usable)
        .then(pl.concat_str([pl.lit("unsupported scheme "), c["kind"]]))
        # Without a scheme, only something that looks like a domain is taken as a URL.
        .when(bare & (info.field("status").is_not_null() | ~info.field("host").str.contains(r"[.:]")))
        .then(pl.lit("unparseable URL"))
        .otherwise(info.field("status"))
    )
    shown = (
        pl.when(c["raw"].str.len_chars() > _MAX_ERROR_URL)
        .then(pl.concat_str([c["raw"].str.slice(0, _MAX_ERROR_URL), pl.lit("…")]))
        .otherwise(c["raw"])
    )
    authority = pl.when(c["scheme"] == "https").then(info.field("https")).otherwise(info.field("http"))
    url = pl.concat_str([c["scheme"], pl.lit("://"), authority, c["tail"]])
    stages.append([reason.alias(t["reason"])])
    ok = c["reason"].is_null() & c["raw"].is_not_null()
    stages.append(
        [
            pl.when(ok).then(url).alias(url_col),
            pl.when(ok).then(info.field("host")).alias(host_col),
            pl.when(ok).then(info.field("domain")).alias(domain_col),
            pl.concat_str([c["reason"], pl.lit(": '"), shown, pl.lit("'")]).alias(error_col),
        ]
    )
    tail = t["tail"]
    return stages, [*t.values(), f"{tail}_t", f"{tail}_path", f"{tail}_query"]


def normalise_url_columns(lf: pl.LazyFrame, columns: list[UrlColumns]) -> pl.LazyFrame:
    """Replace each url column by its canonical URL and add its host, registrable domain and error
    columns. The columns go through their stages side by side, so Polars runs them in parallel."""
    planned = [_url_stages(*names) for names in columns]
    for step in zip(*(stages for stages, _ in planned), strict=True):
        lf = lf.with_columns([expr for exprs in step for expr in exprs])
    return lf.drop([name for _, helpers in planned for name in helpers], strict=False)


def normalise_url_column(
    lf: pl.LazyFrame, url_col: str, host_col: str, domain_col: str, error_col: str
) -> pl.LazyFrame:
    """Replace `url_col` by its canonical URL and add host, registrable domain and error columns."""
    return normalise_url_columns(lf, [(url_col, host_col, domain_col, error_col)])


def normalise_distinct_urls(values: pl.Series, columns: UrlColumns) -> pl.DataFrame:
    """One row per distinct value of a URL column: the value (named as the URL column, the key to
    join back on) and its canonical URL, host, domain and error under the other names of
    `columns` (the URL itself as `<url>__canonical`). For columns whose URLs repeat (link targets:
    a site's few pages), so each distinct URL is canonicalised once."""
    url_col, host_col, domain_col, error_col = columns
    canonical = f"{url_col}__canonical"
    distinct = values.drop_nulls().unique().alias(url_col).to_frame()
    mapped = normalise_url_column(
        distinct.with_columns(pl.col(url_col).alias(canonical)).lazy(), canonical, host_col, domain_col, error_col
    )
    return mapped.collect()


def _one(url: str | None) -> dict:
    frame = pl.LazyFrame({"url": [url]}, schema={"url": pl.String})
    return normalise_url_column(frame, "url", "host", "domain", "error").collect().row(0, named=True)


def canonical_url(url: str | None) -> str | None:
    """Canonical form of one URL, or None if it is missing or unusable (same code path as the column)."""
    return _one(url)["url"]


def url_error(url: str | None) -> str | None:
    """Why one URL is unusable, or None if it is fine or missing."""
    return _one(url)["error"]
