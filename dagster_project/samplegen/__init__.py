"""Realistic sample exports: a simulated link world written out in the vendors' exact formats.

    python -m dagster_project.samplegen --out data/sample [--scale N] [--seed S]

`generate_inbox(out_dir, scale=1.0, seed=7)` writes a whole inbox (committed as `data/sample/`,
config `data/sites.yml`); `generate_backlink_rows_file(path, fmt, rows, distinct_hosts, seed)`
writes one benchmark-sized backlinks export (1M rows in a few seconds). Same arguments, same bytes.

The world (`world.py`): knifecraft.co.uk (the site) and three competitors, bladeworks.com,
chefsedge.de and sharpstore.com, with ~520 referring hosts and ~1,100 true links at scale 1. Every
tool sees a partial, lagged, differently spelled view of the same true links (`views.py`); writers (`writers.py`,
`mentions.py`, `rankings.py`) turn a view into the vendor's bytes. Snapshots: 2026-08-01,
2026-09-01, 2026-10-01 for every tool family.

The story the marts should show:
1. Competitor gap — 15 authoritative hosts (DR 45–85, knives/cooking/sharpening) link to 2–3
   competitors and never to the site; 4 platform hosts (youtube, pinterest, reddit, a
   wordpress.com blog) do the same and are noise, not outreach targets.
2. Velocity spike — the week of Mon 2026-08-17: ~24 legitimate new referring domains (a gift-guide
   wave) plus 17 of the toxic cluster, against ~3 new referring domains a week over the 18 months
   of Ahrefs first-seen dates (2025-04 .. 2026-09).
3. Toxic cluster — 20 spam hosts (`cheap-forge-lab745.icu`: spammy TLDs, digits, hyphens), 200–900
   outlinks per page, Moz spam score 60–90, Semrush audit toxicity 70–98, Ahrefs `Is spam`,
   commercial exact-match anchors (`buy chef knife cheap`), all on one /24 (185.212.47.x: only
   the Semrush referring-domains export prints IPs). 17 arrive in
   the spike week, 3 in September; 4 die in September (lost links).
4. Uncovered topic — "sharpening" (whetstone, honing, Messer schleifen…): ~30% of each
   competitor's referring domains, ~1 of the site's; the site does not rank for the cluster.
5. Mentions — KnifeCraft (as `KnifeCraft`, `Knife Craft`, `KNIFECRAFT`, `Knífecraft`, …) on 18
   hosts with no link (leads), on 5 gap hosts (warm leads: they link to competitors), on 6 hosts
   that already link, on reddit/x.com/facebook; plus competitor-brand mentions. Some mentions are
   reported by two tools.
6. Rankings — the pages that gained spike links climb (`chef knife` 18 → 11 → 6 on
   /collections/chef-knives, `damascus chef knife` 31 → 20 → 14); brand terms hold #1; the site
   loses `bushcraft knife`; competitors own the sharpening keywords.
History quirks: ~7% of background links are lost between snapshots (they vanish from the next
export; Ahrefs and Semrush report some of them as lost for a month). One strong link
(the highest-DR shared host) is marked lost by Ahrefs on 2026-09-24 (`notcanonical`) while Semrush,
Majestic and Moz still report it live on 2026-10-01.
Spelling quirks: Majestic prints IDN hosts in punycode and some URLs as http://; Moz drops the
scheme and title-cases some hosts; Semrush appends utm parameters and spells one URL
`HTTP://WWW.KitchenGadgetReview.com:80/…?utm_source=x#top`; one source URL has `@`, one a space.

Inbox layout (file names as the vendors write them):
- `ahrefs/<domain>-backlinks-subdomains_<date>_<time>.csv` (UTF-16LE TSV; bladeworks.com as the
  UTF-8-BOM comma variant with ISO `…Z` dates; chefsedge.de with decimal-comma UR),
  `ahrefs/knifecraft.co.uk-refdomains-subdomains_2026-10-01_…csv` (referring domains, UTF-16LE TSV),
  `ahrefs/knifecraft.co.uk-organic-keywords-subdo_…csv` (comparison mode),
  `ahrefs/knifecraft.co.uk-broken-backlinks-subdomains_2026-10-01_…csv` (the live links to the
  site's three pages that answer 404/410 in October, `vocab.BROKEN_PAGES`: the pages to reclaim).
- `semrush/<date>/<domain>-backlinks.csv` — Semrush names carry no date, so the snapshot is the
  folder for humans and the newest `Last seen` in the file (= the snapshot date) for the loader;
  chefsedge.de in August is the legacy 15-column form; `semrush/2026-10-01/knifecraft.co.uk-backlink_audit.csv`;
  `semrush/<date>/knifecraft.co.uk-backlinks_refdomains.csv` (referring domains with IPs);
  `semrush/<domain>-organic.Positions-<db>-<YYYYMMDD>-<ISO>.csv`;
  `semrush/position_tracking_rankings_overview_knifecraft.co.uk_2026-10-01.csv` (wide).
- `majestic/<domain>_backlinks_fresh_<date>.csv` (September: one broken row; October: a URL with a space).
- `moz/<domain>-inbound-links-<date>.csv` (preamble, consecutive duplicates).
- `knifecraft.co.uk/` — GSC files (no target column: the folder names the property):
  `gsc-latest-links-<date>.csv` (English ISO dates, Spanish headers, English `Oct 1, 2026`),
  `knifecraft.co.uk-Performance-on-Search-2026-10-01.zip`, a Czech `…-cs-Queries.csv`,
  `searchanalytics-query-page-2026-08-01.json` (API rows).
- `ledger/knifecraft-link-building.csv` — the team's link-building ledger (`samplegen/ledger.py`):
  live, now-nofollow, wrong-page, lost, falsely-lost and not-yet-published links.
- `mentions/` — Brand24 xlsx (numeric and word sentiment), Talkwalker CSV, Mention.com CSV,
  Google Alerts Atom `.xml`.
Every file's mtime is set to 09:00 UTC on its snapshot date (git does not keep it).
"""

from dagster_project.samplegen.bigfile import generate_backlink_rows_file
from dagster_project.samplegen.inbox import generate_inbox

__all__ = ["generate_backlink_rows_file", "generate_inbox"]
