"""Python-side guards for the analytics marts: the thresholds the SQL reads exist in sites.yml's
schema and are documented, and the seeds the formulas join are consistent with the SQL.
(The formulas themselves are pinned by dbt unit tests next to each model.)"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from dagster_project.config import Config, ConfigError, Thresholds, load_config
from dagster_project.disavow import line_problem

DBT = Path(__file__).resolve().parents[2] / "dbt"


def _sql(*parts: str) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for part in parts for p in sorted((DBT / "models").glob(part)))


def _seed(name: str) -> list[dict]:
    with (DBT / "seeds" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_threshold_the_models_read_is_a_documented_sites_yml_setting():
    used = set(re.findall(r"\bthresholds\.([a-z_]+)", _sql("**/*.sql")))
    assert used, "the models read no thresholds?"
    assert used <= set(Thresholds.model_fields), used - set(Thresholds.model_fields)
    documented = {
        column["name"]
        for model in yaml.safe_load((DBT / "models/staging/raw/stg_config__thresholds.yml").read_text())["models"]
        for column in model["columns"]
    }
    assert used <= documented, f"undocumented in stg_config__thresholds.yml: {used - documented}"


def test_thresholds_have_the_reference_defaults_and_reject_nonsense(tmp_path):
    t = Thresholds()
    assert (t.robust_z_threshold, t.cf_tf_ratio_max, t.gap_min_competitors, t.gap_min_authority) == (3.5, 6.58, 2, 25)
    assert (t.exact_match_max_share, t.domain_hhi_max, t.moz_spam_medium, t.moz_spam_high) == (0.05, 2500, 31, 61)
    assert t.gap_follow_only and t.toxicity_candidate_threshold == 60
    config = Config.model_validate({"site": {"domain": "knifecraft.co.uk"}, "thresholds": {"gap_min_competitors": 3}})
    assert config.thresholds.gap_min_competitors == 3 and config.thresholds.robust_z_threshold == 3.5
    bad = tmp_path / "sites.yml"
    bad.write_text(
        "site: {domain: knifecraft.co.uk}\nthresholds:\n  exact_match_max_share: 1.5\n  gap_min_competitor: 2\n"
    )
    with pytest.raises(
        ConfigError, match=r"thresholds\.exact_match_max_share.*unknown key 'thresholds\.gap_min_competitor'"
    ):
        load_config(bad)


def test_every_toxicity_signal_of_the_sql_has_points_in_the_seed_and_back():
    fired = set(
        re.findall(r"'([a-z_]+)' as signal", _sql("intermediate/referring_domains/int_referring_domains__toxicity.sql"))
    )
    seeded = {row["signal"]: int(row["points"]) for row in _seed("toxicity_signals")}
    assert fired == set(seeded)
    assert all(0 <= p <= 100 for p in seeded.values())
    # conservative by default: no single signal reaches the candidate threshold on its own
    assert max(seeded.values()) < Thresholds().toxicity_candidate_threshold


def test_seeds_hold_valid_lowercase_names():
    tlds = [row["tld"] for row in _seed("spammy_tlds")]
    assert len(tlds) == len(set(tlds)) and all(re.fullmatch(r"[a-z]{2,}", t) for t in tlds)
    for row in _seed("platform_domains"):
        assert line_problem(f"domain:{row['domain']}") is None and row["domain"] == row["domain"].lower()
        assert row["include_subdomains"] in ("true", "false")
    generic = list(_seed("generic_anchors"))
    assert {"en", "de", "es", "fr"} <= {row["language"] for row in generic}
