"""Signals and comparisons for the dashboard, from the publication alone.

Two things a beleidsmedewerker asks of a figure: *is this different, or chance?* and *where
should I look?* Both are answered from published (protected, rounded) rows only:

* **Funnels** (``publication.integraal.wijk_funnel``): wijken or buurten of a rate per 1,000
  against the pooled rate of the gemeente's areas, with 95% and 99.8% limits; the gemeente
  among its peers (similar size and urbanity, or the region's gemeenten) against the peers'
  pooled rate without the gemeente itself, with the national figure beside it. The peers'
  and national figures are public CBS figures carried in the publication.
* **Signals** on the Overzicht, per law: an area outside the 99.8% funnel limits, the
  gemeente outside its peers' limits, and a median waiting time above the norm.

Limits are drawn on a grid of population sizes, never per area (a per-area limit would
give away its unrounded population).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from stuurdata.analysis.funnel import DEFINITIE as FUNNEL_DEF
from stuurdata.analysis.funnel import chart_frames
from stuurdata.indicators.registry import Definition, norm_dagen
from stuurdata.publication.integraal import VERGELIJKING, peer_funnel, wijk_funnel
from stuurdata.report.format import MISSING, SUPPRESSED, fmt_number, period_label
from stuurdata.web.figures import _one_image
from stuurdata.web.publicatie import WebPublicatie

WETTEN = {"wmo": "Wmo", "jeugd": "Jeugdwet"}
# OP274: the gemeente answers a request for allocation (315) within 5 working days, which
# is 7 calendar days; the waiting time is counted in calendar days.
NORM_WACHTTIJD = norm_dagen()
NORM_TEKST = f"5 werkdagen ({NORM_WACHTTIJD} kalenderdagen, regel OP274)"
DUIDELIJK = ("duidelijk hoger", "duidelijk lager")
ROLLEN = {
    "eigen": "eigen gemeente",
    "vergelijkbaar": "vergelijkbare gemeente",
    "regio": "gemeente in de regio",
}


@dataclass
class Signaal:
    """One thing to look at, in Dutch, with the page that shows it."""

    wet: str
    soort: str  # trechter | vergelijking | wachttijd | begroting
    tekst: str
    href: str


@dataclass
class Vergelijking:
    """A comparison beside the explorer's figure: a funnel chart and its table."""

    titel: str
    toelichting: str
    kolommen: list[str]
    rijen: list[list[str]]
    svg: str = ""
    definitie: str = FUNNEL_DEF
    signalen: list[str] = field(default_factory=list)


def _rate(value: float) -> str:
    return SUPPRESSED if pd.isna(value) else fmt_number(float(value), 1)


def funnel_svg(frame: pd.DataFrame, labels: list[str], prefix: str, titel: str) -> str:
    """The funnel as inline SVG (no JavaScript; the table beside it carries the values)."""
    from stuurdata.report.charts import to_svg
    from stuurdata.report.integraal_charts import funnel_chart

    shown = frame.assign(Label=labels)
    shown = shown[shown["waarde"].notna() & shown["noemer"].gt(0)]
    if shown.empty:
        return ""
    doel = float(frame["doel"].iloc[0])
    points, lines = chart_frames(shown, doel)
    spec = funnel_chart(points, lines, doel, "per 1.000 inwoners")
    return _one_image(to_svg(spec, prefix, titel))


def area_funnel(
    pub: WebPublicatie, d: Definition, niveau: str, periodesoort: str, periode: str | None
) -> Vergelijking | None:
    """Wijken or buurten of a rate per 1,000 in a funnel around the gemeente's areas."""
    if d.soort != "per_1000" or niveau not in ("wijk", "buurt"):
        return None
    frame = wijk_funnel(
        pub.cijfers,
        pub.gemeente,
        maat=d.id,
        niveau=niveau,
        periodesoort=periodesoort,
        periode=periode,
    )
    if frame.empty or frame["oordeel"].eq("geen cijfer").all():
        return None
    labels = [pub.naam(str(c)) for c in frame["eenheid"]]
    doel = float(frame["doel"].iloc[0])
    when = period_label(str(frame["periode"].iloc[0]))
    titel = f"Trechterdiagram: {d.naam} per {niveau}, {when}"
    rijen = [
        [label, _rate(r.waarde), str(r.oordeel)]
        for label, r in sorted(zip(labels, frame.itertuples(), strict=True))
    ]
    opvallend = [
        f"{label}: {r.oordeel} dan het gemiddelde"
        for label, r in zip(labels, frame.itertuples(), strict=True)
        if r.oordeel in DUIDELIJK
    ]
    return Vergelijking(
        titel,
        f"Elk punt is een {niveau} met zijn cijfer tegen het aantal inwoners. De lijn in het "
        f"midden is het gemiddelde van de {niveau}en samen: {fmt_number(doel, 1)} per 1.000. "
        "Alleen een punt buiten de doorgetrokken lijnen (99,8%) wijkt duidelijk af.",
        [niveau.capitalize(), f"Waarde ({d.eenheid})", "Oordeel"],
        rijen,
        funnel_svg(frame, labels, f"trechter-{niveau}", titel),
        signalen=opvallend,
    )


