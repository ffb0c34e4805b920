""" "Integraal beeld" as rows of the publication: stacking, reach, relapse, peers.

The cross-domain analyses (``analysis``) count persons and households in the warehouse;
this module turns their *unprotected* results into rows in the indicator frame's shape, so
they enter ``publiceer``'s one ``protect_with_totals`` call together with the indicators,
under the installation's rule, as linked tables:

* ``stapeling_huishoudens`` (households with at least one domain, per gemeente and wijk) is
  the category total of ``stapeling_huishoudens_per_categorie`` (one category per
  combination of domains, gemeente only): the secondary suppression sees both relations.
  The same for persons (gemeente only). ``stapeling_twee_of_meer_huishoudens`` counts those
  with two or more domains; ``stapeling_aandeel_huishoudens`` is its share, a rate whose
  teller and noemer are those two counts, so it is hidden wherever either is.
* ``stapeling_vierkant_huishoudens`` and ``..._aandeel`` per CBS grid square (levels
  ``vierkant100``/``vierkant500``): primary suppression and rounding only, as CBS does.
* ``huishoudens_minima`` (count) and ``bereik_minima`` (its share of the CBS count of
  low-income households) per wijk and gemeente.
* ``terugval_<wet>``: the share of ended spells that return within a year.
* ``vergelijking_clienten_per_1000_wmo``: Wmo clients per 1,000 of the gemeente, its peers
  (public CBS figures or the region's gemeenten) and the national figure; ``categorie``
  says which is which.

After protection, ``contract_rows`` gives the contract rows (intervals recomputed from the
*rounded* counts) and ``result_from`` rebuilds the chapter's frames from them: the report and
``stuurdata domein integraal`` show only what the publication holds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from stuurdata.analysis.base import Periode, data_end, has_table, last_year
from stuurdata.analysis.funnel import DEFINITIE as FUNNEL_DEF
from stuurdata.analysis.funnel import funnel
from stuurdata.analysis.integraal import Integraal, low_income_table
from stuurdata.analysis.peers import INDICATOR as PEER_INDICATOR
from stuurdata.analysis.peers import peer_rates
from stuurdata.analysis.reach import DEFINITIE as REACH_DEF
from stuurdata.analysis.reach import ratio_interval, reach
from stuurdata.analysis.relapse import DEFINITIE as RELAPSE_DEF
from stuurdata.analysis.relapse import Terugval, relapse, wilson
from stuurdata.analysis.stacking import DEFINITIE as STACKING_DEF
from stuurdata.analysis.stacking import Stapeling, stacking
from stuurdata.publication.contract import COLUMNS
from stuurdata.publication.scope import Scope
from stuurdata.sources.cbs import (
    LAAG_INKOMEN,
    SNAPSHOT_DIR,
    CbsError,
    default_cache,
    load_table,
    select_period,
)

PERIODESOORT = "12 maanden"
WETTEN_TERUGVAL = ("participatiewet", "schuldhulp")
VERGELIJKING = f"vergelijking_{PEER_INDICATOR}"
# The kind of each measure, as the indicator YAML's ``soort`` (what protection rounds).
SOORT: dict[str, str] = {
    "stapeling_huishoudens": "aantal",
    "stapeling_huishoudens_per_categorie": "aantal",
    "stapeling_personen": "aantal",
    "stapeling_personen_per_categorie": "aantal",
    "stapeling_twee_of_meer_huishoudens": "aantal",
    "stapeling_aandeel_huishoudens": "percentage",
    "stapeling_vierkant_huishoudens": "aantal",
    "stapeling_vierkant_aandeel": "percentage",
    "huishoudens_minima": "aantal",
    "bereik_minima": "percentage",
    **{f"terugval_{wet}": "percentage" for wet in WETTEN_TERUGVAL},
    VERGELIJKING: "per_1000",
}
EENHEID = {"aantal": "aantal", "percentage": "procent", "per_1000": "per 1.000 inwoners"}
_STAPELING_BRONNEN = "toewijzing,voorziening,verblijf"
BRONNEN = {
    **{m: _STAPELING_BRONNEN for m in SOORT if m.startswith("stapeling")},
    "huishoudens_minima": "voorziening,verblijf",
    "bereik_minima": "voorziening,verblijf,cbs",
    **{f"terugval_{wet}": "voorziening,verblijf" for wet in WETTEN_TERUGVAL},
    VERGELIJKING: "toewijzing,verblijf,cbs",
}
DEFINITIES = {
    "stapeling": STACKING_DEF,
    "bereik": REACH_DEF.format(grens=120),
    "terugval": RELAPSE_DEF.format(wet="Participatiewet- of schuldhulp", dagen=365),
    "trechter": FUNNEL_DEF,
}


@dataclass
class Rows:
    """The chapter's figures before protection, and what it says beside them."""

    frame: pd.DataFrame
    periode: Periode
    meldingen: list[str] = field(default_factory=list)
    synthetisch_cbs: bool = False
    vergelijking: str = ""
    namen: dict[str, str] = field(default_factory=dict)


