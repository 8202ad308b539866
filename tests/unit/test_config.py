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
    config = load_config(write(tmp_path, "site: {domain: ' KnifeCraft.co.uk. '}\ncompetitors: ['Bücher.de.']\n"))
    assert config.site.domain == "knifecraft.co.uk"
    assert config.competitors == ["xn--bcher-kva.de"]


def test_private_suffix_sites_and_subdomain_properties_are_allowed(tmp_path):
    # the PSL's private section makes bestknives.blogspot.com a registrable domain; a subdomain
    # (shop.sharpstore.com) is a property of its own: dbt matches its host and its subdomains only
    config = load_config(
        write(tmp_path, "site: {domain: bestknives.blogspot.com}\ncompetitors: [shop.sharpstore.com, sharpstore.com]\n")
    )
    assert config.site_domains == ["bestknives.blogspot.com", "shop.sharpstore.com", "sharpstore.com"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a URL or a www. host: say which domain was meant
        ("site: {domain: 'https://www.knifecraft.co.uk/'}\n",
         "key 'site.domain': 'https://www.knifecraft.co.uk/' is a URL, not a domain: write knifecraft.co.uk"),
        ("site: {domain: 'HTTPS://KnifeCraft.co.uk/'}\n", "is a URL, not a domain: write knifecraft.co.uk"),
        ("site: {domain: 'knifecraft.co.uk:8080'}\n", "is a URL, not a domain: write knifecraft.co.uk"),
        ("site: {domain: 'knifecraft.co.uk/shop'}\n", "is a URL, not a domain: write knifecraft.co.uk"),
        ("site: {domain: www.knifecraft.co.uk}\n",
         "key 'site.domain': 'www.knifecraft.co.uk' is a host, not the site's domain: write knifecraft.co.uk"),
        ("site: {domain: x.com}\ncompetitors: [bladeworks.com, 'https://shop.sharpstore.com/knives']\n",
         "key 'competitors': 'https://shop.sharpstore.com/knives' is a URL, not a domain: write shop.sharpstore.com"),
        ("site: {domain: x.com}\ncompetitors: [www.chefsedge.de]\n", "'www.chefsedge.de' is a host, not the site's domain: write chefsedge.de"),
        # no site at all
        ("site: {domain: co.uk}\n", "key 'site.domain': 'co.uk' is a public suffix, not a site"),
        ("site: {domain: x.com}\ncompetitors: [blogspot.com]\n", "'blogspot.com' is a public suffix, not a site"),
        # one string where a list is meant
        ("site:\n  domain: knifecraft.co.uk\n  brand: KnifeCraft, Knife Craft\n",
         "key 'site.brand': 'KnifeCraft, Knife Craft' is one brand term with a comma in it: write a list, brand: [KnifeCraft, Knife Craft]"),
        ("site: {domain: x.com}\ncompetitors: bladeworks.com, chefsedge.de\n",
         "key 'competitors': 'bladeworks.com, chefsedge.de' is one string: write a list, competitors: [bladeworks.com, chefsedge.de]"),
        ("site: {domain: x.com}\nkeywords: chef knife, japanese knife\n",
         "key 'keywords': 'chef knife, japanese knife' is one string: write a list, keywords: [chef knife, japanese knife]"),
        ("site: {domain: x.com}\ncompetitors: ['bladeworks.com, chefsedge.de']\n", "holds a comma: one domain per list item"),
        # duplicates
        ("site: {domain: knifecraft.co.uk}\ncompetitors: [bladeworks.com, KnifeCraft.co.uk]\n",
         "key 'competitors': 'KnifeCraft.co.uk' is the site itself (site.domain)"),
        ("site: {domain: x.com}\ncompetitors: [bladeworks.com, chefsedge.de, BladeWorks.com.]\n",
         "key 'competitors': bladeworks.com is listed twice ('bladeworks.com' and 'BladeWorks.com.')"),
    ],
)  # fmt: skip
def test_what_the_warehouse_cannot_use_is_refused_naming_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    assert message in str(error.value)
    assert str(error.value).startswith(f"{tmp_path / 'sites.yml'}: ") and "\n" not in str(error.value)


def test_one_brand_term_may_be_a_string(tmp_path):
    config = load_config(write(tmp_path, "site: {domain: knifecraft.co.uk, brand: KnifeCraft}\n"))
    assert config.site.brand == ["KnifeCraft"]


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
