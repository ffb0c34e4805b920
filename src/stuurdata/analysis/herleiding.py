"""Klopt dit getal? How one published figure was made, in words and counts.

For one figure of a publication (indicator x area x period) this says: the definition and
its version, the counting rule in plain Dutch, the parts the count is made of (persons with
an allocation in the period; of whom without an address in the gemeente, who count at
gemeente level only; allocations; withdrawn allocations left out), the loads it came from
(read = loaded + quarantined + duplicate) and the caveats (rounding, suppression, an
incomplete period, quarantine, the chain-quality label).

It reads the warehouse (read-only) because the parts are not in the publication; the caller
runs it under a purpose (``web.context.bekijk``), and every count of persons it returns has
passed the installation's disclosure rule (``protect_parts``), so a part never shows more
than the figure itself would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from stuurdata.indicators.periods import period_end
from stuurdata.indicators.registry import Definition
from stuurdata.privacy.disclosure import ONDERDRUKT, DisclosureRule
from stuurdata.publication.onderdelen import Onderdeel, protect_parts
from stuurdata.warehouse.database import open_warehouse

# Families whose count is "distinct persons with an allocation of the law in the period".
CLIENT_FAMILIES = ("clienten", "clienten_zonder_woonadres", "clienten_per_1000")
# Of those, the ones whose published count is the parts' total (no age or group filter).
PART_FAMILIES = ("clienten", "clienten_zonder_woonadres")
NIVEAU_KOLOM = {"gemeente": "gm", "wijk": "wk", "buurt": "bu"}
MAX_LADINGEN = 50
WET_NAAM = {"wmo": "Wmo", "jeugd": "Jeugdwet"}


@dataclass(frozen=True)
class Lading:
    """One load the figure came from (file named by its sha256, never its own name)."""

    bron: str
    bestand: str
    gelezen: int
    geladen: int
    gequarantaineerd: int
    dubbel: int
    klaar: str


@dataclass
class Herleiding:
    """The answer to "klopt dit getal?" for one published figure."""

    definitie: Definition
    niveau: str
    gebiedscode: str
    periodesoort: str
    periode: str
    waarde: float | None
    status: str
    volledig: bool | None
    regel: list[str]
    onderdelen: list[Onderdeel] = field(default_factory=list)
    ladingen: list[Lading] = field(default_factory=list)
    aantal_ladingen: int = 0
    kanttekeningen: list[str] = field(default_factory=list)
    personen: int | None = None  # persons behind the largest part (for the audit record)


def period_bounds(soort: str, periode: str) -> tuple[date, date]:
    """``[begin, eind)`` of a published period label (``2026``, ``2026-K1``, ``2026-02``)."""
    year = int(periode[:4])
    if soort == "jaar":
        begin = date(year, 1, 1)
    elif soort == "kwartaal":
        begin = date(year, 3 * (int(periode[-1]) - 1) + 1, 1)
    else:
        begin = date(year, int(periode[5:7]), 1)
    return begin, period_end(soort, begin)


def published_row(
    publicatie: Path, maat: str, gebiedscode: str, periodesoort: str, periode: str
) -> dict[str, object] | None:
    """The publication's row of one figure (total category), with its lineage columns."""
    frame = pd.read_parquet(Path(publicatie) / "cijfers.parquet")
    if "indicator" in frame.columns:
        frame = frame.rename(columns={"indicator": "maat"})
    rows = frame[
        (frame["maat"] == maat)
        & (frame["gebiedscode"] == gebiedscode)
        & (frame["periodesoort"] == periodesoort)
        & (frame["periode"] == periode)
    ]
    if rows.empty:
        return None
    rows = rows.sort_values("categorie")  # "" (the total) first, when there is one
    return {k: (None if _missing(v) else v) for k, v in rows.iloc[0].to_dict().items()}


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def counting_rule(d: Definition, niveau: str) -> list[str]:
    """The counting rule in plain Dutch, sentence by sentence."""
    zinnen = [d.definitie]
    if d.berekening in CLIENT_FAMILIES:
        wet = WET_NAAM.get(d.wet, d.wet)
        zinnen.append(
            f"Zo tellen we: iedereen met minstens één toewijzing voor de {wet} die op een dag "
            "in de periode liep, telt één keer mee. Een toewijzing die is ingetrokken "
            "(einddatum vóór de ingangsdatum) telt niet mee."
        )
        if niveau == "gemeente":
            zinnen.append(
                "Wie in de periode geen adres in de gemeente had, telt wel mee voor de "
                "gemeente, maar niet voor een wijk of buurt."
            )
        else:
            zinnen.append(
                f"Iemand telt mee in de {niveau} van het adres waar hij of zij in de periode "
                "het laatst kwam wonen. Wie geen adres in de gemeente had, telt hier niet mee."
            )
    if d.teller:
        zinnen.append(f"Teller: {d.teller}.")
    if d.noemer:
        zinnen.append(f"Noemer: {d.noemer}.")
    return zinnen


