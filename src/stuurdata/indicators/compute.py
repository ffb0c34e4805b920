"""Compute indicator values from the canonical tables (unprotected, internal view).

Decisions, where the standards leave room (also stated in plain Dutch in the YAML files):

* **Periods**: every month, quarter and year that overlaps the *data coverage*
  (``data_coverage``): from the first service month with a claim (else the oldest message
  date) to the newest message date (``bericht.dagtekening``, ``toewijzing.dagtekening``,
  ``verzoek.ontvangen``, ``declaratie.dagtekening``, the ``levering`` dagtekeningen).
  Periods are *cut* to the coverage, so facts before its first or after its last day are
  not counted anywhere: an allocation that starts after the newest message (a 301 sent
  ahead) counts from the period in which a later load shows it running, not before. A
  period the coverage does not hold completely keeps its label and gets ``volledig =
  False`` (a publication shows it as incomplete or leaves it out). Rows exist only where
  there is something to count (no zero rows). A coverage that ends before it starts (the
  first claim month after the newest message) stops with a Dutch ``CoverageError``.
* **Reference day** (``peildag``) of stock figures (inhabitants, running allocations, age
  and household type): the last day of the period, or the last day of the data when the
  period runs past it; never a day the data do not describe.
* **Client**: a person with an allocation of the law whose ``[ingangsdatum, einddatum]``
  (both inclusive, NULL = open) overlaps the period. Counted once per area and period
  (CBS GMSD: unieke personen met een maatwerkvoorziening in de periode).
* **Area**: the residence (``verblijf``) overlapping the period with the latest ``van``.
  Without one, the person counts at gemeente level only, under the gemeentecode of the
  allocation, request or claim. Residences are clean by then: zero-length and reversed
  ones are quarantined by the BRP reader, overlaps trimmed at the door (the later start
  wins, ``warehouse/residences.py``), so a person has one address per day.
* **Rates per 1,000**: numerator and denominator are one population, the residents.
  The numerator holds the clients placed in the area by a residence in the period (with
  ``leeftijd_tot``: younger than that on the reference day); clients without a residence
  are counted apart in ``clienten_zonder_woonadres_<wet>`` (gemeente level) and never in a
  rate. The denominator is the persons whose residence covers the reference day, in the
  area of that residence; youth care relates to those under 23 (birth month taken as day
  1), as CBS does (StatLine 84134NED/85099NED: jongeren met jeugdzorg in % van alle
  jongeren tot 23 jaar). A client who moved away or died in the period still counts in
  the numerator but not in the denominator: the numerator counts over the period, the
  denominator is the population on one day.
* **Inflow**: a person whose allocation starts in the period while no allocation of the
  law covered any of the 365 days before the start. **Outflow**: a person whose allocation
  ends in the period and no allocation of the law covers any of the 365 days after the end
  (as far as the data knows now, so recent outflow can still fall when new data arrives).
* **Waiting times**: each 315 request line is paired with the first allocation (301) of the
  same person, law, provider and product category whose ``toewijzingsdatum`` (else
  ``ingangsdatum``) is on or after the request date; counted in the period of the
  allocation. Allocation to start: ``toewijzingsdatum`` (else ``ingangsdatum``) to the first
  ``levering.start`` of that allocation, negative waits as 0, counted in the period of the
  start. Median and 90th percentile with linear interpolation (``quantile_cont``, as pandas).
* **Shares** (``soort: percentage``, gemeente only): the requests of the waiting time
  answered within ``norm_dagen`` calendar days (OP274: 5 working days, taken as 7 days, the
  norm line of report and dashboard); the inflow whose starting allocation answered a 315
  request (its noemer is ``instroom_<wet>``, cell for cell). ``n`` is the smaller of the
  persons in and out of the share, so a share resting on a few is hidden.
* **Costs**: net sum of claim lines (credit lines negative) in euros, in the period that
  contains ``periode_begin``; cost per client divides by the persons with a claim line.
* **Categories**: ``clienten_per_categorie_<wet>`` is one indicator with the product
  category in the ``categorie`` column (``onbekend`` when missing; a person with products
  in two categories counts in both); every other indicator has ``categorie == ''``. The
  CSV export writes it into the id: ``clienten_per_categorie_wmo:02``.
* Allocations with ``einddatum < ingangsdatum`` (withdrawn) are ignored everywhere.
* ``n`` is the number of distinct persons behind a value (the disclosure-control base);
  ``ladingen`` the sorted lading ids of every row that contributed, including residences.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from stuurdata.engine.base import Engine, HelperMaker, as_engine
from stuurdata.indicators.families import (
    DAYS,
    FAMILIES,
    Context,
    claim_totals,
    client_facts,
    inhabitant_groups,
    person_areas,
    placed_days,
    residents,
)
from stuurdata.indicators.groups import bounds
from stuurdata.indicators.periods import CoverageError, calendar_rows, calendar_table
from stuurdata.indicators.registry import Definition, load_definitions

COLUMNS = [
    "indicator",
    "versie",
    "niveau",
    "gebiedscode",
    "periodesoort",
    "periode",
    "categorie",
    "teller",
    "noemer",
    "waarde",
    "n",
    "ladingen",
    "volledig",
]

# The rules every indicator follows at the edges of the data, in plain Dutch (docs and report).
ALGEMENE_REGELS = """\
- **Periode en gegevens.** Een periode telt alleen de dagen waarover het pakhuis gegevens heeft:
  vanaf de eerste maand met een declaratie (zonder declaraties: vanaf het oudste bericht) tot en
  met de datum van het nieuwste bericht. Wat daarvoor of daarna ligt, telt nergens mee, ook niet
  een toewijzing die pas na het nieuwste bericht ingaat. Een periode die de gegevens maar voor een
  deel dekken, heet *onvolledig* (kolom `volledig` is dan onwaar): vergelijk die niet met een hele
  periode.
