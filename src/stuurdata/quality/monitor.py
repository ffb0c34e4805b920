"""``run_monitor``: every registered measure over the warehouse, in one pass of SQL.

The result keeps three views of the same cases: counts per provider, law, month and measure
(``scores``), the affected cases for the contract manager (``bevindingen``: allocation
number and pseudonym, never a BSN), and a judgement per provider and measure over the whole
window (``oordeel``: flagged when the share exceeds the measure's threshold). The monitor
judges the data as of ``peildatum`` (default: the newest message in the warehouse, so a demo
generated for another year is judged in its own time) and looks back to ``vanaf`` (default:
the first month with stop or claim traffic, before which the warehouse holds only the
history of running allocations, not the chain traffic).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import ibis
import pandas as pd
import pyarrow as pa

from stuurdata.engine.base import DuckDBEngine, Engine, as_engine
from stuurdata.quality.measures import (
    CASE_COLUMNS,
    Basis,
    allocations,
    deliveries,
    measure_expr,
    month_table,
)
from stuurdata.quality.registry import Maatregel, load_measures
from stuurdata.quality.retour import reply_quality
from stuurdata.quality.werkdagen import calendar

CASES = "kw_geval"
_COLUMNS = (
    "maatregel VARCHAR, wet VARCHAR, aanbieder VARCHAR, maand DATE, toewijzing_id VARCHAR, "
    "toewijzingnummer VARCHAR, persoon_id VARCHAR, datum DATE, werkdagen INTEGER, "
    "detail VARCHAR, bedrag_cent BIGINT, fout BOOLEAN, gemeentecode VARCHAR"
)
LEEFTIJD_KLASSEN = (
    (6, 10, "6-10"),
    (11, 20, "11-20"),
    (21, 60, "21-60"),
    (61, None, "meer dan 60"),
)


@dataclass(frozen=True, slots=True)
class Kwaliteit:
    """The monitor's result; all frames are internal (not disclosure-controlled)."""

    peildatum: date
    vanaf: date
    maatregelen: dict[str, Maatregel]
    scores: pd.DataFrame  # maatregel, wet, aanbieder, maand, teller, noemer
    oordeel: pd.DataFrame  # maatregel, wet, aanbieder, teller, noemer, aandeel, gesignaleerd
    bevindingen: pd.DataFrame  # the cases with fout, for the drill-down
    leeftijd: pd.DataFrame  # wet, aanbieder, klasse, aantal (age of missing starts)
    retour: pd.DataFrame  # per provider and municipality: rejected and late returns


def window(
    con: duckdb.DuckDBPyConnection | Engine,
    peildatum: date | None = None,
    vanaf: date | None = None,
) -> tuple[date, date]:
    """The observed window: (vanaf, peildatum), defaults derived from the messages."""
    engine = as_engine(con)
    b = engine.tables["bericht"]
    flow = b.berichttype.isin(["307", "323"])
    row = engine.execute(
        b.aggregate(
            laatste=b.dagtekening.max(),
            eerste_stroom=b.dagtekening.min(where=flow),
            eerste=b.dagtekening.min(),
        )
    ).to_pylist()[0]
    if peildatum is None:
        peildatum = row["laatste"] if isinstance(row["laatste"], date) else date.today()
    if vanaf is None:
        found = row["eerste_stroom"] or row["eerste"]
        vanaf = found.replace(day=1) if isinstance(found, date) else peildatum - timedelta(days=365)
    vanaf = min(vanaf, peildatum)
    return vanaf, peildatum


@contextmanager
def prepared(engine: Engine, vanaf: date, peildatum: date) -> Iterator[Basis]:
    """The helpers every measure reads (calendar, allocations, deliveries, months)."""
    frame = calendar(vanaf - timedelta(days=365 * 6 + 400), peildatum + timedelta(days=400))
    peil_nr = int(frame.loc[frame["dag"] == peildatum, "nr"].iloc[0])
    cal = pa.table(
        {
            "dag": pa.array(frame["dag"], pa.date32()),
            "werkdag": pa.array(frame["werkdag"], pa.bool_()),
            "nr": pa.array(frame["nr"], pa.int64()),
            "maanddagen": pa.array(pd.to_datetime(frame["dag"]).dt.days_in_month, pa.int64()),
        }
    )
    with engine.helpers() as helper:
        tables = engine.tables
        yield Basis(
            tables=tables,
            cal=helper("kw_werkdag", cal),
            toew=helper("kw_toew", allocations(tables)),
            lev=helper("kw_lev", deliveries(tables)),
            maanden=helper("kw_maand", month_table(vanaf, peildatum)),
            vanaf=vanaf,
            peildatum=peildatum,
            peil_nr=peil_nr,
        )


def cases(
    con: duckdb.DuckDBPyConnection | Engine,
    measures: dict[str, Maatregel],
    vanaf: date,
    peildatum: date,
) -> pa.Table:
    """Every case of the chosen measures in ``CASE_COLUMNS``' shape, computed on the engine."""
    engine = as_engine(con)
    if not measures:
        return ibis.schema(CASE_COLUMNS).to_pyarrow().empty_table()
    with prepared(engine, vanaf, peildatum) as basis:
        union = ibis.union(*(measure_expr(m, basis) for m in measures.values()))
        # Cases without a provider or law (bad data) stay visible under a placeholder.
        union = union.mutate(
            aanbieder=union.aanbieder.fill_null("onbekend"), wet=union.wet.fill_null("onbekend")
        )
        # One Arrow schema whatever the engine (DuckDB's date - interval is a timestamp).
        return engine.execute(union).cast(ibis.schema(CASE_COLUMNS).to_pyarrow())


