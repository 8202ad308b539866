"""The link-intelligence marts over the bundled sample inbox, which is built to show a competitor
gap (~15 domains linking to >= 2 competitors), a spike week (~40 new referring domains in the
week of 2026-08-17), a toxic cluster (~20 spam domains on .xyz/.top/... TLDs) and an uncovered
topic (sharpening). One refresh per session (conftest.sample_refresh)."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.disavow import render, validate

pytestmark = pytest.mark.e2e

SITE = "knifecraft.co.uk"
COMPETITORS = {"bladeworks.com", "chefsedge.de", "sharpstore.com"}


@pytest.fixture(scope="module")
def q(sample_refresh):
    return sample_refresh.query


def test_profile_diversity_compares_every_site_at_every_snapshot(q):
    rows = q(
        "select site_domain, referring_domains, domain_hhi, domain_gini, tld_entropy, exact_match_share, branded_share"
        " from marts.profile_diversity where is_latest_snapshot"
    )
    assert {r[0] for r in rows} == {SITE, *COMPETITORS}
    for _, domains, hhi, gini, tld_entropy, _, _ in rows:
        assert domains > 50 and 0 < hhi < 1500 and 0 <= gini < 1 and tld_entropy > 1  # diverse, unconcentrated profiles
    exact = {r[0]: r[5] for r in rows}
    # the toxic cluster's money anchors push the site's exact-match share above every competitor's
    assert exact[SITE] > max(exact[c] for c in COMPETITORS)


def test_link_velocity_flags_the_spike_week_and_no_fake_loss_spikes(q):
    spikes = q("select site_domain, period_start, new_referring_domains from marts.link_velocity where is_spike")
    assert [(s, d) for s, d, _ in spikes] == [(SITE, dt.date(2026, 8, 17))]
    assert spikes[0][2] >= 30
    # monthly snapshots reveal absence-losses in one week; they must not look like a loss spike
    assert q("select count(*) from marts.link_velocity where is_loss_spike")[0][0] == 0
    # GSC's 1,000-row sample never makes a link lost by absence
    assert (
        q(
            "select count(*) from marts.fct_backlinks where lost_by = 'gsc' and lost_reason = 'absent_from_later_snapshot'"
        )[0][0]
        == 0
    )


def test_competitor_gaps_rank_the_link_intersect_without_platform_noise(q):
    opportunities = q(
        "select source_domain, competitors_linked, authority, opportunity_rank from marts.competitor_gaps"
        " where site_domain = ? and is_opportunity order by opportunity_rank",
        [SITE],
    )
    assert len(opportunities) >= 15
    assert all(linked >= 2 and authority >= 25 for _, linked, authority, _ in opportunities)
    assert [r[3] for r in opportunities] == list(range(1, len(opportunities) + 1))
    noise = dict(q("select source_domain, is_opportunity from marts.competitor_gaps where platform_kind is not null"))
    assert {"youtube.com", "pinterest.com", "reddit.com"} <= set(noise) and not any(noise.values())


def test_topical_coverage_shows_the_uncovered_sharpening_topic(q):
    rows = q("select site_domain, topic, is_under_covered, coverage_gap from marts.topical_coverage")
    assert {(s, t) for s, t, _, _ in rows} >= {(s, "unassigned") for s in {SITE, *COMPETITORS}}
    site = {t: (under, gap) for s, t, under, gap in rows if s == SITE}
    assert site["sharpening"][0] and site["sharpening"][1] == max(gap for _, gap in site.values())


def test_disavow_candidates_are_the_toxic_cluster_and_make_a_valid_file(q):
    rows = q(
        "select entry, toxicity_score, reasons, first_seen, seen_by_google from marts.disavow_candidates where site_domain = ?",
        [SITE],
    )
    assert 15 <= len(rows) <= 25
    spammy = {"xyz", "top", "click", "icu", "buzz", "online", "site", "loan"}
    assert all(entry.startswith("domain:") and entry.rsplit(".", 1)[1] in spammy for entry, *_ in rows)
    assert not any(e in ("domain:bbc.co.uk", *(f"domain:{d}" for d in {SITE, *COMPETITORS})) for e, *_ in rows)
    # the next-most toxic referring domain of the site is far below the candidates: a clear cut
    below = q(
        "select max(toxicity_score) from marts.dim_referring_domains where site_domain = ?"
        " and source_domain not in (select source_domain from marts.disavow_candidates)",
        [SITE],
    )[0][0]
    assert below < 60 <= min(score for _, score, *_ in rows)
    columns = ["entry", "toxicity_score", "reasons", "first_seen", "seen_by_google"]
    file = render(
        [dict(zip(columns, r, strict=True)) for r in rows],
        site=SITE,
        generated_on=dt.date(2026, 10, 2),
        never=["bbc.co.uk"],
        protected=[SITE, *COMPETITORS],
    )
    assert validate(file.text) == [] and len(file.entries) == len(rows)


def test_authority_is_a_consensus_of_several_tools(q):
    total, scored, multi = q(
        "select count(*), count(authority), count(*) filter (where authority_tools >= 2) from marts.dim_referring_domains"
    )[0]
    assert scored / total > 0.9 and multi / total > 0.5


def test_referring_domains_exports_fill_the_subnet_measures(q):
    # the Semrush referring-domains exports carry the IPs: every snapshot of the site has a /24
    # distribution, and from September the toxic cluster's shared /24 concentrates it
    rows = q(
        "select snapshot_date, subnet_domains, subnets, subnet_entropy from marts.profile_diversity"
        " where site_domain = ? order by snapshot_date",
        [SITE],
    )
    assert [r[0] for r in rows] == [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    assert all(domains > 100 and subnets > 100 and entropy > 4 for _, domains, subnets, entropy in rows)
    assert all(domains > subnets for _, domains, subnets, _ in rows[1:])  # domains sharing a /24
    cluster = q(
        "select category, weight from intermediate.int_profile__domain_weights where site_domain = ?"
        " and dimension = 'subnet' and snapshot_date = '2026-10-01' and weight > 1",
        [SITE],
    )
    assert [c for c, _ in cluster] == ["185.212.47.0/24"] and cluster[0][1] >= 15
    # ...which fires the link-network toxicity signal for every domain of it, with its size
    reasons = q(
        "select source_domain, toxicity_reasons from marts.dim_referring_domains"
        " where site_domain = ? and source_subnet = '185.212.47.0/24'",
        [SITE],
    )
    assert len(reasons) >= 15
    assert all(f"{len(reasons)} referring domains on 185.212.47.0/24 (+20)" in text for _, text in reasons)
    # a domain no referring-domains export lists keeps what its links say: no IP, no /24
    unlisted = q(
        "select count(*), count(source_subnet) from marts.dim_referring_domains where source_domain not in"
        " (select source_domain from staging.stg_raw__referring_domains)"
    )[0]
    assert unlisted[0] > 0 and unlisted[1] == 0


def test_the_sample_shows_the_sites_broken_pages_to_reclaim(sample_refresh, q):
    from dagster_project.samplegen import vocab as V

    rows = q(
        "select regexp_replace(target_url, '^https://[^/]+', ''), http_code, referring_domains, links,"
        " regexp_replace(suggested_redirect, '^https://[^/]+', ''), reclaim_rank"
        " from marts.reclamation_targets where site_domain = ? order by reclaim_rank",
        [SITE],
    )
    assert {(page, code) for page, code, *_ in rows} == set(V.BROKEN_PAGES.items())
    assert [r[5] for r in rows] == [1, 2, 3] and all(
        domains >= 1 and links >= domains for _, _, domains, links, *_ in rows
    )
    redirects = {page: redirect for page, _, _, _, redirect, _ in rows}
    # the closest live page shares the path's first segment; nothing is close to the gift sets page
    assert redirects["/products/santoku-180-vg10"] == "/products/gyuto-210-damascus"
    assert redirects["/collections/outdoor-knives"].startswith("/collections/")
    assert redirects["/gifts/knife-sets"] is None
    # only the site has a broken-backlinks export
    assert q("select count(*) from marts.reclamation_targets where site_domain <> ?", [SITE]) == [(0,)]
    printed = " ".join(sample_refresh.stdout.split())
    links = sum(r[3] for r in rows)
    assert f"pages to reclaim │ {SITE} │ 3 pages answer 4xx/5xx with {links} live links: 301 them" in printed
