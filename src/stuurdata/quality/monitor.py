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
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from stuurdata.quality.measures import BASE, measure_sql
from stuurdata.quality.registry import Maatregel, load_measures
from stuurdata.quality.retour import reply_quality
from stuurdata.quality.werkdagen import create_calendar

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


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def window(
    con: duckdb.DuckDBPyConnection, peildatum: date | None = None, vanaf: date | None = None
) -> tuple[date, date]:
    """The observed window: (vanaf, peildatum), defaults derived from the messages."""
    if peildatum is None:
        found = _scalar(con, "SELECT max(dagtekening) FROM bericht")
        peildatum = found if isinstance(found, date) else date.today()
    if vanaf is None:
        found = _scalar(
            con,
            "SELECT CAST(date_trunc('month', min(dagtekening)) AS DATE) FROM bericht "
            "WHERE berichttype IN ('307', '323')",
        )
        if not isinstance(found, date):
            found = _scalar(
                con, "SELECT CAST(date_trunc('month', min(dagtekening)) AS DATE) FROM bericht"
            )
        vanaf = found if isinstance(found, date) else peildatum - timedelta(days=365)
    vanaf = min(vanaf, peildatum)
    return vanaf, peildatum


def prepare(con: duckdb.DuckDBPyConnection, vanaf: date, peildatum: date) -> None:
    """The TEMP tables every measure reads: parameters, calendar, allocations, deliveries."""
    create_calendar(con, vanaf - timedelta(days=365 * 6), peildatum)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE kw_param AS SELECT CAST(? AS DATE) AS vanaf, "
        "CAST(? AS DATE) AS peildatum",
        [vanaf, peildatum],
    )
    con.execute(BASE)


def run_monitor(
    con: duckdb.DuckDBPyConnection,
    *,
    peildatum: date | None = None,
    vanaf: date | None = None,
    maatregelen: list[str] | None = None,
) -> Kwaliteit:
    """Compute every (or the named) measure; leaves the cases in TEMP table ``kw_geval``."""
    measures = load_measures()
    chosen = {k: v for k, v in measures.items() if maatregelen is None or k in maatregelen}
    start, peil = window(con, peildatum, vanaf)
    prepare(con, start, peil)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CASES} ({_COLUMNS})")
    for m in chosen.values():
        con.execute(f"INSERT INTO {CASES} BY NAME SELECT * FROM ({measure_sql(m)})")
    # Cases without a provider (bad data) stay visible under a placeholder, never dropped.
    con.execute(f"UPDATE {CASES} SET aanbieder = 'onbekend' WHERE aanbieder IS NULL")
    con.execute(f"UPDATE {CASES} SET wet = 'onbekend' WHERE wet IS NULL")
    scores = con.execute(
        f"SELECT maatregel, wet, aanbieder, maand, count_if(fout) AS teller, "
        f"count(*) AS noemer FROM {CASES} GROUP BY ALL ORDER BY ALL"
    ).df()
    oordeel = _judge(con, chosen)
    bevindingen = con.execute(
        f"SELECT maatregel, wet, aanbieder, maand, toewijzingnummer, persoon_id, datum, "
        f"werkdagen, detail, bedrag_cent FROM {CASES} WHERE fout "
        f"ORDER BY aanbieder, maatregel, maand, toewijzingnummer"
    ).df()
    return Kwaliteit(
        peildatum=peil,
        vanaf=start,
        maatregelen=chosen,
        scores=scores,
        oordeel=oordeel,
        bevindingen=bevindingen,
        leeftijd=_ages(con),
        retour=reply_quality(con, CASES),
    )


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