def cbs_source(cbs_cache: Path | Sequence[Path] | None) -> Path | Sequence[Path]:
    """The given cache; otherwise the user's cache when it holds the table, else the snapshot."""
    if cbs_cache is not None:
        return cbs_cache
    own = default_cache()
    return own if (own / LAAG_INKOMEN / "meta.json").is_file() else SNAPSHOT_DIR


def period_code(periode: Periode) -> str:
    """``2025-11-01/2026-10-31``: first and last day (the contract's ``periode``)."""
    return f"{periode.van.isoformat()}/{(periode.tot - timedelta(days=1)).isoformat()}"


def parse_code(code: str) -> Periode:
    van, _, last = code.partition("/")
    return Periode(date.fromisoformat(van), date.fromisoformat(last) + timedelta(days=1))


def _row(maat: str, niveau: str, code: str, periode: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "indicator": maat,
        "versie": 1,
        "niveau": niveau,
        "gebiedscode": code,
        "periodesoort": PERIODESOORT,
        "periode": periode,
        "categorie": "",
        "teller": math.nan,
        "noemer": math.nan,
        "waarde": math.nan,
        "n": math.nan,
        "volledig": True,
    }
    row.update(values)
    return row


def _count(maat: str, niveau: str, code: str, periode: str, n: float, **extra: object) -> dict:
    return _row(maat, niveau, code, periode, teller=n, waarde=n, n=n, **extra)


def _share(
    maat: str, niveau: str, code: str, periode: str, teller: float, noemer: float, n: float
) -> dict[str, object]:
    waarde = 100 * teller / noemer if noemer > 0 else math.nan
    return _row(maat, niveau, code, periode, teller=teller, noemer=noemer, waarde=waarde, n=n)


def _stacking_rows(result: Stapeling, gm: str, code: str) -> list[dict[str, object]]:
    """Combinations (gemeente) and households with 1+ and 2+ domains (gemeente, wijk)."""
    rows: list[dict[str, object]] = []
    combos = result.combinaties
    for eenheid in ("huishoudens", "personen"):
        part = combos[combos["eenheid"] == eenheid]
        maat = f"stapeling_{eenheid}"
        for r in part.itertuples():
            rows.append(
                _count(f"{maat}_per_categorie", "gemeente", gm, code, float(r.aantal))
                | {"categorie": str(r.combinatie)}
            )
        wijk = result.per_wijk[result.per_wijk["eenheid"] == eenheid]
        rows.append(_count(maat, "gemeente", gm, code, float(wijk["met_voorziening"].sum())))
        if eenheid == "personen":
            continue
        twee = float(wijk["twee_of_meer"].sum())
        met = float(wijk["met_voorziening"].sum())
        rows.append(_count("stapeling_twee_of_meer_huishoudens", "gemeente", gm, code, twee))
        rows.append(
            _share(
                "stapeling_aandeel_huishoudens",
                "gemeente",
                gm,
                code,
                twee,
                met,
                min(twee, met - twee),
            )
        )
        for w in wijk[wijk["wijkcode"].astype(str).str.startswith("WK" + gm[2:6])].itertuples():
            met_w, twee_w = float(w.met_voorziening), float(w.twee_of_meer)
            wk = str(w.wijkcode)
            rows.append(_count(maat, "wijk", wk, code, met_w))
            rows.append(_count("stapeling_twee_of_meer_huishoudens", "wijk", wk, code, twee_w))
            rows.append(
                _share(
                    "stapeling_aandeel_huishoudens",
                    "wijk",
                    wk,
                    code,
                    twee_w,
                    met_w,
                    min(twee_w, met_w - twee_w),
                )
            )
    return rows


