"""The report's summary "Vijf dingen om te weten", written from the published figures.

A raadslid reads the first page and perhaps nothing else. So the summary says, in short B1
sentences, what stands out: clear changes against the previous period and last year, the
year-end against the budget, waiting above the norm, providers to talk to, wijken that
differ more than chance explains. Every sentence is made from figures the report shows
(the publication and its finished chapters); nothing is a fixed text that could go stale.
A change counts as clear when it is larger than chance variation of a count (about two
standard deviations, Poisson); a wijk stands out outside the 99.8% funnel limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stuurdata.indicators.registry import norm_dagen
from stuurdata.report.format import fmt_number, period_label
from stuurdata.report.layout import WETTEN

if TYPE_CHECKING:
    from stuurdata.report.build import _Builder
    from stuurdata.report.frame import Published, Value
    from stuurdata.report.model import Section

AANTAL = 5
TELWOORDEN = {1: "Eén ding", 2: "Twee dingen", 3: "Drie dingen", 4: "Vier dingen", 5: "Vijf dingen"}
Z_VERANDERING = 1.96  # a change larger than chance (95%)
Z_WIJK = 3.09  # outside the 99.8% funnel limit
NORM_DAGEN = norm_dagen()  # 5 working days (OP274), about a calendar week
WET_KORT = {"wmo": "de Wmo", "jeugd": "jeugdhulp"}


@dataclass(frozen=True, slots=True)
class Punt:
    """One thing to know: its weight (bigger first) and the sentence."""

    gewicht: float
    tekst: str


def _same_period_last_year(periode: str) -> str:
    year, _, rest = periode.partition("-")
    return f"{int(year) - 1}-{rest}" if rest else str(int(year) - 1)


def _in(periode: str) -> str:
    """'in het 3e kwartaal 2026', 'in februari 2026', 'in het jaar 2025'."""
    label = period_label(periode)
    return f"in het {label}" if "kwartaal" in label or label.startswith("jaar") else f"in {label}"


def _pct(new: float, old: float) -> str:
    change = 100 * (new - old) / old
    return f"{'+' if change > 0 else ''}{fmt_number(change, 0)}%"


def _changes(b: _Builder, wet: str, soort: str, periode: str) -> list[Punt]:
    """Clients this period against the one before and the same period a year earlier."""
    indicator = f"clienten_{wet}"
    periods = b.frame.periods(indicator, b.gm, soort)
    now = b.frame.value(indicator, b.gm, soort, periode)
    if now is None or now.waarde is None or periode not in periods:
        return []
    index = periods.index(periode)
    compare = []
    if index > 0:
        vorige = {"maand": "de maand", "kwartaal": "het kwartaal"}.get(soort, "het jaar")
        compare.append((periods[index - 1], f"{vorige} ervoor"))
    compare.append((_same_period_last_year(periode), "een jaar eerder"))
    found = []
    for other, wanneer in compare:
        old = b.frame.value(indicator, b.gm, soort, other)
        if old is None or old.waarde is None or old.waarde <= 0:
            continue
        z = (now.waarde - old.waarde) / math.sqrt(now.waarde + old.waarde)
        found.append((z, other, wanneer, old.waarde))
    if not found:
        return []
    wie = f"Het aantal cliënten van {WET_KORT[wet]}"
    clear = [f for f in found if abs(f[0]) >= Z_VERANDERING]
    label = _in(periode)
    if not clear:
        return [
            Punt(
                0.5,
                f"{wie} is {label} {fmt_number(now.waarde)}. Dat is ongeveer gelijk aan "
                + " en aan ".join(f"{wanneer} ({fmt_number(old)})" for _, _, wanneer, old in found)
                + ".",
            )
        ]
    parts = [
        f"{'meer' if z > 0 else 'minder'} dan {wanneer} ({fmt_number(old)} in "
        f"{period_label(other)}, {_pct(now.waarde, old)})"
        for z, other, wanneer, old in clear
    ]
    return [
        Punt(
            2 + min(6.0, max(abs(z) for z, *_ in clear)) / 3,
            f"{wie} is {label} {fmt_number(now.waarde)}: duidelijk " + " en ".join(parts) + ".",
        )
    ]


def _share(frame: Published, indicator: str, gm: str, soort: str, periode: str) -> str | None:
    value = frame.value(indicator, gm, soort, periode)
    if value is None or value.waarde is None:
        return None
    return f"{fmt_number(value.waarde, 0)}%"


def norm_sentence(frame: Published, wet: str, gm: str, soort: str, median: Value) -> str | None:
    """'68% binnen de norm van 7 dagen, gemeten bij 120 verzoeken; dat is 21% van de
    nieuwe cliënten': the share within the norm, its base and the inflow it covers."""
    binnen = _share(frame, f"aandeel_verzoek_binnen_norm_{wet}", gm, soort, median.periode)
    if binnen is None or median.teller is None:
        return None
    text = (
        f"{binnen} binnen de norm van {NORM_DAGEN} dagen, gemeten bij "
        f"{fmt_number(median.teller)} verzoeken"
    )
    dekking = _share(frame, f"aandeel_instroom_met_verzoek_{wet}", gm, soort, median.periode)
    return text + (f"; dat is {dekking} van de nieuwe cliënten" if dekking else "")