- **Peildag.** Wat op één dag wordt geteld (inwoners, lopende toewijzingen, leeftijd,
  huishoudtype) telt op de laatste dag van de periode, of op de laatste dag met gegevens als de
  periode verder loopt dan de gegevens.
- **Adres.** Iemand heeft op één dag één adres. Verblijfsperiodes van nul dagen of met een
  vertrek voor de vestiging gaan aan de poort in quarantaine; overlappen twee periodes, dan
  eindigt de eerste op de dag dat de volgende begint (zie docs/brp-extract.md).
- **Per 1.000 inwoners.** Teller en noemer gaan over dezelfde mensen: de inwoners. Cliënten
  zonder adres in de gemeente tellen apart (*zonder woonadres in de gemeente*).
"""

_AREAS_TABLE = "_stuurdata_persoon_gebied"
_CALENDAR_TABLE = "_stuurdata_kalender"
_INHABITANTS_TABLE = "_stuurdata_inwoners"
_RESIDENTS_TABLE = "_stuurdata_verblijf"
_CLIENTS_TABLE = "_stuurdata_clienten_{}"
_CLAIMS_TABLE = "_stuurdata_declaraties_{}"
_DAYS_TABLE = "_stuurdata_dagen_{}_{}"
# the families that count from the shared helper tables
_CLIENT_FAMILIES = {"clienten", "clienten_per_1000", "clienten_zonder_woonadres"}
_COST_FAMILIES = {"kosten", "kosten_per_client"}


def empty_frame() -> pd.DataFrame:
    """The result contract with no rows (typed, so callers can concat and filter)."""
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
    for column in ("teller", "noemer", "waarde"):
        frame[column] = frame[column].astype("float64")
    for column in ("versie", "n"):
        frame[column] = frame[column].astype("int64")
    frame["volledig"] = frame["volledig"].astype("bool")
    return frame


def select_definitions(ids: Sequence[str] | None) -> list[Definition]:
    """The definitions asked for (all when ``ids`` is None), failing on unknown ids."""
    definitions = load_definitions()
    if ids is None:
        return list(definitions.values())
    unknown = [i for i in ids if i not in definitions]
    if unknown:
        raise ValueError(f"Onbekende indicator(en): {', '.join(unknown)}")
    return [definitions[i] for i in dict.fromkeys(ids)]


def data_coverage(con: duckdb.DuckDBPyConnection | Engine) -> tuple[date, date] | None:
    """The span the warehouse describes completely, or None when there is no data.

    It ends at the newest message. It starts at the first service month with a claim when
    there are claims: claims are the monthly flow of a traffic history, while allocations
    and starts dated earlier are only the still-running part of an older history (counting
    clients there would show a false rise). Without claims it starts at the oldest message.
    """
    t = as_engine(con).tables
    days = [
        (t["bericht"], "dagtekening"),
        (t["toewijzing"], "dagtekening"),
        (t["verzoek"], "ontvangen"),
        (t["declaratie"], "dagtekening"),
        (t["levering"], "dagtekening_start"),
        (t["levering"], "dagtekening_stop"),
        (t["declaratie"], "periode_begin"),  # the claim flow (only for the start)
    ]
    u = ibis.union(
        *[
            tab.select(d=tab[col].cast("date"), claim=ibis.literal(col == "periode_begin"))
            for tab, col in days
        ]
    )
    row = (
        as_engine(con)
        .execute(
            u.aggregate(
                first=u.d.min(where=~u.claim),
                last=u.d.max(where=~u.claim),
                first_claim=u.d.min(where=u.claim),
            )
        )
        .to_pylist()[0]
    )
    first, last, first_claim = row["first"], row["last"], row["first_claim"]
    if first is None:
        return None
    if first_claim is not None:
        first_claim = first_claim.replace(day=1)
    if first_claim is not None and first_claim > last:
        raise CoverageError(
            f"De eerste maand met een declaratie ({first_claim:%m-%Y}) ligt na het nieuwste "
            f"bericht ({last:%d-%m-%Y}), dus er is geen periode die de gegevens beschrijven. "
            "Controleer de declaratieperiodes of lees ook de nieuwste berichten in."
        )
    return (first_claim if first_claim is not None else first), last


def _finish(expr: ir.Table, d: Definition) -> ir.Table:
    """Keep the definition's levels and periods, add id/version, lineage as text."""
    expr = expr.filter(expr.niveau.isin(list(d.niveaus)), expr.periodesoort.isin(list(d.periodes)))
    ladingen: Any = expr.lin.sort().cast("array<string>").join(",")
    return expr.select(
        indicator=ibis.literal(d.id),
        versie=ibis.literal(d.versie, type="int64"),
        niveau=expr.niveau,
        gebiedscode=expr.gebiedscode,
        periodesoort=expr.periodesoort,
        periode=expr.periode,
        categorie=expr.categorie,
        teller=expr.teller,
        noemer=expr.noemer,
        waarde=expr.waarde,
        n=expr.n,
        ladingen=ladingen.fill_null(""),
    )