def square_rows(result: Stapeling, code: str) -> list[dict[str, object]]:
    """Households with help and the share with 2+ domains per 100 m and 500 m square.

    The share's ``n`` is the smaller of the two groups it splits the base into: a share near
    100% or 0% would say something about (almost) every household with help in the square.
    """
    rows: list[dict[str, object]] = []
    for v in result.per_vierkant.itertuples():
        niveau = f"vierkant{int(v.grootte)}"
        base, twee = float(v.met_voorziening), float(v.twee_of_meer)
        rows.append(_count("stapeling_vierkant_huishoudens", niveau, str(v.vierkant), code, base))
        rows.append(
            _share(
                "stapeling_vierkant_aandeel",
                niveau,
                str(v.vierkant),
                code,
                twee,
                base,
                min(twee, base - twee),
            )
        )
    return rows


def _reach_rows(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    periode: Periode,
    cbs_cache: Path | Sequence[Path] | None,
    code: str,
) -> tuple[list[dict[str, object]], bool]:
    table = load_table(low_income_table(scope.gemeente, cbs_cache), cbs_cache)
    raw = reach(con, periode, select_period(table))
    raw = raw[raw["gebiedscode"].astype(str).map(scope.covers)]
    # Only wijken the warehouse knows: a CBS table of another vintage (or the synthetic
    # snapshot beside a newly generated town) may list wijken nobody here lives in.
    known = {str(w) for (w,) in con.execute("SELECT DISTINCT wijkcode FROM verblijf").fetchall()}
    raw = raw[(raw["niveau"] != "wijk") | raw["gebiedscode"].astype(str).isin(known)]
    rows: list[dict[str, object]] = []
    for r in raw.itertuples():
        users, entitled = float(r.gebruikers), float(r.rechthebbend)
        rows.append(_count("huishoudens_minima", str(r.niveau), str(r.gebiedscode), code, users))
        if not math.isnan(entitled):
            row = _share(
                "bereik_minima", str(r.niveau), str(r.gebiedscode), code, users, entitled, users
            )
            rows.append(row)
    return rows, bool(table.synthetisch)


def _relapse_rows(
    con: duckdb.DuckDBPyConnection, gm: str, periode: Periode
) -> list[dict[str, object]]:
    """Relapse per law; ``n`` is the smaller of who returned and who did not."""
    rows: list[dict[str, object]] = []
    for wet in WETTEN_TERUGVAL:
        t: Terugval = relapse(con, wet, periode, gemeenten=(gm,))
        terug, eind = float(t.terug), float(t.beeindigd)
        rows.append(
            _share(f"terugval_{wet}", "gemeente", gm, period_code(periode), terug, eind, terug)
        )
    return rows


def _peer_rows(
    gm: str, indicators: pd.DataFrame | None, cbs_cache: Path | Sequence[Path] | None
) -> tuple[list[dict[str, object]], str, dict[str, str]]:
    rates, note = peer_rates(gm, indicators, cbs_cache)
    rows = [
        _row(
            VERGELIJKING,
            "land" if str(r.eenheid).startswith("NL") else "gemeente",
            str(r.eenheid),
            str(r.periode),
            periodesoort="jaar",
            categorie=str(r.rol),
            teller=float(r.teller),
            noemer=float(r.noemer),
            waarde=1000 * float(r.teller) / float(r.noemer) if r.noemer else math.nan,
            n=float(r.teller),
        )
        for r in rates.itertuples()
    ]
    namen = {str(c): str(n) for c, n in zip(rates["eenheid"], rates["naam"], strict=True)}
    return rows, note, namen