def _float(value: object) -> float | None:
    return None if _missing(value) else float(value)  # type: ignore[arg-type]


def client_parts_sql(area: str) -> str:
    """Per person with an allocation of ``$wet`` in the period: placed in which area.

    Mirrors ``indicators.families.clienten``: the residence overlapping the period with the
    latest ``van``; without one, the allocation's gemeente.
    """
    return f"""
    WITH alloc AS (
        SELECT persoon_id, any_value(gemeentecode) AS fact_gm, count(*) AS toewijzingen
        FROM toewijzing
        WHERE wet = $wet AND ingangsdatum < $eind
          AND coalesce(einddatum, DATE '9999-12-31') >= $begin
          AND (einddatum IS NULL OR einddatum >= ingangsdatum)
        GROUP BY persoon_id
    ),
    res AS (
        SELECT persoon_id, arg_max(gemeentecode, van) AS gm, arg_max(wijkcode, van) AS wk,
               arg_max(buurtcode, van) AS bu
        FROM verblijf
        WHERE van < $eind AND coalesce(tot, DATE '9999-12-31') > $begin
        GROUP BY persoon_id
    ),
    placed AS (
        SELECT a.persoon_id, a.toewijzingen, r.gm IS NOT NULL AS wonend,
               coalesce(r.gm, a.fact_gm) AS gm, r.wk, r.bu
        FROM alloc a LEFT JOIN res r USING (persoon_id)
    )
    SELECT * FROM placed WHERE {area} = $code
    """


def _client_parts(
    con: duckdb.DuckDBPyConnection, d: Definition, niveau: str, code: str, begin: date, eind: date
) -> list[tuple[str, float | None, bool]]:
    params = {"wet": d.wet, "begin": begin, "eind": eind, "code": code}
    placed = con.execute(client_parts_sql(NIVEAU_KOLOM[niveau]), params).df()
    withdrawn = con.execute(
        "SELECT count(DISTINCT persoon_id) FROM toewijzing WHERE wet = $wet "
        "AND einddatum < ingangsdatum AND ingangsdatum < $eind AND einddatum >= $begin",
        {"wet": d.wet, "begin": begin, "eind": eind},
    ).fetchall()[0][0]
    wet = WET_NAAM.get(d.wet, d.wet)
    total = float(len(placed))
    wonend = float(placed["wonend"].sum()) if total else 0.0
    parts: list[tuple[str, float | None, bool]] = [
        (f"Personen met een toewijzing {wet} in de periode, in dit gebied", total, False),
        ("waarvan met een adres in de gemeente in de periode", wonend, True),
    ]
    if niveau == "gemeente":
        parts.append(
            ("waarvan zonder adres in de gemeente (tellen alleen hier mee)", total - wonend, True)
        )
    parts.append(
        (
            f"Toewijzingen {wet} van deze personen in de periode",
            float(placed["toewijzingen"].sum()) if total else 0.0,
            False,
        )
    )
    if niveau == "gemeente":
        parts.append(
            (
                f"Personen met alleen een ingetrokken toewijzing {wet} (tellen niet mee)",
                float(withdrawn),
                False,
            )
        )
    return parts


