"""Lay the simulated world out as a user's inbox: which export of which tool goes to which file name.

File names follow the vendors' own patterns  and carry the snapshot date where
the vendor puts one. Semrush backlink exports have no date in their name (`<domain>-backlinks.csv`),
so they sit in a dated folder (`semrush/2026-09-01/…`) for the human reader, and their contents
imply the date too: the newest `Last seen` of each file is its snapshot date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from dagster_project.samplegen import ledger, mentions, rankings, writers
from dagster_project.samplegen import vocab as V
from dagster_project.samplegen.files import snapshot_mtime, write_bytes
from dagster_project.samplegen.views import observe
from dagster_project.samplegen.world import World, build_world

AUG, SEP, OCT = V.SNAPSHOTS
_EXPORT_TIMES = ("09-14-03", "08-52-41", "10-03-17", "10-11-52", "10-15-06", "10-18-30")
# Majestic: a row with too few columns (an unquoted comma in the anchor), as seen in real exports.
MAJESTIC_BROKEN_ROW = (
    "https://www.knifecraft.co.uk/,http://old-forum.knifenerds.net/viewtopic.php?t=88,KnifeCraft, Sheffield,2026-08-28"
)


def _space_in_one_url(obs: pl.DataFrame) -> pl.DataFrame:
    """Majestic keeps a source URL with a literal space: turn the hyphens of one path into spaces."""
    origin = r"^[^/]*//[^/]+"
    path = pl.col("source_url").str.replace(origin, "")
    hyphenated = path.str.contains("-", literal=True)
    row = hyphenated & (hyphenated.cum_sum() == 1)  # the first row whose path has a hyphen
    spaced = pl.col("source_url").str.extract(f"({origin})", 1) + path.str.replace_all("-", " ")
    return obs.with_columns(source_url=pl.when(row).then(spaced).otherwise("source_url"))


def _gsc_rows(world: World, snapshot: dt.date) -> pl.DataFrame:
    """GSC lists linking pages, including a few of the site's own (to be filtered out downstream)."""
    obs = observe(world, "gsc", V.SITE, snapshot).select("source_url", "last_seen")
    own = [
        V.BASE_URL[V.SITE] + p
        for p in ("/blog/knife-care-guide", "/blog/how-to-choose-a-chef-knife", "/pages/about-us")
    ]
    newest = obs["last_seen"].max() if obs.height else dt.datetime(snapshot.year, snapshot.month, snapshot.day)
    internal = pl.DataFrame(
        {"source_url": own, "last_seen": [newest - dt.timedelta(days=i * 3) for i in range(len(own))]},
        schema={"source_url": pl.String, "last_seen": pl.Datetime("us")},
    )
    return pl.concat([obs, internal])