def integraal_rows(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    cbs_cache: Path | Sequence[Path] | None,
    indicators: pd.DataFrame | None = None,
    periode: Periode | None = None,
) -> Rows | None:
    """The chapter's unprotected rows for ``scope``, or None without suite provisions.

    ``indicators``: the internal indicator frame (the region's gemeenten as peers).
    """
    if not has_table(con, "voorziening"):
        return None
    if not con.execute("SELECT count(*) FROM voorziening").fetchall()[0][0]:
        return None
    if periode is None:
        end = data_end(con)
        if end is None:
            return None
        periode = last_year(end)
    code = period_code(periode)
    rows: list[dict[str, object]] = []
    for gm in scope.gemeenten:
        rows += _stacking_rows(stacking(con, periode, (gm,)), gm, code)
        rows += _relapse_rows(con, gm, last_year(periode.van))
    rows += square_rows(stacking(con, periode, scope.gemeenten), code)
    out = Rows(pd.DataFrame(), periode)
    try:
        reach_rows, out.synthetisch_cbs = _reach_rows(con, scope, periode, cbs_cache, code)
        rows += reach_rows
    except CbsError as exc:
        out.meldingen.append(f"Bereik niet berekend: {exc}")
    try:
        peer, out.vergelijking, out.namen = _peer_rows(scope.gemeente, indicators, cbs_cache)
        rows += peer
    except CbsError as exc:
        out.meldingen.append(f"Vergelijking met andere gemeenten niet gemaakt: {exc}")
    out.frame = pd.DataFrame(rows)
    return out


# -- after protection ------------------------------------------------------------------


