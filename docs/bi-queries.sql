-- Three queries to start with, in any client that opens the warehouse (DuckDB CLI, Superset's
-- SQL Lab, Metabase's native query, Evidence). The README shows them; its tests run them
-- (tests/integration/test_bi_recipes.py). Each query starts at a `-- name:` line.

-- name: top_competitor_gaps
-- Domains that link to competitors and not to the site, best opportunities first.
select source_domain, competitors_linked, competitor_domains, authority, topic, opportunity_score
from marts.competitor_gaps
where is_opportunity
order by opportunity_rank
limit 25;

-- name: referring_domains_over_time
-- Referring domains per snapshot, the site against each competitor.
select snapshot_date, site_domain, site_role, referring_domains, follow_share, branded_share
from marts.profile_diversity
order by snapshot_date, site_role desc, site_domain;

-- name: unlinked_mentions
-- The outreach list: pages that mention the brand on domains with no live link to the site.
select mention_domain, mention_url, title, brand_term, published_at, authority, links_to_competitor, lead_score
from marts.unlinked_mentions
order by lead_rank
limit 25;