def run_monitor(
    con: duckdb.DuckDBPyConnection | Engine,
    *,
    peildatum: date | None = None,
    vanaf: date | None = None,
    maatregelen: list[str] | None = None,
) -> Kwaliteit:
    """Compute every (or the named) measure on the engine ``con`` (a warehouse: DuckDB).

    The cases come back as one table; counting them runs in DuckDB: on the warehouse
    connection (where they stay in TEMP table ``kw_geval`` for a drill-down) or, for another
    engine, in an in-memory DuckDB.
    """
    measures = load_measures()
    chosen = {k: v for k, v in measures.items() if maatregelen is None or k in maatregelen}
    start, peil = window(con, peildatum, vanaf)
    found = cases(con, chosen, start, peil)
    local = con if isinstance(con, duckdb.DuckDBPyConnection) else None
    if local is None and isinstance(con, DuckDBEngine):
        local = con.con
    own = local is None
    local = local if local is not None else duckdb.connect()
    try:
        _store_cases(local, found)
        return Kwaliteit(
            peildatum=peil,
            vanaf=start,
            maatregelen=chosen,
            scores=local.execute(
                f"SELECT maatregel, wet, aanbieder, maand, count_if(fout) AS teller, "
                f"count(*) AS noemer FROM {CASES} GROUP BY ALL ORDER BY ALL"
            ).df(),
            oordeel=_judge(local, chosen),
            bevindingen=local.execute(
                f"SELECT maatregel, wet, aanbieder, maand, toewijzingnummer, persoon_id, datum, "
                f"werkdagen, detail, bedrag_cent FROM {CASES} WHERE fout "
                f"ORDER BY aanbieder, maatregel, maand, toewijzingnummer, persoon_id, datum, detail"
            ).df(),
            leeftijd=_ages(local),
            retour=reply_quality(local, CASES),
        )
    finally:
        if own:
            local.close()


def _store_cases(con: duckdb.DuckDBPyConnection, found: pa.Table) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CASES} ({_COLUMNS})")
    con.register("kw_geval_arrow", found)
    try:
        con.execute(f"INSERT INTO {CASES} BY NAME SELECT * FROM kw_geval_arrow")
    finally:
        con.unregister("kw_geval_arrow")


ALPHA = 0.01
"""A provider is flagged only when its share is significantly above the rule's threshold."""


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): exact for small n, normal approximation for large."""
    if k <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1 or k > n:
        return 1.0 if p >= 1 else 0.0
    if n * p * (1 - p) > 25:
        z = (k - 0.5 - n * p) / math.sqrt(n * p * (1 - p))
        return 0.5 * math.erfc(z / math.sqrt(2))
    log = lambda i: (  # noqa: E731
        math.lgamma(n + 1)
        - math.lgamma(i + 1)
        - math.lgamma(n - i + 1)
        + i * math.log(p)
        + (n - i) * math.log1p(-p)
    )
    return min(1.0, sum(math.exp(log(i)) for i in range(k, n + 1)))


def _judge(con: duckdb.DuckDBPyConnection, measures: dict[str, Maatregel]) -> pd.DataFrame:
    """Per measure, law and provider over the window: share and whether it is flagged.

    Flagged: at least ``min_aantal`` cases deviate and the share is significantly above the
    threshold (one-sided binomial test at ``ALPHA``), so a small provider with a few late
    messages by chance is not called to account, while a real pattern is.
    """
    frame = con.execute(
        f"SELECT maatregel, wet, aanbieder, count_if(fout) AS teller, count(*) AS noemer "
        f"FROM {CASES} GROUP BY ALL ORDER BY ALL"
    ).df()
    drempel = frame["maatregel"].map({k: m.drempel for k, m in measures.items()})
    minimum = frame["maatregel"].map({k: m.min_aantal for k, m in measures.items()})
    frame["aandeel"] = frame["teller"] / frame["noemer"].where(frame["noemer"] > 0)
    kans = [
        binomial_tail(int(t), int(n), float(p))
        for t, n, p in zip(frame["teller"], frame["noemer"], drempel, strict=True)
    ]
    frame["kans"] = kans
    frame["gesignaleerd"] = (
        (frame["teller"] >= minimum) & (frame["aandeel"] > drempel) & (frame["kans"] < ALPHA)
    )
    return frame


def _ages(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Age distribution (working days since the ingangsdatum) of missing start messages."""
    klasse = " ".join(
        f"WHEN werkdagen BETWEEN {lo} AND {hi} THEN '{label}'"
        if hi is not None
        else f"WHEN werkdagen >= {lo} THEN '{label}'"
        for lo, hi, label in LEEFTIJD_KLASSEN
    )
    order = {label: i for i, (_lo, _hi, label) in enumerate(LEEFTIJD_KLASSEN)}
    frame = con.execute(
        f"SELECT wet, aanbieder, CASE {klasse} ELSE 'tot 6' END AS klasse, count(*) AS aantal "
        f"FROM {CASES} WHERE maatregel = 'start_ontbreekt' AND fout GROUP BY ALL"
    ).df()
    frame["volgorde"] = frame["klasse"].map(order).fillna(-1)
    return frame.sort_values(["aanbieder", "wet", "volgorde"]).drop(columns="volgorde")