def backlink_files(world: World, out: Path) -> list[Path]:
    site = V.SITE
    bladeworks, chefsedge, sharpstore = V.COMPETITORS
    files: list[Path] = []

    def put(rel: str, data: bytes, day: dt.date) -> None:
        files.append(write_bytes(out / rel, data, mtime=snapshot_mtime(day)))

    # Ahrefs: three monthly snapshots of the site, one of each competitor (one in the UTF-8 variant,
    # one from a German-locale account with decimal-comma UR).
    for day, t in zip(V.SNAPSHOTS, _EXPORT_TIMES):
        put(
            f"ahrefs/{site}-backlinks-subdomains_{day}_{t}.csv",
            writers.ahrefs_backlinks(observe(world, "ahrefs", site, day)),
            day,
        )
    # Ahrefs broken backlinks of the site on the last snapshot: the live links to its pages that
    # answer 4xx/5xx (V.BROKEN_PAGES), as Ahrefs checked them the night before
    put(
        f"ahrefs/{site}-broken-backlinks-subdomains_{OCT}_10-25-40.csv",
        writers.ahrefs_broken_backlinks(
            observe(world, "ahrefs", site, OCT),
            V.BROKEN_PAGES,
            dt.datetime(OCT.year, OCT.month, OCT.day) - dt.timedelta(hours=5),
        ),
        OCT,
    )
    put(
        f"ahrefs/{bladeworks}-backlinks-subdomains_{OCT}_{_EXPORT_TIMES[3]}.csv",
        writers.ahrefs_backlinks(observe(world, "ahrefs", bladeworks, OCT), utf16=False, iso_dates=True),
        OCT,
    )
    put(
        f"ahrefs/{chefsedge}-backlinks-subdomains_{OCT}_{_EXPORT_TIMES[4]}.csv",
        writers.ahrefs_backlinks(observe(world, "ahrefs", chefsedge, OCT), decimal_comma=True),
        OCT,
    )
    # the site's referring domains on the last snapshot (DR, spam flag, link counts; no IPs)
    put(
        f"ahrefs/{site}-refdomains-subdomains_{OCT}_{_EXPORT_TIMES[2]}.csv",
        writers.ahrefs_refdomains(observe(world, "ahrefs", site, OCT)),
        OCT,
    )
    put(
        f"ahrefs/{sharpstore}-backlinks-subdomains_{OCT}_{_EXPORT_TIMES[5]}.csv",
        writers.ahrefs_backlinks(observe(world, "ahrefs", sharpstore, OCT)),
        OCT,
    )

    # Semrush: dated folders (the names carry no date); one legacy 15-column competitor export;
    # the site's Backlink Audit on the last snapshot; the site's referring domains with their IPs
    # on every snapshot (the toxic cluster shares one /24).
    for day in V.SNAPSHOTS:
        put(f"semrush/{day}/{site}-backlinks.csv", writers.semrush_backlinks(observe(world, "semrush", site, day)), day)
        for comp in V.COMPETITORS:
            legacy = comp == chefsedge and day == AUG
            put(
                f"semrush/{day}/{comp}-backlinks.csv",
                writers.semrush_backlinks(observe(world, "semrush", comp, day), legacy=legacy),
                day,
            )
    live = observe(world, "semrush", site, OCT).filter(~pl.col("lost_link"))
    put(f"semrush/{OCT}/{site}-backlink_audit.csv", writers.semrush_audit(live), OCT)
    for day in V.SNAPSHOTS:
        live = observe(world, "semrush", site, day).filter(~pl.col("lost_link"))
        put(f"semrush/{day}/{site}-backlinks_refdomains.csv", writers.semrush_refdomains(live), day)

    # Majestic: the September file has a broken row, the October one a source URL with a space.
    for day in V.SNAPSHOTS:
        obs = observe(world, "majestic", site, day)
        obs = _space_in_one_url(obs) if day == OCT else obs
        put(
            f"majestic/{site}_backlinks_fresh_{day}.csv",
            writers.majestic_backlinks(obs, broken_row=MAJESTIC_BROKEN_ROW if day == SEP else None),
            day,
        )
        for comp in V.COMPETITORS:
            put(
                f"majestic/{comp}_backlinks_fresh_{day}.csv",
                writers.majestic_backlinks(observe(world, "majestic", comp, day)),
                day,
            )

    # Moz: preamble, scheme-less URLs, consecutive duplicates.
    for day in V.SNAPSHOTS:
        put(
            f"moz/{site}-inbound-links-{day}.csv",
            writers.moz_inbound_links(observe(world, "moz", site, day), target=site, export_date=day),
            day,
        )
        for comp in (bladeworks, sharpstore):
            put(
                f"moz/{comp}-inbound-links-{day}.csv",
                writers.moz_inbound_links(observe(world, "moz", comp, day), target=comp, export_date=day),
                day,
            )

    # GSC Latest links: in the folder named after the property; English (ISO, then `Sep 15, 2026`) and Spanish.
    for day, lang, style in ((AUG, "en", "iso"), (SEP, "es", "iso"), (OCT, "en", "us")):
        put(
            f"{site}/gsc-latest-links-{day}.csv",
            writers.gsc_latest_links(_gsc_rows(world, day), lang=lang, date_style=style),
            day,
        )
    return files


def generate_inbox(out_dir: Path, scale: float = 1.0, seed: int = 7) -> list[Path]:
    """Write the whole simulated inbox (backlinks, mentions, rankings) under `out_dir`; return the files, sorted.

    Same (scale, seed) -> byte-identical files. Existing files of the same names are overwritten;
    nothing else in `out_dir` is touched.
    """
    out_dir = Path(out_dir)
    world = build_world(scale=scale, seed=seed)
    files = backlink_files(world, out_dir)
    files += mentions.mention_files(world, out_dir)
    files += rankings.ranking_files(world, out_dir)
    # the team's link-building ledger, as saved from its spreadsheet at the last snapshot
    files.append(
        write_bytes(
            out_dir / "ledger" / "knifecraft-link-building.csv", ledger.ledger_csv(world), mtime=snapshot_mtime(OCT)
        )
    )
    return sorted(files)
