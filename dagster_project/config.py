"""`sites.yml`: its schema, its defaults, and a clear error for every bad key.

The validated config is written into the warehouse as `config.*` tables on every refresh, so dbt
models read brand terms, keywords, topics and thresholds with plain SQL joins (portable, no
giant `--vars`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from dagster_project.normalise.hosts import (
    normalise_domain_name,
    normalise_host,
    registrable_domain,
)


class ConfigError(ValueError):
    """sites.yml is missing, unreadable or invalid. The message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _domain(value: str) -> str:
    domain = normalise_domain_name(value)
    if not domain:
        raise ValueError(f"{value!r} is not a domain name")
    return domain


def _site_domain(value: str) -> str:
    """A site or competitor as the warehouse matches it (dbt/macros/sites/configured_site_matches.sql):
    a row belongs to it when its registrable domain or its host is it, or its host is a subdomain
    of it. So a registrable domain (`knifecraft.co.uk`, `bestknives.blogspot.com`: PSL with its
    private section) covers every host of the site, and a subdomain (`shop.example.com`) is a
    property of its own — both are allowed. What is refused is what silently narrows the match:
    a URL (its host was taken, `www.` and all), a `www.` host (links to the bare domain and other
    hosts drop out), a public suffix (no site), a comma (two domains in one item).
    Case, IDNA and a trailing dot are normalised, not refused: they change nothing."""
    text = value.strip()
    if "," in text:
        raise ValueError(f"{value!r} holds a comma: one domain per list item, e.g. [a.com, b.com]")
    host = normalise_host(text) if not any(c in text for c in "/?#@:") else None
    if host is None:
        host = normalise_domain_name(text)
        if host is None:
            raise ValueError(f"{value!r} is not a domain name")
        raise ValueError(f"{value!r} is a URL, not a domain: write {_meant(host)}")
    domain = registrable_domain(host)
    if domain is None:
        raise ValueError(f"{value!r} is a public suffix, not a site: write the site's domain, e.g. example.{host}")
    if host.startswith("www.") and host != domain:
        raise ValueError(
            f"{value!r} is a host, not the site's domain: write {_meant(host)} "
            "(links to every host of it, www. included, count)"
        )
    return host


def _meant(host: str) -> str:
    """The domain a URL or `www.` host most likely meant: the host without `www.`."""
    bare = host[4:] if host.startswith("www.") else host
    return bare if registrable_domain(bare) else host


def _a_list(key: str, example: str):
    """A before-validator: a key that takes a list, given one string, is refused with the list to write."""

    def check(v):
        if isinstance(v, str):
            items = [part.strip() for part in v.split(",") if part.strip()] or [example]
            raise ValueError(f"{v!r} is one string: write a list, {key}: [{', '.join(items)}]")
        return v

    return field_validator(key, mode="before")(classmethod(lambda cls, v: check(v)))


DomainName = Annotated[str, Field(min_length=1)]


class Site(_Strict):
    domain: DomainName
    brand: list[str] = Field(default_factory=list)

    @field_validator("domain")
    @classmethod
    def _check_domain(cls, v: str) -> str:
        return _site_domain(v)

    @field_validator("brand", mode="before")
    @classmethod
    def _brand_list(cls, v):
        # one term may be a string; "KnifeCraft, Knife Craft" would be ONE term with a comma in it
        if isinstance(v, str) and "," in v:
            terms = ", ".join(t.strip() for t in v.split(",") if t.strip())
            raise ValueError(f"{v!r} is one brand term with a comma in it: write a list, brand: [{terms}]")
        return [v] if isinstance(v, str) else v


class Disavow(_Strict):
    never: list[str] = Field(default_factory=list)

    _never_list = _a_list("never", "bbc.co.uk")

    @field_validator("never")
    @classmethod
    def _check_domains(cls, v: list[str]) -> list[str]:
        return [_domain(d) for d in v]


