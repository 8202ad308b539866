"""The report as one self-contained HTML file: a Jinja2 template with autoescape (every piece of
text from an export is escaped where it lands), the chart specs as JSON inside a
`<script type="application/json">` block, and the Vega, Vega-Lite and vega-embed libraries inlined
from `vl-convert-python`, so the page works offline and fetches nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import jinja2

from dagster_project.report import charts
from dagster_project.report.data import ReportData

TEMPLATES = Path(__file__).parent / "templates"


def json_for_script(value) -> str:
    """JSON that is safe inside an HTML <script> element: `<`, `>` and `&` become \\u escapes (so
    neither `</script>` nor `<!--` can appear), as do the line separators JavaScript rejects."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


@functools.cache
def vega_javascript() -> str:
    """Vega + Vega-Lite + vega-embed as one script (vl-convert-python bundles the versions it
    ships; ~0.9 MB). Checked to be inert inside a <script> element."""
    import vl_convert

    bundle = vl_convert.javascript_bundle()
    bundle = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)
    if re.search(r"<!--|<script", bundle, flags=re.IGNORECASE):
        raise RuntimeError("the Vega bundle contains '<!--' or '<script': it cannot be inlined safely")
    return bundle


def http_url(value) -> str | None:
    """The URL when it is an http(s) URL (then it may become a link), else None: a `javascript:`
    or `data:` URL from an export must never be clickable."""
    if isinstance(value, str) and re.match(r"(?i)^https?://", value.strip()):
        return value.strip()
    return None


def _pct(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def _num(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _signed(value) -> str:
    if value is None:
        return "–"
    return f"{value:+,}" if isinstance(value, int) else f"{value:+,.1f}"


def _date(value) -> str:
    return "–" if value is None else value.strftime("%d %b %Y")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every {{ }} is HTML-escaped unless explicitly marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_pct, num=_num, signed=_signed, date=_date, http_url=http_url)
    return env


def kpis(data: ReportData) -> list[dict]:
    """The headline figures for the site: label, value, and a note with its tone (up/down)."""
    since = f"since {_date(data.previous_snapshot)}" if data.previous_snapshot else "no earlier snapshot"
    site_row = data.changes.filter(data.changes["site_domain"] == data.site).to_dicts() if data.changes.height else []
    if site_row:
        row = site_row[0]
        change = row["rd_change"] or 0
        referring = {
            "label": "referring domains",
            "value": _num(row["rd_after"]),
            "note": f"{_signed(change)} {since}",
            "tone": "up" if change > 0 else ("down" if change < 0 else ""),
        }
    else:
        latest = (
            data.referring_domains.filter(data.referring_domains["site_domain"] == data.site)
            if data.referring_domains.height
            else None
        )
        value = (
            _num(latest.sort("snapshot_date")["referring_domains"][-1]) if latest is not None and latest.height else "–"
        )
        referring = {"label": "referring domains", "value": value, "note": since, "tone": ""}
    flags = (
        data.health_flags.filter(data.health_flags["site_domain"] == data.site)["health_flags"].to_list()
        if data.health_flags.height
        else []
    )
    flag_text = flags[0] if flags and flags[0] else ""
    return [
        referring,
        {"label": "new referring domains", "value": _num(data.new_domain_count), "note": since, "tone": ""},
        {"label": "lost referring domains", "value": _num(data.lost_domain_count), "note": since, "tone": ""},
        {"label": "competitor gaps", "value": _num(data.gap_count), "note": "opportunities", "tone": ""},
        {"label": "unlinked mentions", "value": _num(data.lead_count), "note": "outreach leads", "tone": ""},
        {
            "label": "disavow candidates",
            "value": _num(data.disavow_totals["candidates"]),
            "note": "to review",
            "tone": "",
        },
        {
            "label": "anchor-mix flags",
            "value": str(len(flag_text.split("; "))) if flag_text else "0",
            "note": flag_text or "all in range",
            "tone": "down" if flag_text else "up",
        },
    ]


def flagged_sites(data: ReportData) -> list[dict]:
    if not data.health_flags.height:
        return []
    return data.health_flags.filter(data.health_flags["health_flags"].is_not_null()).to_dicts()


def render(data: ReportData, *, generated_at: dt.datetime, source: str) -> str:
    """The report's HTML for `data` (pure: the same data renders the same page)."""
    specs = charts.all_charts(data)
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            charts={name: spec is not None for name, spec in specs.items()},
            specs_json=json_for_script({name: spec for name, spec in specs.items() if spec is not None}),
            vega_js=vega_javascript(),
            generated_at=generated_at,
            source=source,
            kpis=kpis(data),
            flagged=flagged_sites(data),
            site_colours=dict(zip(*charts.site_colours(data).values(), strict=True)),
        )
    )
