"""The report's charts as Vega-Lite specifications (plain dicts: JSON in, SVG drawn by the
browser with the Vega libraries inlined in the page). One function per chart; each returns None
when there is nothing to draw, and the section then says so.

Data goes into each spec as inline values (dates as ISO strings, drawn in UTC so a date never
shifts with the reader's time zone). Text from exports is only ever data here: Vega draws it as
SVG text nodes and its tooltips escape it.
"""

from __future__ import annotations

import polars as pl

from dagster_project.report.data import ANCHOR_CLASSES, ReportData

SITE_COLOUR = "#d9480f"
COMPETITOR_COLOURS = ["#1971c2", "#2f9e44", "#7048e8", "#868e96", "#0c8599", "#c2255c", "#e8590c", "#5c7cfa"]
NEW_COLOUR, LOST_COLOUR, SPIKE_COLOUR = "#2f9e44", "#e03131", "#f59f00"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
LABELS = {c: c.replace("_", " ") for c in ANCHOR_CLASSES}

CONFIG = {
    "font": FONT,
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal", "gridColor": "#eceff1"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top"},
    "header": {"labelFontSize": 13, "labelFontWeight": "bold"},
    "view": {"stroke": None},
}


def _values(frame: pl.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: dates and timestamps as ISO text."""
    return frame.with_columns(pl.col(pl.Date, pl.Datetime).dt.to_string("%Y-%m-%d")).to_dicts()


def site_colours(data: ReportData) -> dict:
    sites = [data.site, *data.competitors]
    colours = [SITE_COLOUR, *(COMPETITOR_COLOURS * (1 + len(sites) // len(COMPETITOR_COLOURS)))][: len(sites)]
    return {"domain": sites, "range": colours}


def _colour(data: ReportData) -> dict:
    return {"field": "site_domain", "type": "nominal", "title": None, "scale": site_colours(data)}


def _spec(**spec) -> dict:
    return {"config": CONFIG, "background": "white", **spec}


def referring_domains(data: ReportData) -> dict | None:
    frame = data.referring_domains
    if not frame.height:
        return None
    rows = _values(
        frame.with_columns(
            role=pl.when(pl.col("site_domain") == data.site).then(pl.lit("site")).otherwise(pl.lit("competitor"))
        )
    )
    axis = {"format": "%d %b %Y", "labelAngle": 0}
    dates = frame["snapshot_date"].unique().sort()
    if dates.len() <= 12:  # a tick on each snapshot, not on arbitrary days between them
        axis["values"] = [{"year": d.year, "month": d.month, "date": d.day, "utc": True} for d in dates]
    return _spec(
        data={"values": rows},
        width="container",
        height=280,
        mark={"type": "line", "point": {"size": 60, "filled": True}},
        encoding={
            "x": {
                "field": "snapshot_date",
                "type": "temporal",
                "timeUnit": "utcyearmonthdate",
                "title": "Snapshot",
                "axis": axis,
            },
            "y": {"field": "referring_domains", "type": "quantitative", "title": "Referring domains (live)"},
            "color": _colour(data),
            "strokeWidth": {"condition": {"test": "datum.role === 'site'", "value": 3.5}, "value": 1.8},
            "tooltip": [
                {"field": "site_domain", "title": "site"},
                {"field": "snapshot_date", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": "snapshot"},
                {"field": "referring_domains", "title": "referring domains"},
                {"field": "live_links", "title": "live links"},
            ],
        },
    )


def velocity(data: ReportData, width: int = 980) -> dict | None:
    frame = data.velocity
    if not frame.height:
        return None
    weeks = max(frame["week"].n_unique(), 1)
    bar_size = max(1.0, min(12.0, 0.7 * width / weeks))
    tooltip = [
        {"field": "site_domain", "title": "site"},
        {"field": "week", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": "week of"},
        {"field": "new", "title": "new referring domains"},
        {"field": "lost_count", "title": "lost referring domains"},
        {"field": "robust_z", "title": "robust z (new)", "format": ".1f"},
    ]
    x = {
        "field": "week",
        "type": "temporal",
        "timeUnit": "utcyearmonthdate",
        "title": None,
        "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": "month"},
    }
    return _spec(
        data={"values": _values(frame.with_columns(lost_count=-pl.col("lost")))},
        facet={
            "row": {
                "field": "site_domain",
                "type": "nominal",
                "sort": [data.site, *data.competitors],
                "title": None,
                "header": {"labelAngle": 0, "labelOrient": "top", "labelAnchor": "start", "labelAlign": "left"},
            }
        },
        resolve={"scale": {"y": "independent"}},
        spec={
            "width": width,
            "height": 110,
            "layer": [
                {
                    "transform": [{"fold": ["new", "lost"], "as": ["kind", "domains"]}],
                    "mark": {"type": "bar", "size": bar_size},
                    "encoding": {
                        "x": x,
                        "y": {"field": "domains", "type": "quantitative", "title": "domains / week"},
                        "color": {
                            "field": "kind",
                            "type": "nominal",
                            "title": None,
                            "scale": {"domain": ["new", "lost"], "range": [NEW_COLOUR, LOST_COLOUR]},
                        },
                        "tooltip": tooltip,
                    },
                },
                {
                    "transform": [{"filter": "datum.is_spike"}],
                    "mark": {
                        "type": "point",
                        "shape": "triangle-down",
                        "filled": True,
                        "size": 140,
                        "color": SPIKE_COLOUR,
                        "stroke": "#5c3c00",
                        "strokeWidth": 1,
                        "yOffset": -10,
                    },
                    "encoding": {"x": x, "y": {"field": "new", "type": "quantitative"}, "tooltip": tooltip},
                },
                {
                    "transform": [{"filter": "datum.is_loss_spike"}],
                    "mark": {
                        "type": "point",
                        "shape": "triangle-up",
                        "filled": True,
                        "size": 140,
                        "color": SPIKE_COLOUR,
                        "stroke": "#5c3c00",
                        "strokeWidth": 1,
                        "yOffset": 10,
                    },
                    "encoding": {"x": x, "y": {"field": "lost", "type": "quantitative"}, "tooltip": tooltip},
                },
            ],
        },
    )


def anchors(data: ReportData) -> dict | None:
    frame = data.anchors
    if not frame.height:
        return None
    order = [LABELS[c] for c in ANCHOR_CLASSES]
    rows = _values(
        frame.with_columns(anchor=pl.col("anchor_class").replace_strict(LABELS, default=pl.col("anchor_class")))
    )
    ranges = [
        {"anchor": LABELS[r.anchor_class], "low": r.low, "high": r.high, "rule": r.rule} for r in data.anchor_ranges
    ]
    top = max(0.65, float(frame["share"].max() or 0) + 0.05)
    y = {"field": "anchor", "type": "nominal", "sort": order, "title": None}
    x_scale = {"domain": [0, min(1.0, top)], "nice": False}
    return _spec(
        width="container",
        height=420,
        layer=[
            {
                "data": {"values": ranges},
                "mark": {"type": "rect", "color": "#d3f9d8", "clip": True},
                "encoding": {
                    "y": y,
                    "x": {"field": "low", "type": "quantitative", "scale": x_scale},
                    "x2": {"field": "high"},
                    "tooltip": [
                        {"field": "anchor", "title": "anchor class"},
                        {"field": "rule", "title": "practitioner range"},
                    ],
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "bar", "height": {"band": 0.85}},
                "encoding": {
                    "y": y,
                    "yOffset": {"field": "site_domain", "type": "nominal", "sort": [data.site, *data.competitors]},
                    "x": {
                        "field": "share",
                        "type": "quantitative",
                        "title": "share of live links (latest snapshot)",
                        "axis": {"format": "%"},
                        "scale": x_scale,
                    },
                    "color": _colour(data),
                    "tooltip": [
                        {"field": "site_domain", "title": "site"},
                        {"field": "anchor", "title": "anchor class"},
                        {"field": "share", "format": ".1%"},
                    ],
                },
            },
        ],
    )


def authority(data: ReportData) -> dict | None:
    frame = data.authority
    if not frame.height:
        return None
    bands = frame.sort("band_start")["band"].unique(maintain_order=True).to_list()
    return _spec(
        data={"values": _values(frame)},
        width="container",
        height=280,
        mark={"type": "bar"},
        encoding={
            "x": {
                "field": "band",
                "type": "ordinal",
                "sort": bands,
                "title": "authority (consensus, 0–100)",
                "axis": {"labelAngle": 0},
            },
            "xOffset": {"field": "site_domain", "type": "nominal", "sort": [data.site, *data.competitors]},
            "y": {
                "field": "share",
                "type": "quantitative",
                "title": "share of live referring domains",
                "axis": {"format": "%"},
            },
            "color": _colour(data),
            "tooltip": [
                {"field": "site_domain", "title": "site"},
                {"field": "band", "title": "authority"},
                {"field": "domains", "title": "referring domains"},
                {"field": "share", "format": ".1%"},
            ],
        },
    )


def topics(data: ReportData) -> dict | None:
    frame = data.topics
    if not frame.height:
        return None
    order = frame["topic"].to_list()  # by coverage gap, widest first
    rows = _values(
        frame.with_columns(
            status=pl.when(pl.col("is_under_covered")).then(pl.lit("under-covered")).otherwise(pl.lit("covered"))
        )
    )
    y = {"field": "topic", "type": "nominal", "sort": order, "title": None}
    tooltip = [
        {"field": "topic"},
        {"field": "share", "title": f"{data.site} share", "format": ".1%"},
        {"field": "competitor_median_share", "title": "competitors' median", "format": ".1%"},
        {"field": "referring_domains", "title": "referring domains"},
    ]
    return _spec(
        data={"values": rows},
        width="container",
        height={"step": 30},
        layer=[
            {
                "mark": {"type": "bar", "height": {"band": 0.6}},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "share",
                        "type": "quantitative",
                        "title": "share of referring domains",
                        "axis": {"format": "%"},
                    },
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "title": f"{data.site}",
                        "scale": {"domain": ["covered", "under-covered"], "range": ["#ffa94d", "#c92a2a"]},
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "tick", "color": "#212529", "thickness": 3, "bandSize": 22},
                "encoding": {
                    "y": y,
                    "x": {"field": "competitor_median_share", "type": "quantitative"},
                    "tooltip": tooltip,
                },
            },
        ],
    )


def disavow_signals(data: ReportData) -> dict | None:
    frame = data.disavow_signals
    if not frame.height:
        return None
    return _spec(
        data={"values": _values(frame)},
        width="container",
        height={"step": 24},
        mark={"type": "bar", "color": "#868e96"},
        encoding={
            "y": {"field": "signal", "type": "nominal", "sort": "-x", "title": None, "axis": {"labelLimit": 320}},
            "x": {
                "field": "candidates",
                "type": "quantitative",
                "title": "candidates with this signal",
                "axis": {"tickMinStep": 1},
            },
            "tooltip": [{"field": "signal"}, {"field": "candidates"}],
        },
    )


def all_charts(data: ReportData) -> dict[str, dict | None]:
    """Chart id (the element it is drawn in) -> spec, in page order."""
    return {
        "chart-referring-domains": referring_domains(data),
        "chart-velocity": velocity(data),
        "chart-anchors": anchors(data),
        "chart-authority": authority(data),
        "chart-topics": topics(data),
        "chart-disavow": disavow_signals(data),
    }