def _waiting(b: _Builder, wet: str, soort: str, periode: str) -> list[Punt]:
    """The median days from a provider's request (315) to the allocation (301)."""
    indicator = f"wachttijd_verzoek_toewijzing_mediaan_{wet}"
    value = b.frame.value(indicator, b.gm, soort, periode)
    if value is None or value.waarde is None:
        return []
    dagen = value.waarde * b.info(indicator).factor
    if dagen <= NORM_DAGEN:
        return []
    return [
        Punt(
            3 + dagen / NORM_DAGEN / 10,
            f"Verzoeken van aanbieders om een toewijzing voor {WET_KORT[wet]} kregen "
            f"{_in(periode)} pas na {fmt_number(dagen, 0 if dagen.is_integer() else 1)} "
            f"dagen antwoord (de helft wachtte langer). De norm is 5 werkdagen, ongeveer "
            f"{NORM_DAGEN} dagen{_within(b, wet, soort, periode)}.",
        )
    ]


def _within(b: _Builder, wet: str, soort: str, periode: str) -> str:
    """'; 70% kreeg binnen die tijd antwoord', when the share is published."""
    share = _share(b.frame, f"aandeel_verzoek_binnen_norm_{wet}", b.gm, soort, periode)
    return f"; {share} kreeg binnen die tijd antwoord" if share else ""


def _wijken(b: _Builder, wet: str, soort: str, periode: str) -> list[Punt]:
    """Wijken whose clients per 1,000 lie outside the 99.8% funnel around the gemeente."""
    indicator = f"clienten_per_1000_{wet}"
    df = b.frame.df
    if "noemer" not in df.columns or "teller" not in df.columns:
        return []
    rows = df[
        (df["indicator"] == indicator)
        & (df["periodesoort"] == soort)
        & (df["periode"] == periode)
        & (df["categorie"] == "")
    ]
    total = rows[rows["gebiedscode"] == b.gm]
    wijken = rows[rows["niveau"] == "wijk"].dropna(subset=["teller", "noemer"])
    if total.empty or wijken.empty:
        return []
    teller, noemer = float(total["teller"].iloc[0]), float(total["noemer"].iloc[0])
    if not (teller > 0 and noemer > 0):
        return []
    rate = teller / noemer
    found: list[tuple[float, str, float]] = []
    for code, t, n in zip(wijken["gebiedscode"], wijken["teller"], wijken["noemer"], strict=True):
        expected = rate * float(n)
        if expected < 5:
            continue
        z = (float(t) - expected) / math.sqrt(expected)
        if abs(z) >= Z_WIJK:
            found.append((z, str(code), 1000 * float(t) / float(n)))
    if not found:
        return []
    found.sort(key=lambda f: -abs(f[0]))
    names = [f"{b.names.get(code, code)} ({fmt_number(per, 0)})" for _, code, per in found[:3]]
    lijst = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    aantal = "1 wijk" if len(found) == 1 else f"{len(found)} wijken"
    return [
        Punt(
            2 + len(found) / 10,
            f"{WETTEN[wet]}: in {aantal} ligt het aantal cliënten per 1.000 inwoners verder van "
            f"de hele gemeente ({fmt_number(1000 * rate, 0)}) dan toeval verklaart "
            f"({period_label(periode)}). Het grootst is het verschil in {lijst}.",
        )
    ]


_VERSCHIL = re.compile(r"€\s*([\d.]+)\s+(boven|onder) de begroting")


def _budget(prognose: Section | None) -> list[Punt]:
    """The year-end projection against the budget, from the cards of "Prognose en budget"."""
    if prognose is None:
        return []
    parts = []
    for block in prognose.blokken:
        for card in block.kaarten:
            match = _VERSCHIL.search((card.vergelijking or "").replace("\u00a0", " "))
            if match is None:
                continue
            verschil = float(match[1].replace(".", ""))
            wet = card.naam.replace("Verwacht jaartotaal", "").strip()
            parts.append(f"{wet} {card.waarde}, € {fmt_number(verschil)} {match[2]} de begroting")
    if not parts:
        return []
    return [
        Punt(
            4.0,
            "De kosten van dit jaar komen naar verwachting uit op: " + "; ".join(parts) + ". "
            "Dit is een schatting: declaraties over de laatste maanden komen nog binnen.",
        )
    ]


def _providers(gesprek: Sequence[str]) -> list[Punt]:
    """Providers with more than one signal in the chain monitor (names or AGB codes)."""
    talk = list(gesprek)
    if not talk:
        return []
    return [
        Punt(
            2.5,
            f"Met {len(talk)} {'aanbieder' if len(talk) == 1 else 'aanbieders'} is een gesprek "
            "over hun berichten nodig: meer dan één signaal "
            f"({', '.join(talk[:4])}{', …' if len(talk) > 4 else ''}). Zie het hoofdstuk "
            "Datakwaliteit.",
        )
    ]


def vijf_dingen(
    b: _Builder,
    refs: Iterable[tuple[str, str, str]],
    *,
    prognose: Section | None = None,
    gesprek: Sequence[str] = (),
) -> tuple[str, ...]:
    """At most five sentences, most important first; ``refs`` is (law, type, period)."""
    punten: list[Punt] = []
    for wet, soort, periode in refs:
        if wet not in WETTEN:
            continue
        punten += _changes(b, wet, soort, periode)
        punten += _waiting(b, wet, soort, periode)
        punten += _wijken(b, wet, soort, periode)
    punten += _budget(prognose)
    punten += _providers(gesprek)
    punten.sort(key=lambda p: -p.gewicht)
    return tuple(p.tekst for p in punten[:AANTAL])
