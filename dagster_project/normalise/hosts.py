"""Host names and registrable domains: the scalar rules, applied once per DISTINCT host.

Canonical host (the contract: lowercase IDNA ASCII, no trailing dot, no port):
- ASCII labels are lowercased and must be `[a-z0-9_-]{1,63}`. Underscores and edge hyphens are
  not valid DNS host names but browsers resolve them (`my_blog.blogspot.com`), so we keep them.
- Unicode hosts are UTS #46-mapped (non-transitional, like browsers: `faß.de` stays `faß`), then
  each label is IDNA2008-encoded with the `idna` package; a label IDNA2008 rejects but browsers
  accept (emoji, symbols: `☃.net`) falls back to plain punycode of the mapped label.
- `xn--` labels must decode to a mapped, non-ASCII label, so re-normalising a result is a no-op.
- Percent-encoded hosts are decoded first (the WHATWG URL parser does the same).
- IP literals: a dotted-quad IPv4 is kept as is; IPv6 is returned WITHOUT brackets, in its
  compressed lowercase form (`2001:db8::1`); `urls.py` adds the brackets back inside URLs. A
  host whose last label is numeric but is not a dotted quad (`1.2.3`, `10.0.0.256`) is invalid,
  as in browsers (they would try, and fail, to read it as an IPv4 address).

Registrable domain = the Public Suffix List's "private suffix": the public suffix plus one label,
with the PRIVATE section included (`bestknives.blogspot.com` is its own site) and the default `*`
rule for unlisted TLDs. The list is the one bundled with `publicsuffixlist` (no network).

Format: docs/export-formats.md#urls-hosts-and-sites
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import idna
import polars as pl
from publicsuffixlist import PublicSuffixList

_PSL = PublicSuffixList()  # bundled list, ICANN + private sections, default `*` rule on

_ASCII_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
# Characters a browser refuses in a host (WHATWG "forbidden host code points") plus anything
# we would rather not see in a label; checked on Unicode labels before the punycode fallback.
_FORBIDDEN = frozenset(" \t\n\r#/:<>?@[\\]^|%\"'`{}!$&()*+,;=~.")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# Plain lowercase ASCII hosts whose canonical form is themselves: the vast majority. host_table
# recognises them with one vectorised regex instead of calling normalise_host. The last label
# must start with a letter (so never numeric) and no label may be an `xn--` A-label (checked
# separately: those need decoding).
FAST_HOST_RE = r"^(?:[a-z0-9_-]{1,63}\.)*[a-z][a-z0-9_-]{0,62}$"
_XN_LABEL_RE = r"(?:^|\.)xn--"


def _ip_literal(host: str) -> str | None:
    """Canonical text of an IP literal, or None if `host` is not one."""
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host).compressed
        except ValueError:
            return None
    if _DOTTED_QUAD.fullmatch(host):
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:  # octet > 255 or a leading zero
            return None
    return None


def _is_ip(host: str) -> bool:
    return ":" in host or bool(_DOTTED_QUAD.fullmatch(host))


@lru_cache(maxsize=1 << 14)  # A-label TLDs (`xn--p1ai`) repeat on every host under them
def _a_label_ok(label: str) -> bool:
    """An `xn--` label is valid if it decodes to a non-ASCII label already in UTS46-mapped form."""
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
        return not decoded.isascii() and idna.uts46_remap(decoded, std3_rules=False) == decoded
    except (UnicodeError, idna.IDNAError, ValueError):
        return False


def _unicode_label(label: str) -> str | None:
    if any(c in _FORBIDDEN or unicodedata.category(c)[0] in "CZ" for c in label):
        return None
    try:
        return idna.alabel(label).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        # IDNA2008 disallows emoji and symbols; browsers (UTS46, non-strict) still resolve them.
        return "xn--" + label.encode("punycode").decode("ascii")


def _domain_labels(host: str) -> str | None:
    labels = []
    for label in host.split("."):
        if label.isascii():
            if not _ASCII_LABEL.fullmatch(label) or (label.startswith("xn--") and not _a_label_ok(label)):
                return None
            labels.append(label)
        else:
            encoded = _unicode_label(label)
            if encoded is None or len(encoded) > 63:
                return None
            labels.append(encoded)
    if labels[-1].isdigit() or labels[-1].startswith("0x"):
        return None  # browsers read these as (invalid) IPv4 addresses
    result = ".".join(labels)
    return result if len(result) <= 253 else None


def normalise_host(host: str | None) -> str | None:
    """Canonical host (see module doc), or None for a missing/empty/invalid host."""
    if not isinstance(host, str):
        return None
    h = host.strip()
    if "%" in h:
        h = unquote(h)
    if not h:
        return None
    if h.startswith("[") or ":" in h:
        return _ip_literal(h)
    if h.isascii():
        h = h.lower()
    else:
        try:  # lowercases, NFC, maps full-width letters and dots (`。`) to ASCII
            h = idna.uts46_remap(h, std3_rules=False, transitional=False)
        except (idna.IDNAError, UnicodeError):
            return None
    if h.endswith("."):
        h = h[:-1]
    if not h:
        return None
    if _DOTTED_QUAD.fullmatch(h):
        return _ip_literal(h)
    return _domain_labels(h)


@lru_cache(maxsize=1 << 18)
def _registrable(host: str) -> str | None:
    """Registrable domain of an already-normalised host (cached: hosts repeat across batches)."""
    if _is_ip(host):
        return host
    return _PSL.privatesuffix(host)


def registrable_domain(host: str | None) -> str | None:
    """PSL registrable domain (private section included) of any host; the IP itself for an IP
    literal; None for a bare public suffix or an invalid host."""
    h = normalise_host(host)
    return None if h is None else _registrable(h)


def normalise_domain_name(text: str | None) -> str | None:
    """A domain name as a user writes it in config -> its canonical host, or None if invalid.

    Accepts a bare host (`KnifeCraft.co.uk`, `x.com.`) or a URL (`https://www.x.com/path`); the
    scheme, userinfo, port, path, query and fragment are dropped. The host is otherwise kept as
    written: `www.` is NOT stripped (the user may mean that host), and it is not reduced to the
    registrable domain (config may name a subdomain site such as `shop.blogspot.com`).
    """
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    if not _SCHEME.match(text):
        if ":" in text and (ip := _ip_literal(text)):  # a bare IPv6 address is not host:port
            return ip
        text = "//" + text.lstrip("/")
    try:
        netloc = urlsplit(text).netloc
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    netloc = netloc.rpartition("@")[2]
    if not netloc.startswith("["):
        netloc = netloc.partition(":")[0]
    elif "]:" in netloc:
        netloc = netloc[: netloc.index("]:") + 1]
    return normalise_host(netloc)


_HOST_TABLE_SCHEMA = {"raw_host": pl.String, "host": pl.String, "domain": pl.String}


def host_table(hosts: pl.Series) -> pl.DataFrame:
    """One row per distinct non-null raw host: (raw_host, host, domain).

    Plain ASCII hosts are recognised with one vectorised regex; only the rest (IDN, IP literals,
    odd characters) go through `normalise_host`, one Python call per distinct value.
    """
    raw = hosts.cast(pl.String).drop_nulls().unique()
    lowered = raw.str.to_lowercase().str.strip_suffix(".")
    fast = (
        lowered.str.contains(FAST_HOST_RE)
        & ~lowered.str.contains(_XN_LABEL_RE)
        & (lowered.str.len_bytes() <= 253)
        & (raw.str.strip_chars() == raw)
    )
    slow_raw = raw.filter(~fast)
    table = pl.DataFrame(
        {
            "raw_host": pl.concat([raw.filter(fast), slow_raw]),
            "host": pl.concat(
                [lowered.filter(fast), pl.Series([normalise_host(h) for h in slow_raw], dtype=pl.String)]
            ),
        },
        schema={"raw_host": pl.String, "host": pl.String},
    )
    distinct = table.get_column("host").drop_nulls().unique()
    domains = registrable_domains(distinct).with_columns(pl.col("domain").cast(pl.String))
    return table.join(domains, on="host", how="left", maintain_order="left").select(list(_HOST_TABLE_SCHEMA))


@lru_cache(maxsize=1)
def _psl_two_label_rules() -> tuple[pl.Series, pl.Series] | None:
    """(the last two labels of every rule of the bundled list, as written: `co.uk`, `*.ck`,
    `!www.ck` -> `www.ck`; the labels X with a rule `*.X` or `!X`), or None when publicsuffixlist
    does not expose its rules or does not take unknown TLDs as public suffixes."""
    rules = getattr(_PSL, "_publicsuffix", None)
    if not rules or not getattr(_PSL, "accept_unknown", False):
        return None
    tails = {".".join(rule.lstrip("!").split(".")[-2:]) for rule in rules if "." in rule}
    single = {rule[2:] for rule in rules if rule.startswith("*.") and rule.count(".") == 1}
    single |= {rule[1:] for rule in rules if rule.startswith("!") and "." not in rule}
    return pl.Series(sorted(tails), dtype=pl.String), pl.Series(sorted(single), dtype=pl.String)


def registrable_domains(hosts: pl.Series) -> pl.DataFrame:
    """(host, domain) for distinct canonical hosts: `_registrable` of each.

    Most hosts end in two labels no rule of the list ends in (`blog.example.it`: no rule ends in
    `example.it`, and `it` has no `*.it`/`!it` rule). The list's walk then stops at the last label,
    so the domain is those two labels: found column-wise. The rest (`co.uk`, IPs, ...) get the
    Python call."""
    frame = hosts.cast(pl.String).alias("host").to_frame()
    found = _psl_two_label_rules()
    if found is None:
        return frame.with_columns(domain=pl.Series([_registrable(h) for h in hosts], dtype=pl.String))
    tails, single = found
    two = pl.col("host").str.extract(r"([^.]+\.[^.]+)$", 1)  # null for one label or an empty label
    last = two.str.extract(r"\.([^.]+)$", 1)
    plain = (
        two.is_not_null()
        & ~two.is_in(tails.implode())
        & ~last.is_in(single.implode())
        & ~pl.col("host").str.contains_any([":", ".."])  # IPv6; an empty label (the list says None)
        & ~last.str.contains(r"^[0-9]+$")  # a dotted quad is its own domain
    )
    frame = frame.with_columns(plain.alias("plain"), two.alias("domain"))
    rest = frame.filter(~pl.col("plain")).get_column("host")
    slow = pl.DataFrame({"host": rest, "domain": pl.Series([_registrable(h) for h in rest], dtype=pl.String)})
    return pl.concat([frame.filter("plain").select("host", "domain"), slow])