def peer_comparison(pub: WebPublicatie, d: Definition) -> Vergelijking | None:
    """The gemeente among its peers (and the region) with the national figure."""
    rows = pub.cijfers[pub.cijfers["maat"] == VERGELIJKING]
    if rows.empty or d.id != VERGELIJKING.removeprefix("vergelijking_"):
        return None
    frame, land = peer_funnel(rows, pub.namen)
    if frame.empty:
        return None
    labels = [pub.naam(str(c)) for c in frame["eenheid"]]
    jaar = str(frame["periode"].iloc[0])
    has_funnel = "oordeel" in frame.columns
    rijen = [
        [label, ROLLEN.get(str(r.rol), str(r.rol)), _rate(r.waarde)]
        + ([str(r.oordeel)] if has_funnel else [])
        for label, r in zip(labels, frame.itertuples(), strict=True)
    ]
    if not math.isnan(land):
        rijen.append(["Nederland", "landelijk", _rate(land)] + ([MISSING] if has_funnel else []))
    kolommen = ["Gemeente", "Rol", f"Waarde ({d.eenheid})"] + (["Oordeel"] if has_funnel else [])
    titel = f"{d.naam}: vergelijking met andere gemeenten, {jaar}"
    toelichting = (
        "De eigen gemeente naast gemeenten die erop lijken (grootte en stedelijkheid) of de "
        "andere gemeenten van de regio, en het landelijke cijfer. Het gemiddelde van de "
        "vergeleken gemeenten telt de eigen gemeente niet mee. Bron van de andere gemeenten: "
        "CBS (definitie GMSD) of deze publicatie."
    )
    if not has_funnel:
        toelichting += " Er zijn te weinig gemeenten die op deze gemeente lijken voor een trechter."
    svg = funnel_svg(frame, labels, "trechter-gemeenten", titel) if has_funnel else ""
    opvallend = []
    if has_funnel:
        eigen = frame[frame["rol"] == "eigen"]
        for r in eigen.itertuples():
            if r.oordeel in DUIDELIJK:
                opvallend.append(
                    f"{pub.naam(str(r.eenheid))}: {r.oordeel} dan vergelijkbare gemeenten"
                )
    return Vergelijking(titel, toelichting, kolommen, rijen, svg, signalen=opvallend)


def comparisons(
    pub: WebPublicatie, d: Definition, niveau: str, periodesoort: str, periode: str | None
) -> list[Vergelijking]:
    """What the explorer shows beside a figure: the areas' funnel, the peers."""
    found = [area_funnel(pub, d, niveau, periodesoort, periode)]
    if niveau == "gemeente":
        found.append(peer_comparison(pub, d))
    return [v for v in found if v is not None]


def _waiting(pub: WebPublicatie, wet: str) -> Signaal | None:
    """The median waiting time of the newest complete quarter above the norm."""
    maat = f"wachttijd_verzoek_toewijzing_mediaan_{wet}"
    c = pub.cijfers
    rows = c[
        (c["maat"] == maat)
        & (c["niveau"] == "gemeente")
        & (c["periodesoort"] == "kwartaal")
        & (c["categorie"].fillna("") == "")
    ]
    if pub.gemeente:
        rows = rows[rows["gebiedscode"] == pub.gemeente]
    if "volledig" in rows.columns:
        rows = rows[rows["volledig"].astype(bool)]
    if rows.empty:
        return None
    newest = rows.sort_values("periode").iloc[-1]
    value = float(newest["waarde"]) if pd.notna(newest["waarde"]) else math.nan
    if math.isnan(value) or value <= NORM_WACHTTIJD:
        return None
    return Signaal(
        wet,
        "wachttijd",
        f"Wachttijd verzoek tot toewijzing in {period_label(str(newest['periode']))}: de helft "
        f"wacht langer dan {fmt_number(value)} dagen; de norm is {NORM_TEKST}.",
        f"/verkenner?maat={maat}&niveau=gemeente&periodesoort=kwartaal",
    )


def budget_signal(cijfers: pd.DataFrame, wet: str) -> Signaal | None:
    """This year's projected cost of ``wet`` above its budget (the published year-end rows)."""
    from stuurdata.report.prognose import read_year_end

    year = read_year_end(cijfers)
    if year.empty:
        return None
    rows = year[(year["wet"] == wet) & (year["productcategorie"].fillna("") == "")]
    if rows.empty:
        return None
    r = rows.sort_values("jaar").iloc[-1]
    if pd.isna(r["verschil"]) or r["verschil"] <= 0:
        return None
    zeker = (
        " Ook de ondergrens van het 80%-interval ligt boven de begroting."
        if pd.notna(r["lo80"]) and r["lo80"] > r["begroting"]
        else " Het 80%-interval loopt tot onder de begroting: het kan ook meevallen."
    )
    return Signaal(
        wet,
        "begroting",
        f"De kosten van {int(float(r['jaar']))} komen naar verwachting "
        f"€ {fmt_number(float(r['verschil']))} boven de begroting uit.{zeker}",
        "/prognose",
    )


def signals(pub: WebPublicatie, definitions: dict[str, Definition]) -> dict[str, list[Signaal]]:
    """Per law what stands out: areas outside the funnel, the gemeente among its peers,
    waiting above the norm, the year-end above the budget. Laws without signals get an
    empty list."""
    out: dict[str, list[Signaal]] = {}
    for wet in WETTEN:
        found: list[Signaal] = []
        maat = f"clienten_per_1000_{wet}"
        d = definitions.get(maat)
        if d is not None:
            funnel = area_funnel(pub, d, "wijk", "jaar", None)
            href = f"/verkenner?maat={maat}&niveau=wijk&periodesoort=jaar"
            found += [Signaal(wet, "trechter", s, href) for s in funnel.signalen] if funnel else []
            peers = peer_comparison(pub, d)
            href = f"/verkenner?maat={maat}&niveau=gemeente&periodesoort=jaar"
            found += (
                [Signaal(wet, "vergelijking", s, href) for s in peers.signalen] if peers else []
            )
        waiting = _waiting(pub, wet)
        found += [waiting] if waiting else []
        budget = budget_signal(pub.cijfers, wet)
        found += [budget] if budget else []
        out[wet] = found
    return out
