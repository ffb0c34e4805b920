"""Plain-pandas reference implementation of the indicators, for the benchmark.

This is what an analyst would write without the warehouse engine: load each table into a
DataFrame, loop over the periods, merge and group by. It follows exactly the definitions of
``stuurdata.indicators.compute`` (see its docstring), so ``tests/indicators/
test_pandas_reference.py`` can check that both give identical numbers, and
``python benchmarks/pandas_reference.py pakhuis.duckdb`` times the two side by side.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from stuurdata.indicators.compute import data_coverage, empty_frame, normalise_frame
from stuurdata.indicators.compute import select_definitions as _select
from stuurdata.indicators.groups import age_labels, bounds
from stuurdata.indicators.periods import calendar_rows

DATE_COLUMNS = {
    "persoon": ["geboortemaand"],
    "verblijf": ["van", "tot"],
    "toewijzing": ["toewijzingsdatum", "ingangsdatum", "einddatum"],
    "verzoek": ["ontvangen"],
    "levering": ["start"],
    "declaratie": ["periode_begin"],
}
LEVELS = (("gemeente", "gm"), ("wijk", "wk"), ("buurt", "bu"))


def load_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    tables = {}
    for name, dates in DATE_COLUMNS.items():
        frame = con.table(name).df()
        for column in dates:
            frame[column] = pd.to_datetime(frame[column])
        tables[name] = frame
    return tables


def lineage(frame: pd.DataFrame, columns: Sequence[str]) -> str:
    ids = set()
    for column in columns:
        ids.update(int(v) for v in frame[column].dropna().unique())
    return ",".join(str(v) for v in sorted(ids))


class Reference:
    """Indicators for one warehouse, period by period."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.t = load_tables(con)
        first, last = data_coverage(con)
        self.periods = []
        for row in calendar_rows(first, last):
            row = dict(row)
            for key in ("begin", "eind", "laatste_dag"):
                row[key] = pd.Timestamp(row[key])
            self.periods.append(row)
        self._areas: dict[tuple[str, str], pd.DataFrame] = {}

    def areas(self, period: dict) -> pd.DataFrame:
        """The residence overlapping the period with the latest start, per person."""
        key = (period["periodesoort"], period["periode"])
        if key not in self._areas:
            v = self.t["verblijf"]
            v = v[(v.van < period["eind"]) & (v.tot.isna() | (v.tot > period["begin"]))]
            v = v.sort_values("van").drop_duplicates("persoon_id", keep="last").copy()
            last = v.tot - pd.Timedelta(days=1)
            v["hh_dag"] = last.where(last < period["laatste_dag"], period["laatste_dag"])
            self._areas[key] = v[
                [
                    "persoon_id",
                    "gemeentecode",
                    "wijkcode",
                    "buurtcode",
                    "lading_id",
                    "huishouden_id",
                    "hh_dag",
                ]
            ].rename(
                columns={
                    "gemeentecode": "res_gm",
                    "wijkcode": "wk",
                    "buurtcode": "bu",
                    "lading_id": "res_lading",
                    "huishouden_id": "hh",
                }
            )
        return self._areas[key]

    # --- groups: age, sex, household type -------------------------------------------------

    @staticmethod
    def ages(born: pd.Series, day: pd.Series | pd.Timestamp) -> pd.Series:
        day = pd.Series(day, index=born.index) if isinstance(day, pd.Timestamp) else day
        months = (day.dt.year - born.dt.year) * 12 + (day.dt.month - born.dt.month)
        return np.floor(months / 12)

    def household_types(self, hh: pd.Series, day: pd.Series) -> pd.Series:
        pairs = pd.DataFrame({"hh": hh.to_numpy(), "dag": day.to_numpy()})
        known = pairs.dropna().drop_duplicates()
        v = self.t["verblijf"][["persoon_id", "huishouden_id", "van", "tot"]]
        m = known.merge(v, left_on="hh", right_on="huishouden_id")
        m = m[(m.van <= m.dag) & (m.tot.isna() | (m.tot > m.dag))]
        born = m.persoon_id.map(self.t["persoon"].set_index("persoon_id").geboortemaand)
        adult = (self.ages(born, m.dag) >= 18) | born.isna()
        g = m.assign(volw=adult, kind=~adult).groupby(["hh", "dag"])[["volw", "kind"]].sum()
        g["type"] = np.select(
            [
                (g.volw == 1) & (g.kind == 0),
                (g.volw == 1) & (g.kind > 0),
                (g.volw == 2) & (g.kind == 0),
                (g.volw == 2) & (g.kind > 0),
            ],
            ["alleenstaand", "eenoudergezin", "paar zonder kinderen", "paar met kinderen"],
            default="overig",
        )
        typed = pairs.merge(g["type"].reset_index(), on=["hh", "dag"], how="left")
        return pd.Series(typed["type"].fillna("onbekend").to_numpy(), index=hh.index)

    def person_groups(self, d, persons: pd.Series, day: pd.Timestamp) -> pd.Series:
        p = self.t["persoon"].set_index("persoon_id")
        if d.groep == "geslacht":
            sex = persons.map(p.geslacht).map({"1": "man", "2": "vrouw"})
            return sex.fillna("onbekend")
        grenzen = bounds(d.parameters.get("grenzen", ""))
        age = self.ages(persons.map(p.geboortemaand), day)
        cut = pd.cut(age, [-np.inf, *grenzen, np.inf], right=False, labels=age_labels(grenzen))
        return cut.astype("object").where(age.notna(), "onbekend")

    def client_groups(self, d, facts: pd.DataFrame, period: dict) -> pd.Series:
        if d.groep != "huishouden":
            return self.person_groups(d, facts.persoon_id, period["laatste_dag"])
        a = self.areas(period)[["persoon_id", "hh", "hh_dag"]]
        m = facts[["persoon_id"]].merge(a, on="persoon_id", how="left")
        return pd.Series(self.household_types(m.hh, m.hh_dag).to_numpy(), index=facts.index)

    def place(self, facts: pd.DataFrame, period: dict) -> pd.DataFrame:
        """Facts with an area, stacked over the three levels."""
        placed = facts.merge(self.areas(period), on="persoon_id", how="left")
        placed["wonend"] = placed["res_gm"].notna()
        placed["gm"] = placed["res_gm"].fillna(placed["fact_gm"])
        parts = []
        for niveau, column in LEVELS:
            part = placed[placed[column].notna()].copy()
            part["niveau"] = niveau
            part["gebiedscode"] = part[column]
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    def allocations(self, wet: str) -> pd.DataFrame:
        t = self.t["toewijzing"]
        t = t[(t.wet == wet) & (t.einddatum.isna() | (t.einddatum >= t.ingangsdatum))].copy()
        t["tdatum"] = t.toewijzingsdatum.fillna(t.ingangsdatum)
        return t

    # --- one function per family, each returning rows for one period ---------------------

    def younger_than(self, persons: pd.Series, day: pd.Timestamp, years: int) -> pd.Series:
        born = persons.map(self.t["persoon"].set_index("persoon_id").geboortemaand)
        return born > day - pd.DateOffset(years=years)

    def clienten(self, d, period, per_categorie=None, wonend=None):
        per_categorie = d.per_categorie if per_categorie is None else per_categorie
        t = self.allocations(d.wet)
        t = t[
            (t.ingangsdatum < period["eind"])
            & (t.einddatum.isna() | (t.einddatum >= period["begin"]))
        ]
        facts = pd.DataFrame(
            {
                "persoon_id": t.persoon_id,
                "fact_gm": t.gemeentecode,
                "categorie": t.productcategorie.fillna("onbekend") if per_categorie else "",
                "lading": t.lading_id,
            }
        )
        if d.groep is not None:
            facts["categorie"] = self.client_groups(d, facts, period)
        age = d.parameters.get("leeftijd_tot")
        if wonend and age is not None and d.groep != "leeftijd":
            facts = facts[self.younger_than(facts.persoon_id, period["laatste_dag"], int(age))]
        rows = []
        p = self.place(facts, period)
        if wonend is not None:
            p = p[p.wonend == wonend]
        for (niveau, code, cat), g in p.groupby(["niveau", "gebiedscode", "categorie"]):
            n = g.persoon_id.nunique()
            rows.append(row(niveau, code, cat, n, None, n, n, lineage(g, ["lading", "res_lading"])))
        return rows

    def clienten_per_1000(self, d, period):
        rows = self.clienten(d, period, per_categorie=False, wonend=True)
        v = self.t["verblijf"]
        day = period["laatste_dag"]
        v = v[(v.van <= day) & (v.tot.isna() | (v.tot > day))]
        age = d.parameters.get("leeftijd_tot") if d.groep != "leeftijd" else None
        if age is not None:
            v = v[self.younger_than(v.persoon_id, day, int(age))]
        v = v.copy()
        if d.groep == "huishouden":
            v["groep"] = self.household_types(v.huishouden_id, pd.Series(day, index=v.index))
        elif d.groep is not None:
            v["groep"] = self.person_groups(d, v.persoon_id, day)
        else:
            v["groep"] = ""
        inhabitants = {}
        for niveau, column in (
            ("gemeente", "gemeentecode"),
            ("wijk", "wijkcode"),
            ("buurt", "buurtcode"),
        ):
            for (code, groep), g in v[v[column].notna()].groupby([column, "groep"]):
                inhabitants[(niveau, code, groep)] = (len(g), set(g.lading_id))
        for r in rows:
            key = (r["niveau"], r["gebiedscode"], r["categorie"])
            count, ladingen = inhabitants.get(key, (None, set()))
            r["noemer"] = float(count) if count is not None else float("nan")
            r["waarde"] = 1000.0 * r["teller"] / count if count is not None else float("nan")
            ids = {int(x) for x in r["ladingen"].split(",") if x} | {int(x) for x in ladingen}
            r["ladingen"] = ",".join(str(x) for x in sorted(ids))
        return rows

    def actieve_toewijzingen(self, d, period):
        t = self.allocations(d.wet)
        day = period["laatste_dag"]
        t = t[(t.ingangsdatum <= day) & (t.einddatum.isna() | (t.einddatum >= day))]
        facts = pd.DataFrame(
            {
                "persoon_id": t.persoon_id,
                "fact_gm": t.gemeentecode,
                "toewijzing_id": t.toewijzing_id,
                "lading": t.lading_id,
            }
        )
        rows = []
        for (niveau, code), g in self.place(facts, period).groupby(["niveau", "gebiedscode"]):
            k = g.toewijzing_id.nunique()
            rows.append(
                row(
                    niveau,
                    code,
                    "",
                    k,
                    None,
                    k,
                    g.persoon_id.nunique(),
                    lineage(g, ["lading", "res_lading"]),
                )
            )
        return rows

    def _events(self, d, kind):
        days = pd.Timedelta(days=int(d.parameters.get("dagen", 365)))
        a = self.allocations(d.wet)
        pairs = a.merge(a, on="persoon_id", suffixes=("", "_b"))
        if kind == "instroom":
            block = (pairs.ingangsdatum_b < pairs.ingangsdatum) & (
                pairs.einddatum_b.isna() | (pairs.einddatum_b >= pairs.ingangsdatum - days)
            )
            blocked = set(pairs[block].toewijzing_id)
            ev = a[~a.toewijzing_id.isin(blocked)]
            return ev.assign(dag=ev.ingangsdatum)
        a_end = pairs[pairs.einddatum.notna()]
        block = (a_end.ingangsdatum_b <= a_end.einddatum + days) & (
            a_end.einddatum_b.isna() | (a_end.einddatum_b > a_end.einddatum)
        )
        blocked = set(a_end[block].toewijzing_id)
        ev = a[a.einddatum.notna() & ~a.toewijzing_id.isin(blocked)]
        return ev.assign(dag=ev.einddatum)

    def _event_rows(self, events, period):
        ev = events[(events.dag >= period["begin"]) & (events.dag < period["eind"])]
        facts = pd.DataFrame(
            {"persoon_id": ev.persoon_id, "fact_gm": ev.gemeentecode, "lading": ev.lading_id}
        )
        rows = []
        for (niveau, code), g in self.place(facts, period).groupby(["niveau", "gebiedscode"]):
            n = g.persoon_id.nunique()
            rows.append(row(niveau, code, "", n, None, n, n, lineage(g, ["lading", "res_lading"])))
        return rows

    def _day_rows(self, d, waits, period):
        q = float(d.parameters.get("kwantiel", 0.5))
        w = waits[(waits.dag >= period["begin"]) & (waits.dag < period["eind"])]
        rows = []
        for (niveau, code), g in self.place(w, period).groupby(["niveau", "gebiedscode"]):
            stat = g.dagen.astype(float).quantile(q)
            rows.append(
                row(
                    niveau,
                    code,
                    "",
                    len(g),
                    None,
                    stat,
                    g.persoon_id.nunique(),
                    lineage(g, ["l1", "l2", "res_lading"]),
                )
            )
        return rows

    def waits_request(self, d):
        v = self.t["verzoek"]
        v = v[(v.berichttype == "315") & (v.wet == d.wet)]
        t = self.allocations(d.wet)
        m = v.merge(t, on=["persoon_id", "aanbieder", "productcategorie"], suffixes=("", "_t"))
        m = m[m.tdatum >= m.ontvangen].sort_values(["tdatum", "toewijzing_id"])
        m = m.drop_duplicates(["bericht_id", "regel"], keep="first")
        return pd.DataFrame(
            {
                "persoon_id": m.persoon_id,
                "fact_gm": m.gemeentecode,
                "dag": m.tdatum,
                "dagen": (m.tdatum - m.ontvangen).dt.days,
                "l1": m.lading_id,
                "l2": m.lading_id_t,
                "eenheid": m.bericht_id.astype(str) + "/" + m.regel.astype(str),
                "toewijzing_id": m.toewijzing_id,
            }
        )

    def within_norm(self, d):
        w = self.waits_request(d)
        return w.assign(ja=w.dagen <= int(d.parameters["norm_dagen"]))

    def inflow_asked(self, d):
        ev = self._events(d, "instroom")
        asked = set(self.waits_request(d).toewijzing_id)
        return pd.DataFrame(
            {
                "persoon_id": ev.persoon_id,
                "fact_gm": ev.gemeentecode,
                "dag": ev.dag,
                "eenheid": ev.persoon_id,
                "ja": ev.toewijzing_id.isin(asked),
                "l1": ev.lading_id,
                "l2": ev.lading_id,
            }
        )

    def _share_rows(self, facts, period, per_person):
        f = facts[(facts.dag >= period["begin"]) & (facts.dag < period["eind"])]
        rows = []
        for (niveau, code), g in self.place(f, period).groupby(["niveau", "gebiedscode"]):
            alle, ja = g.eenheid.nunique(), g.eenheid[g.ja].nunique()
            n_ja = g.persoon_id[g.ja].nunique()
            n_nee = alle - ja if per_person else g.persoon_id[~g.ja].nunique()
            n = min(n_ja, n_nee) if n_ja and n_nee else (n_ja or n_nee)
            lin = lineage(g, ["l1", "l2", "res_lading"])
            rows.append(row(niveau, code, "", ja, alle, 100.0 * ja / alle, n, lin))
        return rows

    def waits_start(self, d):
        lev = self.t["levering"]
        lev = (
            lev[lev.wet == d.wet]
            .sort_values("start")
            .drop_duplicates("toewijzing_id", keep="first")
        )
        t = self.allocations(d.wet)
        m = t.merge(
            lev[["toewijzing_id", "start", "lading_id"]], on="toewijzing_id", suffixes=("", "_l")
        )
        return pd.DataFrame(
            {
                "persoon_id": m.persoon_id,
                "fact_gm": m.gemeentecode,
                "dag": m.start,
                "dagen": (m.start - m.tdatum).dt.days.clip(lower=0),
                "l1": m.lading_id,
                "l2": m.lading_id_l,
            }
        )

    def durations(self, d):
        t = self.allocations(d.wet)
        t = t[t.einddatum.notna()]
        return pd.DataFrame(
            {
                "persoon_id": t.persoon_id,
                "fact_gm": t.gemeentecode,
                "dag": t.einddatum,
                "dagen": (t.einddatum - t.ingangsdatum).dt.days + 1,
                "l1": t.lading_id,
                "l2": t.lading_id,
            }
        )

    def _claim_rows(self, d, period, per_client):
        c = self.t["declaratie"]
        c = c[
            (c.wet == d.wet)
            & (c.periode_begin >= period["begin"])
            & (c.periode_begin < period["eind"])
        ]
        facts = pd.DataFrame(
            {
                "persoon_id": c.persoon_id,
                "fact_gm": c.gemeentecode,
                "cent": c.bedrag_cent,
                "lading": c.lading_id,
            }
        )
        rows = []
        for (niveau, code), g in self.place(facts, period).groupby(["niveau", "gebiedscode"]):
            euro = int(g.cent.sum()) / 100.0
            n = g.persoon_id.nunique()
            lin = lineage(g, ["lading", "res_lading"])
            if per_client:
                rows.append(row(niveau, code, "", euro, n, euro / n, n, lin))
            else:
                rows.append(row(niveau, code, "", euro, None, euro, n, lin))
        return rows

    def indicator(self, d) -> list[dict]:
        once = {
            "instroom": lambda: self._events(d, "instroom"),
            "uitstroom": lambda: self._events(d, "uitstroom"),
            "wachttijd_verzoek_toewijzing": lambda: self.waits_request(d),
            "wachttijd_toewijzing_start": lambda: self.waits_start(d),
            "duur_toewijzing": lambda: self.durations(d),
            "verzoek_binnen_norm": lambda: self.within_norm(d),
            "instroom_met_verzoek": lambda: self.inflow_asked(d),
        }
        pre = once[d.berekening]() if d.berekening in once else None
        rows = []
        for period in self.periods:
            if period["periodesoort"] not in d.periodes:
                continue
            b = d.berekening
            if b == "clienten":
                part = self.clienten(d, period)
            elif b == "clienten_zonder_woonadres":
                part = self.clienten(d, period, wonend=False)
            elif b == "clienten_per_1000":
                part = self.clienten_per_1000(d, period)
            elif b == "actieve_toewijzingen":
                part = self.actieve_toewijzingen(d, period)
            elif b in ("instroom", "uitstroom"):
                part = self._event_rows(pre, period)
            elif b in ("kosten", "kosten_per_client"):
                part = self._claim_rows(d, period, b == "kosten_per_client")
            elif b in ("verzoek_binnen_norm", "instroom_met_verzoek"):
                part = self._share_rows(pre, period, b == "instroom_met_verzoek")
            else:
                part = self._day_rows(d, pre, period)
            for r in part:
                if r["niveau"] in d.niveaus:
                    r.update(
                        indicator=d.id,
                        versie=d.versie,
                        periodesoort=period["periodesoort"],
                        periode=period["periode"],
                        volledig=bool(period["volledig"]),
                    )
                    rows.append(r)
        return rows