def contract_rows(protected: pd.DataFrame) -> pd.DataFrame:
    """The contract rows of the protected chapter rows; intervals from the rounded counts."""
    out = protected.rename(columns={"indicator": "maat"}).copy()
    soort = out["maat"].map(SOORT)
    out["eenheid"] = soort.map(EENHEID).fillna("")
    out["bronnen"] = out["maat"].map(BRONNEN).fillna("")
    out["ladingen"] = ""
    out["ondergrens"], out["bovengrens"] = math.nan, math.nan
    t, n = out["teller"].astype("float64"), out["noemer"].astype("float64")
    for i in out.index[out["maat"].eq("bereik_minima") & t.notna() & n.gt(0)]:
        lo, hi = ratio_interval(float(t[i]), float(n[i]))
        out.loc[i, ["ondergrens", "bovengrens"]] = (100 * lo, 100 * hi)
    for i in out.index[out["maat"].str.startswith("terugval_") & t.notna() & n.gt(0)]:
        lo, hi = wilson(float(t[i]), float(n[i]))
        out.loc[i, ["ondergrens", "bovengrens"]] = (100 * lo, 100 * hi)
    out["n"] = pd.to_numeric(out["n"], errors="coerce").astype("Int64")
    out["versie"] = pd.to_numeric(out["versie"], errors="coerce").astype("Int64")
    out["volledig"] = out["volledig"].fillna(True).astype(bool)
    for column in ("teller", "noemer", "waarde", "ondergrens", "bovengrens"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    for column in ("maat", "niveau", "gebiedscode", "periodesoort", "periode", "status"):
        out[column] = out[column].astype("str")
    out["categorie"] = out["categorie"].fillna("").astype("str")
    return out[COLUMNS].reset_index(drop=True)


def is_integraal(maat: pd.Series) -> pd.Series:
    """Which contract rows belong to this chapter."""
    return maat.astype("str").isin(set(SOORT))


def _of(cijfers: pd.DataFrame, maat: str) -> pd.DataFrame:
    return cijfers[cijfers["maat"] == maat]


def _combinations(cijfers: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for eenheid in ("huishoudens", "personen"):
        rows = _of(cijfers, f"stapeling_{eenheid}_per_categorie")
        parts.append(
            pd.DataFrame(
                {
                    "indicator": f"stapeling_{eenheid}",
                    "categorie": rows["categorie"].to_numpy(),
                    "domeinen": [len(c.split("+")) for c in rows["categorie"]],
                    "teller": rows["teller"].to_numpy(),
                    "status": rows["status"].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _stacking_areas(cijfers: pd.DataFrame) -> pd.DataFrame:
    """Per area: households with help, with 2+ domains and the share (report's wijk table)."""
    share = _of(cijfers, "stapeling_aandeel_huishoudens").set_index("gebiedscode")
    met = _of(cijfers, "stapeling_huishoudens").set_index("gebiedscode")
    twee = _of(cijfers, "stapeling_twee_of_meer_huishoudens").set_index("gebiedscode")
    codes = list(met.index)
    return pd.DataFrame(
        {
            "indicator": "stapeling_huishoudens",
            "gebiedscode": codes,
            "niveau": met["niveau"].to_numpy(),
            "met_voorziening": met["teller"].to_numpy(),
            "teller": twee["teller"].reindex(codes).to_numpy(),
            "waarde": share["waarde"].reindex(codes).to_numpy(),
            "status": met["status"].to_numpy(),
        }
    )


_SQUARES = ("grootte", "vierkant", "met_voorziening", "teller", "waarde", "status")


def published_squares(cijfers: pd.DataFrame) -> pd.DataFrame:
    """Per square: households with help, with 2+ domains and the share, as published."""
    if cijfers.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in _SQUARES})
    base = _of(cijfers, "stapeling_vierkant_huishoudens")
    share = _of(cijfers, "stapeling_vierkant_aandeel")
    keys = ["niveau", "gebiedscode"]
    both = base[[*keys, "teller"]].merge(
        share[[*keys, "teller", "waarde", "status"]], on=keys, suffixes=("_basis", "")
    )
    return pd.DataFrame(
        {
            "grootte": both["niveau"].str.removeprefix("vierkant").astype("int64"),
            "vierkant": both["gebiedscode"],
            "met_voorziening": both["teller_basis"],
            "teller": both["teller"],
            "waarde": both["waarde"],
            "status": both["status"],
        }
    )


def _reach(cijfers: pd.DataFrame) -> pd.DataFrame:
    users = _of(cijfers, "huishoudens_minima").set_index("gebiedscode")
    rows = _of(cijfers, "bereik_minima")
    if rows.empty:
        return pd.DataFrame()
    bereik = rows["waarde"].to_numpy(dtype="float64") / 100
    return pd.DataFrame(
        {
            "gebiedscode": rows["gebiedscode"].to_numpy(),
            "niveau": rows["niveau"].to_numpy(),
            "gebruikers": users["teller"].reindex(rows["gebiedscode"]).to_numpy(),
            "rechthebbend": rows["noemer"].to_numpy(),
            "bereik": bereik,
            "ondergrens": rows["ondergrens"].to_numpy(dtype="float64") / 100,
            "bovengrens": rows["bovengrens"].to_numpy(dtype="float64") / 100,
            "niet_gebruik": 1 - bereik,
        }
    )


def _relapse(cijfers: pd.DataFrame, gm: str) -> pd.DataFrame:
    rows = [
        {
            "wet": wet,
            "beeindigd": r.noemer,
            "terug": r.teller,
            "aandeel": r.waarde / 100,
            "ondergrens": r.ondergrens / 100,
            "bovengrens": r.bovengrens / 100,
            "status": r.status,
        }
        for wet in WETTEN_TERUGVAL
        for r in _of(cijfers, f"terugval_{wet}").itertuples()
        if r.gebiedscode == gm
    ]
    return pd.DataFrame(rows)


def wijk_funnel(
    cijfers: pd.DataFrame,
    gemeente: str | None = None,
    *,
    maat: str = PEER_INDICATOR,
    niveau: str = "wijk",
    periodesoort: str = "jaar",
    periode: str | None = None,
) -> pd.DataFrame:
    """The funnel of a rate per 1,000 per wijk (or buurt), from the published rounded rows.

    ``periode`` defaults to the newest complete one; suppressed areas stay in as rows
    without a verdict. The average is pooled over the published areas (of ``gemeente``
    when given).
    """
    rows = cijfers[
        (cijfers["maat"] == maat)
        & (cijfers["niveau"] == niveau)
        & (cijfers["periodesoort"] == periodesoort)
        & (cijfers["categorie"].fillna("") == "")
    ]
    if gemeente is not None:
        rows = rows[rows["gebiedscode"].astype(str).str[2:6] == gemeente[2:6]]
    if rows.empty:
        return pd.DataFrame()
    if periode is None:
        whole = rows[rows["volledig"].astype(bool)] if "volledig" in rows.columns else rows
        periode = str((whole if not whole.empty else rows)["periode"].max())
    rows = rows[rows["periode"] == periode]
    if rows.empty:
        return pd.DataFrame()
    data = pd.DataFrame(
        {
            "eenheid": rows["gebiedscode"].to_numpy(),
            "teller": rows["teller"].to_numpy(dtype="float64"),
            "noemer": rows["noemer"].to_numpy(dtype="float64"),
            "periode": periode,
        }
    )
    return _funnel_of(data)


def _funnel_of(data: pd.DataFrame, reference: pd.Series | None = None) -> pd.DataFrame:
    """Funnel over published rows; the target pooled over ``reference`` rows (default all)."""
    usable = data["teller"].notna() & data["noemer"].gt(0)
    pool = usable if reference is None else usable & reference
    if not pool.any():
        return pd.DataFrame()
    p0 = float(data.loc[pool, "teller"].sum() / data.loc[pool, "noemer"].sum())
    out = funnel(data.fillna({"teller": 0.0, "noemer": 0.0}), doel=p0)
    out.loc[~usable, ["teller", "noemer", "waarde"]] = np.nan
    out.loc[~usable, "oordeel"] = "geen cijfer"
    return out


def peer_funnel(cijfers: pd.DataFrame, namen: Mapping[str, str]) -> tuple[pd.DataFrame, float]:
    """The gemeente among its peers (funnel) and the national rate per 1,000 (NaN if none).

    The reference line is pooled over the peers only: the gemeente's own figure is not part
    of the mean it is compared with.
    """
    rows = _of(cijfers, VERGELIJKING)
    national = rows[rows["categorie"] == "nederland"]
    land = float(national["waarde"].iloc[0]) if not national.empty else math.nan
    rows = rows[rows["categorie"] != "nederland"]
    if rows.empty:
        return pd.DataFrame(), land
    data = pd.DataFrame(
        {
            "eenheid": rows["gebiedscode"].to_numpy(),
            "naam": [namen.get(c, c) for c in rows["gebiedscode"]],
            "teller": rows["teller"].to_numpy(dtype="float64"),
            "noemer": rows["noemer"].to_numpy(dtype="float64"),
            "periode": rows["periode"].to_numpy(),
            "rol": rows["categorie"].to_numpy(),
        }
    )
    if data["rol"].eq("eigen").all():  # no peers alike: the gemeente's own figure only
        return data.assign(waarde=1000 * data["teller"] / data["noemer"]), land
    return _funnel_of(data, data["rol"].ne("eigen")), land


def result_from(
    cijfers: pd.DataFrame,
    scope: Scope,
    *,
    periode: Periode,
    namen: Mapping[str, str],
    meldingen: Sequence[str] = (),
    synthetisch_cbs: bool = False,
    vergelijking: str = "",
) -> Integraal:
    """The chapter's frames rebuilt from protected contract rows (for the report blocks)."""
    mine = cijfers[is_integraal(cijfers["maat"])]
    gm = scope.gemeente
    peers, land = peer_funnel(mine, namen)
    return Integraal(
        periode=periode,
        combinaties=_combinations(mine[mine["gebiedscode"] == gm]),
        stapeling_wijk=_stacking_areas(mine),
        bereik=_reach(mine),
        terugval=_relapse(mine, gm),
        trechter_wijk=wijk_funnel(cijfers, gm),
        definities=dict(DEFINITIES),
        meldingen=list(meldingen),
        synthetisch_cbs=synthetisch_cbs,
        stapeling_vierkant=published_squares(mine),
        gemeente=gm,
        gemeenten=scope.gemeenten,
        trechter_gemeente=peers,
        vergelijking=vergelijking,
        landelijk=land,
    )


__all__ = [
    "PERIODESOORT",
    "SOORT",
    "Rows",
    "cbs_source",
    "contract_rows",
    "integraal_rows",
    "is_integraal",
    "parse_code",
    "peer_funnel",
    "published_squares",
    "result_from",
    "square_rows",
    "wijk_funnel",
]
