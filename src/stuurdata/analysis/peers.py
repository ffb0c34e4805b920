"""Compare the municipality with peers: a funnel of Wmo clients per 1,000 per gemeente.

Peers come from the warehouse itself when it holds at least three municipalities (a region
loading together: same definitions, same moment), else from CBS: the GMSD-style table of
Wmo clients per gemeente, narrowed to municipalities of similar size and urbanity
(``funnel.gemeente_peers``), with the national figure beside them. The rates are placed in
a funnel (``funnel.funnel``) around the peers' pooled rate, the gemeente itself left out of
that mean, so a small municipality is not called different for what chance gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from stuurdata.analysis.funnel import funnel, gemeente_peers
from stuurdata.sources.cbs import (
    KERNCIJFERS,
    SNAPSHOT_DIR,
    WMO_GEMEENTEN,
    CbsError,
    CbsTable,
    cache_dirs,
    cached_tables,
    load_table,
    select_period,
)
from stuurdata.sources.cbs_columns import KWB_TABELLEN, kerncijfers, wmo_clienten

INDICATOR = "clienten_per_1000_wmo"
MINIMUM = 3
WMO_CLIENTEN = "86050NED"  # real CBS table: Wmo clients per gemeente (GMSD)


def kerncijfers_for(gemeentecode: str, dirs: Sequence[Path]) -> pd.DataFrame:
    """Kerncijfers (Codering, Naam, AantalInwoners[, Stedelijkheid]) of the gemeenten.

    GM99xx reads the synthetic snapshot; a real gemeente reads the newest real KWB table
    (``KWB_TABELLEN``, one per year) in the cache, columns found by stem so every year works.
    The frame's ``attrs["jaar"]`` is the KWB year (None for the synthetic snapshot).
    """
    jaar: int | None = None
    if gemeentecode.startswith("GM99"):
        table = load_table(KERNCIJFERS, dirs)
    else:
        present = set(cached_tables(dirs))
        years = [y for y, t in sorted(KWB_TABELLEN.items()) if t in present]
        if not years:
            ids = ", ".join(f"{t} ({y})" for y, t in sorted(KWB_TABELLEN.items()))
            raise CbsError(
                "Geen CBS-tabel 'Kerncijfers wijken en buurten' in de cache. Haal er één op "
                f"met `stuurdata domein cbs <tabel>`; per jaar: {ids}."
            )
        jaar = years[-1]
        table = load_table(KWB_TABELLEN[jaar], dirs)
    frame, _dropped = kerncijfers(table)
    out = select_period(
        CbsTable(table.tabel, table.titel, frame, table.synthetisch, table.bron)
    ).drop_duplicates("Codering")
    out.attrs["jaar"] = jaar
    return out


def own_rates(indicators: pd.DataFrame, indicator: str = INDICATOR) -> pd.DataFrame:
    """Gemeente rows ``eenheid, teller, noemer, periode`` of the newest year in the frame.

    ``indicators`` is the internal (unrounded) frame; only years every gemeente has count.
    """
    rows = indicators[
        (indicators["indicator"] == indicator)
        & (indicators["niveau"] == "gemeente")
        & (indicators["periodesoort"] == "jaar")
        & indicators["noemer"].notna()
    ]
    if rows.empty:
        return pd.DataFrame(columns=["eenheid", "teller", "noemer", "periode"])
    per_year = rows.groupby("periode")["gebiedscode"].nunique()
    full = per_year[per_year == per_year.max()].index
    # The newest year with all municipalities; the last year is usually incomplete, so
    # prefer the year before it when it has the same coverage.
    years = sorted(str(p) for p in full)
    chosen = years[-2] if len(years) > 1 else years[-1]
    rows = rows[rows["periode"].astype(str) == chosen]
    return pd.DataFrame(
        {
            "eenheid": rows["gebiedscode"].to_numpy(),
            "teller": rows["teller"].to_numpy(dtype="float64"),
            "noemer": rows["noemer"].to_numpy(dtype="float64"),
            "periode": chosen,
        }
    )


def peer_rates(
    gemeentecode: str,
    indicators: pd.DataFrame | None,
    cbs_cache: Path | Sequence[Path] | None,
) -> tuple[pd.DataFrame, str]:
    """Rows ``eenheid, naam, teller, noemer, periode, rol`` and a Dutch note (unprotected).

    ``rol``: ``eigen`` (the gemeente), ``regio`` (the other gemeenten in this warehouse, when
    there are at least ``MINIMUM``), ``vergelijkbaar`` (CBS peers of similar size and
    urbanity) or ``nederland``. Raises ``CbsError`` when the warehouse has too few
    municipalities and the CBS tables are not available.
    """
    own = own_rates(indicators) if indicators is not None else pd.DataFrame()
    if len(own) >= MINIMUM and gemeentecode in set(own["eenheid"]):
        note = (
            f"Vergeleken met de andere {len(own) - 1} gemeenten in dit pakhuis (de regio), met "
            f"dezelfde definities ({own['periode'].iloc[0]}). Het gemiddelde van de regio telt "
            "de eigen gemeente niet mee."
        )
        rol = ["eigen" if c == gemeentecode else "regio" for c in own["eenheid"]]
        return own.assign(naam=own["eenheid"], rol=rol), note
    dirs = cache_dirs(cbs_cache)
    if gemeentecode.startswith("GM99"):
        # A synthetic municipality's own folder holds only itself; its synthetic peers are
        # in the bundled snapshot. Never mixed into a real municipality's comparison.
        dirs.append(SNAPSHOT_DIR)
    kern = kerncijfers_for(gemeentecode, dirs)
    wmo_note = ""
    if gemeentecode.startswith("GM99"):
        wmo = select_period(load_table(WMO_GEMEENTEN, dirs)).drop_duplicates("Codering")
    else:
        wmo, wmo_note = wmo_clienten(load_table(WMO_CLIENTEN, dirs), kern, kern.attrs["jaar"])
        wmo_note = " " + wmo_note
    data, note = gemeente_peers(gemeentecode, kern, wmo)
    periode = str(wmo["Perioden"].iloc[0])[:4] if "Perioden" in wmo and len(wmo) else ""
    names = dict(zip(kern["Codering"].astype(str), kern["Naam"].astype(str), strict=True))
    names["NL00"] = "Nederland"
    out = data.assign(periode=periode, naam=data["eenheid"].map(names).fillna(data["eenheid"]))
    out = out[["eenheid", "naam", "teller", "noemer", "periode", "rol"]].reset_index(drop=True)
    return out, note + wmo_note + " Bron: CBS (cijfers volgens de GMSD-definitie)."


def peer_funnel(
    gemeentecode: str,
    indicators: pd.DataFrame | None,
    cbs_cache: Path | Sequence[Path] | None,
) -> tuple[pd.DataFrame, str]:
    """The gemeente and its peers in a funnel around the peers' pooled rate (unprotected).

    The reference excludes the gemeente itself and the national row; the frame has
    ``eenheid, naam, teller, noemer, periode, rol`` plus the funnel's columns.
    """
    rates, note = peer_rates(gemeentecode, indicators, cbs_cache)
    rows = rates[rates["rol"] != "nederland"].reset_index(drop=True)
    peers = rows[rows["rol"] != "eigen"]
    if peers.empty:
        return rows.assign(waarde=float("nan"), oordeel="geen cijfer"), note
    p0 = float(peers["teller"].sum() / peers["noemer"].sum())
    return funnel(rows, doel=p0), note
