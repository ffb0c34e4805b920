"""CBS open data (StatLine) through cbsodata, with a local cache that works fully offline.

A table is downloaded once with ``cbsodata`` and kept in the cache folder::

    <cache>/<tabel-id>/meta.json   TableInfos, DataProperties, where it came from and when
    <cache>/<tabel-id>/data.json   the records as cbsodata.get_data returns them

Every later read comes from the cache; ``offline=True`` never touches the network and says in
Dutch what to fetch when a table is missing. Several cache folders can be read at once (e.g.
one per synthetic municipality): their records are combined.

The bundled snapshot (``cbs_snapshot/``) is **synthetic**: tables in the cbsodata format for
the synthetic municipalities GM9901-GM9903, made by ``stuurdata.synth``. Its table ids end in
``SYN`` so they can never be mistaken for real StatLine tables, and ``meta.json`` says
``"synthetisch": true``. Real tables (e.g. 86050NED, Wmo-cliënten per gemeente, GMSD) are
fetched with ``load_table("86050NED")`` on a machine with internet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

SNAPSHOT_DIR = Path(__file__).parent / "cbs_snapshot"
ENV_CACHE = "STUURDATA_CBS_CACHE"

# The synthetic tables the generator writes and the analyses read by default.
KERNCIJFERS = "99KWBSYN"  # population, households, urbanity per gemeente and wijk
LAAG_INKOMEN = "99MINSYN"  # households up to 110/120% of the social minimum per wijk
WMO_GEMEENTEN = "99WMOSYN"  # Wmo clients per gemeente (GMSD-style)


class CbsError(Exception):
    """A table or period is missing or CBS is unreachable; the message is Dutch."""


@dataclass(frozen=True, slots=True)
class CbsTable:
    """A table read from the cache: records plus where they came from."""

    tabel: str
    titel: str
    data: pd.DataFrame
    synthetisch: bool
    bron: str


def default_cache() -> Path:
    """``STUURDATA_CBS_CACHE`` or ``~/.cache/stuurdata/cbs``."""
    env = os.environ.get(ENV_CACHE)
    return Path(env) if env else Path.home() / ".cache" / "stuurdata" / "cbs"


def cache_dirs(cache: Path | Sequence[Path] | None) -> list[Path]:
    """The cache folder(s) as a list; None means the default cache."""
    if cache is None:
        return [default_cache()]
    if isinstance(cache, str | Path):
        return [Path(cache)]
    return [Path(c) for c in cache]


def cached_tables(cache: Path | Sequence[Path] | None = None) -> list[str]:
    """Table ids present in the cache folder(s), sorted."""
    return sorted(
        {p.parent.name for d in cache_dirs(cache) if d.is_dir() for p in d.glob("*/meta.json")}
    )


def write_table(
    cache: Path,
    tabel: str,
    records: Iterable[dict[str, Any]],
    *,
    titel: str,
    properties: Sequence[dict[str, Any]] = (),
    synthetisch: bool,
    bron: str,
) -> Path:
    """Store a table in the cache layout (used for downloads and for synthetic snapshots)."""
    folder = Path(cache) / tabel
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "TableInfos": {"Identifier": tabel, "Title": titel},
        "DataProperties": list(properties),
        "synthetisch": synthetisch,
        "bron": bron,
        "opgehaald": datetime.now().replace(microsecond=0).isoformat() if not synthetisch else None,
    }
    (folder / "meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (folder / "data.json").write_text(
        json.dumps(list(records), ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    return folder


def download_table(tabel: str, cache: Path | None = None) -> Path:
    """Fetch a StatLine table with cbsodata into the cache (needs internet)."""
    import cbsodata
    import requests

    target = Path(cache) if cache is not None else default_cache()
    try:
        info = cbsodata.get_info(tabel)
        props = cbsodata.get_meta(tabel, "DataProperties")
        records = cbsodata.get_data(tabel)
    except requests.HTTPError as exc:
        # cbsodata re-raises without the response; the original error is the cause.
        cause = exc.__cause__ if isinstance(exc.__cause__, requests.HTTPError) else exc
        status = cause.response.status_code if cause.response is not None else None
        if status == 404:
            raise CbsError(f"Tabel {tabel} bestaat niet bij CBS StatLine.") from exc
        raise CbsError(f"CBS gaf een fout bij tabel {tabel} (HTTP {status}).") from exc
    except requests.RequestException as exc:
        raise CbsError(
            f"CBS is niet bereikbaar voor tabel {tabel}. Werk offline met de cache "
            f"of probeer het later opnieuw."
        ) from exc
    return write_table(
        target,
        tabel,
        records,
        titel=str(info.get("Title", tabel)),
        properties=props,
        synthetisch=False,
        bron="CBS StatLine via cbsodata",
    )


def _strip(frame: pd.DataFrame) -> pd.DataFrame:
    """CBS pads region codes with spaces ("GM0363    "); strip every text column."""
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) else v)
    return frame


def load_table(
    tabel: str, cache: Path | Sequence[Path] | None = None, *, offline: bool = True
) -> CbsTable:
    """A table from the cache folder(s); downloaded first when missing and not ``offline``."""
    dirs = cache_dirs(cache)
    found = [d / tabel for d in dirs if (d / tabel / "meta.json").is_file()]
    if not found:
        if offline:
            waar = ", ".join(str(d) for d in dirs)
            raise CbsError(
                f"Tabel {tabel} staat niet in de CBS-cache ({waar}). Haal hem eerst op met "
                f"`stuurdata domein cbs {tabel}` op een computer met internet."
            )
        found = [download_table(tabel, dirs[0])]
    frames, metas = [], []
    for folder in found:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        records = json.loads((folder / "data.json").read_text(encoding="utf-8"))
        metas.append(meta)
        frames.append(pd.DataFrame.from_records(records))
    data = _strip(pd.concat(frames, ignore_index=True)).drop_duplicates(ignore_index=True)
    return CbsTable(
        tabel=tabel,
        titel=str(metas[0]["TableInfos"].get("Title", tabel)),
        data=data,
        synthetisch=any(bool(m.get("synthetisch")) for m in metas),
        bron="; ".join(sorted({str(m.get("bron", "")) for m in metas})),
    )


def select_period(table: CbsTable, periode: str | None = None) -> pd.DataFrame:
    """The rows of one period (``2024JJ00``); the latest when ``periode`` is None."""
    if "Perioden" not in table.data.columns:
        return table.data
    available = sorted(table.data["Perioden"].dropna().unique())
    if not available:
        raise CbsError(f"Tabel {table.tabel} bevat geen perioden.")
    chosen = periode or available[-1]
    if chosen not in available:
        raise CbsError(
            f"Periode {chosen} komt niet voor in tabel {table.tabel}; "
            f"beschikbaar: {', '.join(available)}."
        )
    return table.data[table.data["Perioden"] == chosen].reset_index(drop=True)


def year_period(year: int) -> str:
    """The StatLine code of a calendar year: 2024 -> ``2024JJ00``."""
    return f"{year}JJ00"


__all__ = [
    "KERNCIJFERS",
    "LAAG_INKOMEN",
    "SNAPSHOT_DIR",
    "WMO_GEMEENTEN",
    "CbsError",
    "CbsTable",
    "cached_tables",
    "default_cache",
    "download_table",
    "load_table",
    "select_period",
    "write_table",
    "year_period",
]
