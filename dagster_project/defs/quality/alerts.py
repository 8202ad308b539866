"""`marts/lost_links · lost_link_alert`: WARN when the site lost links from authoritative domains.

After dbt built the marts of a refresh (and before publishing: `blocking=True` only orders it
there, while the build copy it reads exists; it never fails with ERROR, so it blocks nothing), it
lists the site's links lost since its previous snapshot whose referring domain's authority is at
least `alerts.lost_link_min_authority` (sites.yml, default 50; changes.lost_link_alert decides).
False losses (a loss another tool contradicts) are not in marts.lost_links, so they never warn.
The metadata names the worst ones, for the UI and for a sensor that notifies on the evaluation
(docs/automation.md, "Notifications").
"""

from __future__ import annotations

import dagster as dg

from dagster_project import changes
from dagster_project import warehouse as wh
from dagster_project.defs.quality import batch
from dagster_project.defs.resources import WarehouseResource

LOST_LINKS = dg.AssetKey(["marts", "lost_links"])
CHECK_NAME = "lost_link_alert"


def check_result(alert: changes.LostLinkAlert) -> dg.AssetCheckResult:
    """The check's verdict on one alert: passed with nothing to report, else WARN with the worst
    lost links in the metadata (as JSON for a sensor, as a table for the UI)."""
    rows = "\n".join(
        f"| {w['source_domain']} | {w['authority']:g} | {w['lost_reason']} | {w['lost_at']} | {w['source_url']} |"
        for w in alert.worst
    )
    table = "| domain | authority | lost reason | lost at | page |\n|---|---|---|---|---|\n" + rows if rows else ""
    return dg.AssetCheckResult(
        passed=alert.passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "reason": alert.reason(),
            "site_domain": alert.site_domain,
            "lost_links": alert.count,
            "lost_link_min_authority": alert.min_authority,
            "since": str(alert.previous_snapshot) if alert.previous_snapshot else "",
            "worst": dg.MetadataValue.json(alert.worst),
            "worst_table": dg.MetadataValue.md(table or "none"),
        },
    )


@dg.asset_check(
    asset=LOST_LINKS,
    name=CHECK_NAME,
    blocking=True,  # for its order only (module doc): it never fails with ERROR
    description=(
        "WARN when the site lost links since its previous snapshot from referring domains with authority >= "
        "alerts.lost_link_min_authority (sites.yml); the metadata lists the most authoritative ones."
    ),
)
def lost_link_alert(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    config = warehouse.load_config()
    path, _ = batch.source(warehouse.paths)
    if path is None:
        return dg.AssetCheckResult(passed=True, metadata={"reason": "no warehouse yet"})
    with wh.connect(path, read_only=True) as con:
        if not (changes.has_table(con, changes.LOST_LINKS) and changes.has_table(con, "marts.profile_diversity")):
            return dg.AssetCheckResult(passed=True, metadata={"reason": "no marts.lost_links yet"})
        alert = changes.lost_link_alert(con, config.site.domain, config.alerts.lost_link_min_authority)
    return check_result(alert)


defs = dg.Definitions(asset_checks=[lost_link_alert])
