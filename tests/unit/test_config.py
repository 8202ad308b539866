"""sites.yml validation: every bad key is named."""

import pytest

from dagster_project.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "sites.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_config_loads():
    config = load_config("data/sites.yml")
    assert config.site.domain == "knifecraft.co.uk"
    assert config.site_domains[0] == "knifecraft.co.uk" and len(config.site_domains) == 4


def test_domains_are_normalised(tmp_path):
    config = load_config(write(tmp_path, "site: {domain: 'HTTPS://KnifeCraft.co.uk/'}\ncompetitors: ['Bücher.de.']\n"))
    assert config.site.domain == "knifecraft.co.uk"
    assert config.competitors == ["xn--bcher-kva.de"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site: {domain: x.com}\ncolour: red\n", "unknown key 'colour'"),
        ("site: {domain: x.com, brnd: [X]}\n", "unknown key 'site.brnd'"),
        ("competitors: [a.com]\n", "missing required key 'site'"),
        ("site: {domain: x.com}\ncompetitors: a.com\n", "key 'competitors'"),
        ("site: {domain: x.com}\nthresholds: {exact_match_max_share: 3}\n", "thresholds.exact_match_max_share"),
        ("site: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    assert message in str(error.value)
    assert "sites.yml" in str(error.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.yml")