class Thresholds(_Strict):
    """Every number a practitioner might disagree with, with its documented default.

    Written to `config.thresholds` (one row, one column per field) for the dbt models.
    """

    # anchor-text mix: share of links above which a class is flagged
    exact_match_max_share: float = Field(0.05, ge=0, le=1)
    # snapshot drift: a site's referring domains or links moving more than this share between
    # two snapshots of the same tool is a warning
    drift_max_change: float = Field(0.5, ge=0, le=10)
    # freshness: a tool's newest backlink snapshot of a site older than this many days is a warning
    # (monthly exports plus two weeks' grace)
    freshness_max_age_days: int = Field(45, ge=1, le=3650)

    # --- profile health flags (marts.profile_diversity); practitioner ranges, flags to review
    partial_match_max_share: float = Field(0.20, ge=0, le=1)  # partial match typically 5-20%
    generic_max_share: float = Field(0.25, ge=0, le=1)  # generic typically 10-25%
    branded_min_share: float = Field(0.35, ge=0, le=1)  # branded typically 35-60%
    domain_hhi_max: float = Field(2500, ge=0, le=10000)  # HHI > 2,500 = highly concentrated

    # --- lost links: absence from a later snapshot of the same tool and export type only counts
    # when that snapshot holds at least this share of the links of the last snapshot that had
    # the link (a vendor's smaller/capped export is not a wave of losses)
    lost_min_snapshot_ratio: float = Field(0.5, ge=0, le=1)

    # --- velocity (marts.link_velocity*): modified z-score (Iglewicz-Hoaglin) over a trailing window
    velocity_window_weeks: int = Field(12, ge=2, le=260)
    velocity_window_days: int = Field(28, ge=2, le=366)
    velocity_min_periods: int = Field(4, ge=2)  # fewer trailing periods: no z-score
    robust_z_threshold: float = Field(3.5, gt=0)  # |M| > 3.5 is an outlier
    velocity_spike_min_domains: int = Field(5, ge=0)  # a spike also needs this many above the median

    # --- topics: keyword-cluster weights per field (title > URL path > anchor > domain tokens)
    topic_weight_title: float = Field(3.0, ge=0)
    topic_weight_path: float = Field(2.0, ge=0)
    topic_weight_vendor: float = Field(1.5, ge=0)  # vendor categories, e.g. Majestic Topical Trust Flow
    topic_weight_anchor: float = Field(1.0, ge=0)
    topic_weight_domain: float = Field(1.0, ge=0)
    topic_min_score: float = Field(1.0, ge=0)  # below it the domain stays 'unassigned'
    topic_gap_min_share: float = Field(
        0.05, ge=0, le=1
    )  # competitors' median share this much above the site's = under-covered

    # --- links vs rankings (marts.links_vs_rankings_*): the longest lag, in weeks, at which
    # referring domains are correlated with later positions; the series also start this many
    # weeks before the first ranking observation
    links_vs_rankings_max_lag_weeks: int = Field(8, ge=0, le=52)
    # topic divergence: a topic with its fair share of links ranks poorly above this average
    # position; one with few links ranks well at or below the good position
    topic_divergence_good_position: float = Field(10.0, gt=0)
    topic_divergence_poor_position: float = Field(20.0, gt=0)

    # --- competitor gaps (link intersect; common tool defaults)
    gap_min_competitors: int = Field(2, ge=1)  # links to at least N competitors
    gap_min_authority: float = Field(25, ge=0, le=100)  # consensus authority (percentile scale)
    gap_follow_only: bool = True  # only domains with a followed link to a competitor
    gap_exclude_platforms: bool = True  # drop platform / UGC / CDN noise (seed platform_domains)
    gap_offtopic_factor: float = Field(0.5, ge=0, le=1)  # score multiplier without a topic match

    # --- toxicity (conservative: Google ignores most spam; only clear cases become candidates)
    toxicity_candidate_threshold: float = Field(60, ge=0, le=100)
    toxicity_min_signals: int = Field(2, ge=1)  # and at least this many independent signals
    moz_spam_medium: float = Field(31, ge=0, le=100)  # Moz: 31-60 medium, 61-100 high
    moz_spam_high: float = Field(61, ge=0, le=100)
    semrush_toxicity_medium: float = Field(45, ge=0, le=100)  # Semrush: 45-59 potentially toxic
    semrush_toxicity_high: float = Field(60, ge=0, le=100)  # 60-100 toxic
    cf_tf_ratio_max: float = Field(6.58, gt=0)  # Majestic Million upper inner fence of CF/TF
    cf_tf_min_citation_flow: float = Field(10, ge=0)  # the ratio means nothing on tiny CF
    external_links_max: int = Field(150, ge=1)  # outbound links on the linking page
    domain_min_hyphens: int = Field(2, ge=1)  # domain-name shape: hyphens in the first label
    domain_min_digits: int = Field(2, ge=1)  # ... digits in the first label
    domain_max_label_length: int = Field(20, ge=1)  # ... length of the first label
    subnet_min_domains: int = Field(5, ge=2)  # referring domains on one IPv4 /24 = link network


