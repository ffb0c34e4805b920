"""Generate a synthetic municipality: BRP extract, areas, iWmo/iJw traffic and ground truth.

Output layout (a contract with the readers)::

    <map>/bronnen/brp/brp_<gemeentecode>.csv
    <map>/bronnen/gebieden.csv
    <map>/bronnen/grenzen.geojson       (wijk and buurt boundaries, PDOK GeoJSON in RD New)
    <map>/bronnen/berichten/<iwmo|ijw>/<YYYY-MM>/<type>_<identificatie>.xml
    <map>/waarheid/waarheid.json        (see ``truth.py``; never loaded by the reader)
    <map>/begroting.csv                 (budget per year, law and category; for forecasts)
    <map>/aanbieders.csv                (provider names by AGB code, as a municipality keeps them)

Month folders are named after the message's dagtekening. Allocations already running at the
start of the window come with the request, allocation and start messages that created them,
so a few month folders lie before ``eerste_maand``. Everything follows from ``zaad`` through a
single numpy Generator (the suite exports and the map layout each have their own stream
derived from ``zaad``): the same arguments give byte-identical files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from stuurdata.synth.areas import gebieden_rows, make_areas
from stuurdata.synth.brp import iso, write_brp
from stuurdata.synth.bsn import draw_bsns
from stuurdata.synth.care import simulate_care
from stuurdata.synth.catalog import make_providers
from stuurdata.synth.claims import make_claims
from stuurdata.synth.geography import boundaries_geojson, make_geography
from stuurdata.synth.population import address_strings, make_population
from stuurdata.synth.suite import write_suite
from stuurdata.synth.truth import build_truth
from stuurdata.synth.writer import MessageWriter

HORIZON_MONTHS = 12  # claims are simulated this far past ``tot`` for the complete totals


@dataclass(slots=True)
class SynthSummary:
    """What was generated, for the CLI to show."""

    map: Path
    gemeentecode: str
    naam: str
    inwoners: int
    maanden: int
    eerste_maand: date
    laatste_maand: date
    bestanden: int
    berichten: dict[str, int] = field(default_factory=dict)
    clienten_wmo: int = 0
    clienten_jeugd: int = 0
    seconden: float = 0.0


def _default_tot(today: date | None = None) -> date:
    today = today or date.today()
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


def generate(
    map: Path,
    *,
    inwoners: int = 60_000,
    maanden: int = 36,
    zaad: int = 1,
    gemeentecode: str = "GM9901",
    naam: str = "Demostad",
    tot: date | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> SynthSummary:
    """Generate a municipality of about ``inwoners`` people over ``maanden`` months to ``tot``."""
    began = time.perf_counter()
    if not (
        len(gemeentecode) == 6 and gemeentecode.startswith("GM") and gemeentecode[2:].isdigit()
    ):
        raise ValueError("Gemeentecode moet de vorm GM9901 hebben.")
    if inwoners < 100 or maanden < 1:
        raise ValueError("Kies minstens 100 inwoners en 1 maand.")
    report = progress or (lambda _label, _fraction: None)
    tot = (tot or _default_tot()).replace(day=1)
    last_m = np.datetime64(tot, "M")
    first_m = last_m - (maanden - 1)
    month_starts = (
        np.arange(first_m, last_m + 1 + HORIZON_MONTHS + 1).astype("datetime64[D]").astype(np.int64)
    )
    t0, t_end = int(month_starts[0]), int(month_starts[maanden])
    rng = np.random.default_rng(zaad)
    root = Path(map)
    bronnen = root / "bronnen"
    (bronnen / "brp").mkdir(parents=True, exist_ok=True)
    (root / "waarheid").mkdir(parents=True, exist_ok=True)

    report("Gebieden en inwoners maken", 0.02)
    areas = make_areas(rng, gemeentecode, naam, inwoners)
    pop = make_population(rng, areas, inwoners, t0, t_end)
    bsn = draw_bsns(rng, pop.n)
    postcode, huisnr = address_strings(pop, areas)
    with (bronnen / "gebieden.csv").open("w", encoding="utf-8", newline="\n") as f:
        f.write("gebiedscode;naam;niveau\n")
        f.writelines(f"{c};{n};{lvl}\n" for c, n, lvl in gebieden_rows(areas))
    report("BRP-uittreksel schrijven", 0.1)
    geo = make_geography(areas, pop, zaad)  # its own random stream: nothing else changes
    with (bronnen / "grenzen.geojson").open("w", encoding="utf-8", newline="\n") as f:
        json.dump(boundaries_geojson(areas, geo), f, ensure_ascii=False)
    write_brp(
        bronnen / "brp" / f"brp_{gemeentecode}.csv",
        pop,
        areas,
        bsn,
        postcode,
        huisnr,
        t0,
        t_end,
        geo,
    )

    report("Zorgtrajecten simuleren", 0.2)
    providers = make_providers(rng, inwoners, maanden)
    alloc, rejected = simulate_care(
        rng, pop, providers, areas.profile_arrays(), t0, t_end, month_starts
    )
    claims = make_claims(rng, alloc, providers, month_starts, HORIZON_MONTHS)

    report("Berichten schrijven", 0.35)
    writer = MessageWriter(
        bronnen / "berichten",
        rng,
        gemeentecode[2:],
        naam,
        pop,
        bsn,
        postcode,
        huisnr,
        providers,
        alloc,
        rejected,
        claims,
        month_starts,
        t_end,
        areas.buurt_street,
    )
    writer.write_all(lambda frac: report("Berichten schrijven", 0.35 + 0.6 * frac))

    report("Waarheid vastleggen", 0.96)
    truth = build_truth(
        areas=areas,
        pop=pop,
        providers=providers,
        alloc=alloc,
        claims=claims,
        month_starts=month_starts,
        maanden=maanden,
        zaad=zaad,
        t0=t0,
        t_end=t_end,
        berichten=writer.counts,
    )
    with (root / "waarheid" / "waarheid.json").open("w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1, sort_keys=False)
        f.write("\n")
    write_suite(
        root, pop=pop, areas=areas, alloc=alloc, bsn=bsn, t0=t0, t_end=t_end, zaad=zaad, geo=geo
    )
    write_budget(root / "begroting.csv", truth["totalen"]["declaratie_compleet"])
    write_providers(root / "aanbieders.csv", truth["aanbieders"])
    end_pop = int(((pop.start < t_end) & (pop.end >= t_end)).sum())
    summary = SynthSummary(
        map=root,
        gemeentecode=gemeentecode,
        naam=naam,
        inwoners=end_pop,
        maanden=maanden,
        eerste_maand=date.fromisoformat(str(iso(np.array([t0]))[0])),
        laatste_maand=tot,
        bestanden=writer.files + 3,
        berichten=dict(sorted(writer.counts.items())),
        clienten_wmo=len(np.unique(alloc.person[alloc.law == 0])),
        clienten_jeugd=len(np.unique(alloc.person[alloc.law == 1])),
        seconden=round(time.perf_counter() - began, 2),
    )
    report("Klaar", 1.0)
    return summary


def write_providers(path: Path, aanbieders: list[dict[str, object]]) -> None:
    """The municipality's provider list (``aanbieders.csv``: agb;naam;contract), as a
    municipality keeps it beside its contracts; read by ``publiceer --aanbieders``."""
    lines = ["agb;naam;contract"]
    lines += [f"{a['agb']};{a['naam']};raamovereenkomst" for a in aanbieders]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_budget(path: Path, compleet: list[dict[str, object]]) -> None:
    """A plausible budget: last year's complete claims per law and category, +2%, annualised.

    The first window year (no year before it) is budgeted at its own annualised amount.
    Format: ``jaar;wet;productcategorie;bedrag`` in euros (see ``forecast/jaar.py``).
    """
    totals: dict[tuple[str, str, int], float] = {}
    months: dict[int, set[str]] = {}
    for row in compleet:
        year = int(str(row["maand"])[:4])
        key = (str(row["wet"]), str(row["productcategorie"]), year)
        totals[key] = totals.get(key, 0.0) + float(row["bedrag_cent"]) / 100  # type: ignore[arg-type]
        months.setdefault(year, set()).add(str(row["maand"]))
    lines = ["jaar;wet;productcategorie;bedrag"]
    for wet, cat, year in sorted(totals):
        prev = (wet, cat, year - 1)
        if prev in totals:
            amount = totals[prev] * 12 / len(months[year - 1]) * 1.02
        else:
            amount = totals[(wet, cat, year)] * 12 / len(months[year])
        lines.append(f"{year};{wet};{cat};{round(amount, -2):.0f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