def row(niveau, code, categorie, teller, noemer, waarde, n, ladingen) -> dict:
    return {
        "niveau": niveau,
        "gebiedscode": code,
        "categorie": categorie,
        "teller": float(teller),
        "noemer": float("nan") if noemer is None else float(noemer),
        "waarde": float(waarde),
        "n": int(n),
        "ladingen": ladingen,
    }


def reference_indicators(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """The same long frame as ``compute_indicators``, computed with plain pandas."""
    if data_coverage(con) is None:
        return empty_frame()
    ref = Reference(con)
    rows = [r for d in _select(ids) for r in ref.indicator(d)]
    return normalise_frame(pd.DataFrame(rows)) if rows else empty_frame()


def main(path: str) -> None:
    from stuurdata.indicators.compute import compute_indicators

    con = duckdb.connect(path, read_only=True)
    start = time.perf_counter()
    ours = compute_indicators(con)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    ref = reference_indicators(con)
    t_ref = time.perf_counter() - start
    print(f"stuurdata (Ibis/DuckDB): {t_ours:8.2f} s  {len(ours)} rijen")
    print(f"pandas-referentie:       {t_ref:8.2f} s  {len(ref)} rijen")
    print(f"versnelling:             {t_ref / t_ours:8.1f}x")


if __name__ == "__main__":
    main(sys.argv[1])
