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
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dagster_project.normalise.hosts import normalise_domain_name


class ConfigError(ValueError):
    """sites.yml is missing, unreadable or invalid. The message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _domain(value: str) -> str:
    domain = normalise_domain_name(value)
    if not domain:
        raise ValueError(f"{value!r} is not a domain name")
    return domain


DomainName = Annotated[str, Field(min_length=1)]


class Site(_Strict):
    domain: DomainName
    brand: list[str] = Field(default_factory=list)

    @field_validator("domain")
    @classmethod
    def _check_domain(cls, v: str) -> str:
        return _domain(v)

    @field_validator("brand", mode="before")
    @classmethod
    def _brand_list(cls, v):
        return [v] if isinstance(v, str) else v


class Disavow(_Strict):
    never: list[str] = Field(default_factory=list)

    @field_validator("never")
    @classmethod
    def _check_domains(cls, v: list[str]) -> list[str]:
        return [_domain(d) for d in v]


class Thresholds(_Strict):
    """Every number a practitioner might disagree with, with its documented default.

    Written to `config.thresholds` (one row, one column per field) for the dbt models.
    """

    # anchor-text mix: share of links above which a class is flagged (analytics-reference.md)
    exact_match_max_share: float = Field(0.05, ge=0, le=1)
    # snapshot drift: a site's referring domains or links moving more than this share between
    # two snapshots of the same tool is a warning
    drift_max_change: float = Field(0.5, ge=0, le=10)


class Config(_Strict):
    site: Site
    competitors: list[str] = Field(default_factory=list)
    topics: dict[str, list[str]] = Field(default_factory=dict)
    keywords: list[str] = Field(default_factory=list)
    disavow: Disavow = Field(default_factory=Disavow)
    thresholds: Thresholds = Field(default_factory=Thresholds)

    @field_validator("competitors")
    @classmethod
    def _check_competitors(cls, v: list[str]) -> list[str]:
        return [_domain(d) for d in v]

    @property
    def site_domains(self) -> list[str]:
        """The site first, then each competitor: every profile the warehouse models."""
        return [self.site.domain, *[c for c in self.competitors if c != self.site.domain]]

    def fingerprint(self) -> str:
        """Stable hash of the effective config: a refresh with new config must rebuild the models."""
        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"unknown key '{where}'"
    if error["type"] == "missing":
        return f"missing required key '{where}'"
    return f"key '{where}': {error['msg']}"


def load_config(path: str | Path) -> Config:
    path = Path(path)
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