class Alerts(_Strict):
    """What the lost-link asset check warns about (defs/quality/alerts.py). No model reads it, so
    a change here never rebuilds the models (Config.fingerprint leaves it out)."""

    # WARN when the site loses a link from a referring domain at least this authoritative since
    # its previous snapshot (consensus authority, 0-100 percentile scale: 50 = the better half of
    # the referring domains the tools know)
    lost_link_min_authority: float = Field(50, ge=0, le=100)


class Config(_Strict):
    site: Site
    competitors: list[str] = Field(default_factory=list)
    topics: dict[str, list[str]] = Field(default_factory=dict)
    keywords: list[str] = Field(default_factory=list)
    disavow: Disavow = Field(default_factory=Disavow)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    alerts: Alerts = Field(default_factory=Alerts)

    _competitors_list = _a_list("competitors", "example.com")
    _keywords_list = _a_list("keywords", "chef knife")

    @field_validator("competitors")
    @classmethod
    def _check_competitors(cls, v: list[str], info: ValidationInfo) -> list[str]:
        domains = [_site_domain(d) for d in v]
        site = info.data.get("site")  # absent when the site itself was refused
        seen: dict[str, str] = {}
        for written, domain in zip(v, domains):
            if site is not None and domain == site.domain:
                raise ValueError(f"{written!r} is the site itself (site.domain): a competitor must be another domain")
            if domain in seen:
                raise ValueError(f"{domain} is listed twice ({seen[domain]!r} and {written!r})")
            seen[domain] = written
        return domains

    @property
    def site_domains(self) -> list[str]:
        """The site first, then each competitor (distinct: validated): every profile the warehouse models."""
        return [self.site.domain, *self.competitors]

    def fingerprint(self) -> str:
        """Stable hash of the effective config: a refresh with new config must rebuild the models.
        `alerts` is left out: no model reads it (and a config without it hashes as before it existed)."""
        return hashlib.sha256(json.dumps(self.model_dump(exclude={"alerts"}), sort_keys=True).encode()).hexdigest()


def _describe(error: dict) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".") or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"unknown key '{where}'"
    if error["type"] == "missing":
        return f"missing required key '{where}'"
    if error["type"] == "value_error":  # our own validators' message, without pydantic's "Value error, "
        return f"key '{where}': {error['ctx']['error']}"
    return f"key '{where}': {error['msg']}"


# the parsed config per (file, size, mtime), for this process: a refresh reads sites.yml in the
# CLI and in each step of its run; a changed file is read again
_LOADED: dict[tuple[str, int, int], Config] = {}


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None
    if key in _LOADED:
        return _LOADED[key].model_copy(deep=True)  # callers may not share one mutable object
    config = _load_config(path)
    if key is not None:
        _LOADED[key] = config.model_copy(deep=True)
    return config


def _load_config(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with at least 'site: {{domain: ...}}'")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None