def compute_indicators(
    con: duckdb.DuckDBPyConnection | Engine, ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """All (or the named) indicators for every level and period, as one long frame.

    ``con`` is a warehouse connection (DuckDB) or any ``stuurdata.engine.Engine`` (Spark):
    the same expressions run on either. Unprotected: pass the result through
    ``privacy.disclosure.protect`` before it leaves the platform.
    """
    definitions = select_definitions(ids)
    unknown = sorted({d.berekening for d in definitions} - FAMILIES.keys())
    if unknown:
        raise ValueError(f"Onbekende berekening(en): {', '.join(unknown)}")
    engine = as_engine(con)
    coverage = data_coverage(engine)
    if coverage is None or not definitions:
        return empty_frame()
    tables = engine.tables
    schema = repr([t.schema() for t in tables.values()])
    # What several indicators share becomes a helper table with a fixed name, made once
    # per call: the calendar, the person areas, per law the placed client facts, the claim
    # totals and the placed day counts, the inhabitants per buurt and group. No indicator
    # repeats a join another one made, and the compiled SQL of each indicator stays the
    # same from call to call, so it can be cached (Ibis compilation costs ~0.05-0.3 s each).
    with _few_collections(), engine.helpers() as helper:
        ctx = _shared(helper, tables, calendar_table(*coverage), definitions)
        prepare = getattr(engine, "prepare", None)
        compiled = getattr(engine, "compiled", None)  # DuckDB: SQL cached by key

        def build(d: Definition) -> tuple[ir.Table | None, str]:
            key = d.model_dump_json() + schema
            if compiled is not None and compiled(key):
                return None, key  # compiled in an earlier call: no expression needed
            expr = _finish(FAMILIES[d.berekening](ctx, d), d)
            if prepare is not None:
                prepare(expr, key)
            return expr, key

        def run(expr: ir.Table | None, key: str) -> pa.Table:
            if expr is None:
                result: pa.Table = engine.run_compiled(key)  # type: ignore[attr-defined]
                return result
            return engine.execute(expr, key)

        # Building and compiling an expression is Python work (~0.05 s per definition in a
        # fresh process); the database releases the interpreter while it runs a query, so
        # one thread prepares the next definitions while this one executes, in order.
        with ThreadPoolExecutor(max_workers=1) as pool:
            built = [pool.submit(build, d) for d in definitions]
            parts = [run(*job.result()) for job in built]
    return normalise_frame(mark_complete(pa.concat_tables(parts).to_pandas(), *coverage))


@contextmanager
def _few_collections() -> Iterator[None]:
    """Let Python's cyclic garbage collector run less often while expressions are built.

    Ibis builds and rewrites expression trees out of hundreds of thousands of short-lived
    objects; with the default threshold (700 allocations) a call ran ~900 collections,
    ~6 % of its CPU time at 20,000 inhabitants. Memory is unaffected: the objects are
    freed by reference counting; only the rare cycles wait a little longer.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 100_000), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _shared(
    helper: HelperMaker, tables: dict[str, ir.Table], calendar: pa.Table, defs: list[Definition]
) -> Context:
    """The helper tables the definitions ``defs`` share, made once, as their ``Context``."""
    cal = helper(_CALENDAR_TABLE, calendar)
    areas = helper(_AREAS_TABLE, person_areas(tables, cal))
    cuts = _age_cuts(defs)
    households = any(d.groep == "huishouden" for d in defs)
    laws: list[str] = sorted({d.wet for d in defs if d.berekening in _CLIENT_FAMILIES})
    clients = {
        w: helper(_CLIENTS_TABLE.format(w), client_facts(tables, cal, areas, w, cuts, households))
        for w in laws
    }
    inh = None
    if any(d.berekening == "clienten_per_1000" for d in defs):
        res = helper(_RESIDENTS_TABLE, residents(tables))
        inh = helper(_INHABITANTS_TABLE, inhabitant_groups(res, cal, cuts, households))
    ctx = Context(tables=tables, cal=cal, areas=areas, inhabitants=inh, clients=clients)
    laws = sorted({d.wet for d in defs if d.berekening in _COST_FAMILIES})
    claims = {w: helper(_CLAIMS_TABLE.format(w), claim_totals(ctx, w)) for w in laws}
    pairs: list[tuple[str, str]] = sorted(
        {(d.berekening, d.wet) for d in defs if d.berekening in DAYS}
    )
    days = {(b, w): helper(_DAYS_TABLE.format(b, w), placed_days(ctx, b, w)) for b, w in pairs}
    return replace(ctx, claims=claims, days=days)


def _age_cuts(definitions: Sequence[Definition]) -> list[int]:
    """Every age bound the definitions use (group bounds and ``leeftijd_tot``): the bands
    of the helper tables, so each age question has an exact answer there."""
    cuts: set[int] = set()
    for d in definitions:
        if d.groep == "leeftijd":
            cuts.update(bounds(d.parameters.get("grenzen", "")))
        if d.parameters.get("leeftijd_tot") is not None:
            cuts.add(int(d.parameters["leeftijd_tot"]))
    return sorted(cuts)


def mark_complete(frame: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """``frame`` with ``volledig``: does the data coverage hold the whole period?"""
    cal = pd.DataFrame(calendar_rows(first, last))[["periodesoort", "periode", "volledig"]]
    return frame.drop(columns="volledig", errors="ignore").merge(
        cal, on=["periodesoort", "periode"], how="left", validate="many_to_one"
    )


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Stable order and dtypes, so results compare and store reproducibly."""
    if frame.empty:
        return empty_frame()
    frame = frame[COLUMNS].copy()
    for column in ("teller", "noemer", "waarde"):
        frame[column] = frame[column].astype("float64")
    for column in ("versie", "n"):
        frame[column] = frame[column].astype("int64")
    for column in ("indicator", "niveau", "gebiedscode", "periodesoort", "periode"):
        frame[column] = frame[column].astype("str")
    frame["categorie"] = frame["categorie"].astype("str")
    frame["ladingen"] = frame["ladingen"].astype("str")
    frame["volledig"] = frame["volledig"].astype("bool")
    order = ["indicator", "niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)