def has_parts(d: Definition) -> bool:
    """Whether the figure is a plain count of clients (its parts can be shown)."""
    return (
        d.berekening in PART_FAMILIES
        and d.wet in WET_NAAM
        and d.groep is None
        and not d.per_categorie
    )


def _loads(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> list[Lading]:
    if not ids:
        return []
    rows = con.execute(
        "SELECT bron, bestand, gelezen, geladen, gequarantaineerd, dubbel, klaar FROM lading "
        "WHERE lading_id IN (SELECT unnest($ids)) ORDER BY klaar DESC, lading_id DESC",
        {"ids": list(ids)},
    ).fetchall()
    return [
        Lading(str(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), str(r[6])[:16])
        for r in rows
    ]


def lading_ids(text: object) -> list[int]:
    """The lading ids of a published row's ``ladingen`` (comma-separated)."""
    return [int(x) for x in str(text or "").split(",") if x.strip().isdigit()]


def herleid(
    pakhuis: Path,
    publicatie: Path,
    d: Definition,
    gebiedscode: str,
    periodesoort: str,
    periode: str,
    *,
    rule: DisclosureRule,
    label: str | None = None,
) -> Herleiding | None:
    """How the published figure ``d`` x area x period was made; None if it is not published."""
    row = published_row(publicatie, d.id, gebiedscode, periodesoort, periode)
    if row is None:
        return None
    niveau = str(row["niveau"])
    volledig = row.get("volledig")
    out = Herleiding(
        definitie=d,
        niveau=niveau,
        gebiedscode=gebiedscode,
        periodesoort=periodesoort,
        periode=periode,
        waarde=_float(row.get("waarde")),
        status=str(row.get("status") or ""),
        volledig=None if volledig is None else bool(volledig),
        regel=counting_rule(d, niveau),
    )
    ids = lading_ids(row.get("ladingen"))
    begin, eind = period_bounds(periodesoort, periode)
    con = open_warehouse(pakhuis, read_only=True, create=False)
    try:
        parts = _client_parts(con, d, niveau, gebiedscode, begin, eind) if has_parts(d) else []
        loads = _loads(con, ids)
    finally:
        con.close()
    if parts:
        out.onderdelen = protect_parts(parts, rule)
        out.personen = int(max(p[1] or 0 for p in parts))
    out.aantal_ladingen = len(loads)
    out.ladingen = loads[:MAX_LADINGEN]
    out.kanttekeningen = caveats(out, loads, rule, label)
    return out


def caveats(
    h: Herleiding, loads: Sequence[Lading], rule: DisclosureRule, label: str | None
) -> list[str]:
    """What to keep in mind when comparing this figure with another list."""
    notes = []
    if h.status == ONDERDRUKT:
        notes.append(
            f"Dit getal wordt niet getoond: het gaat om minder dan {rule.min_count} personen."
        )
    elif h.status == "afgerond":
        notes.append(
            f"Het getal is afgerond op {rule.round_to}-tallen (de aantallen hieronder ook). "
            "Kleine verschillen met uw eigen telling kunnen daardoor komen."
        )
    if h.volledig is False:
        notes.append(
            "De gegevens beslaan deze periode niet helemaal: het getal kan nog veranderen."
        )
    quarantined = sum(x.gequarantaineerd for x in loads)
    if quarantined:
        notes.append(
            f"Bij het inlezen van deze bestanden zijn {quarantined} berichten of regels "
            "afgekeurd (quarantaine). Wat daarin stond, telt niet mee tot het opnieuw is "
            "aangeleverd."
        )
    if label:
        notes.append(f"Kwaliteit van de keten voor dit cijfer: {label}.")
    if h.niveau != "gemeente" and h.definitie.berekening in CLIENT_FAMILIES:
        notes.append(
            "Een wijk of buurt telt alleen wie er woonde; wie in de periode verhuisde, telt "
            "in het gebied van het laatste adres."
        )
    return notes
