"""The page "Prognose en begroting": year-end against the budget, the multi-year forecast
with its 80% band (chart and table), scenarios recomputed on the server, the model card.

Reads the publication only (``report.prognose`` reads its forecast rows); a scenario is
the published forecast scaled (``report.prognose.scenario``), so it needs no warehouse and
shows no figure the publication does not already protect.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from stuurdata.report import prognose as rp
from stuurdata.report.layout import WETTEN
from stuurdata.web.app import render
from stuurdata.web.context import bekijk, state_of
from stuurdata.web.figures import _one_image
from stuurdata.web.routes_pages import User

router = APIRouter()
Percent = Annotated[float, Query(ge=-50, le=100, description="Verandering in procenten.")]


def _law(cijfers: pd.DataFrame, wet: str, factors: dict[str, float]) -> dict[str, Any]:
    """Per measure: the table rows (base and scenario) and the chart of one law."""
    from stuurdata.report.charts import to_svg

    maten: list[dict[str, Any]] = []
    out: dict[str, Any] = {"wet": wet, "naam": WETTEN[wet], "maten": maten}
    for maat in ("clienten", "kosten"):
        base = rp.read_multi_year(cijfers, wet, maat)
        if base.empty:
            continue
        what_if = rp.scenario(base, maat, **factors)
        fmt = rp._count if maat == "clienten" else rp._euro
        rows = [
            {
                "jaar": f"{b.jaar}{' (realisatie)' if b.realisatie else ''}",
                "basis": fmt(b.waarde),
                "interval": "" if b.realisatie else rp._interval(b.lo80, b.hi80, fmt),
                "scenario": fmt(s.waarde),
            }
            for b, s in zip(base.itertuples(), what_if.itertuples(), strict=True)
        ]
        svg = ""
        if what_if["waarde"].notna().all():
            data = what_if.assign(
                Jaar=what_if["jaar"].astype(str),
                lo80=what_if["lo80"].fillna(what_if["waarde"]),
                hi80=what_if["hi80"].fillna(what_if["waarde"]),
            ).rename(columns={"waarde": "Waarde"})
            spec = rp.fan_chart(data[["Jaar", "Waarde", "lo80", "hi80"]], rp.MATEN[maat])
            label = f"{WETTEN[wet]}: {rp.MATEN[maat]}, prognose met 80%-band"
            svg = _one_image(to_svg(spec, f"prognose-{wet}-{maat}", label))
        maten.append({"maat": maat, "titel": rp.MATEN[maat], "rijen": rows, "svg": svg})
    return out


@router.get("/prognose", name="prognose")
def prognose(
    request: Request,
    user: User,
    inwoners: Percent = 0.0,
    gebruik: Percent = 0.0,
    prijs: Percent = 0.0,
) -> Response:
    """The forecast page; with htmx only the scenario part is sent back."""
    state = state_of(request)
    factors = {"inwoners": inwoners / 100, "gebruik": gebruik / 100, "prijs": prijs / 100}
    with bekijk(request, "prognose", user):
        cijfers = state.publication().cijfers
        jaar = rp.read_year_end(cijfers)
        toets = rp.read_toets(cijfers)
        terug = rp.read_backtest(cijfers)
        wetten = [_law(cijfers, w, factors) for w in ("wmo", "jeugd")]
    context: dict[str, Any] = {
        "wetten": [w for w in wetten if w["maten"]],
        "keuze": {"inwoners": inwoners, "gebruik": gebruik, "prijs": prijs},
        "gewijzigd": any(factors.values()),
    }
    if request.headers.get("HX-Request"):
        return render(request, "_prognose_scenario.html", user, **context)
    year_rows = [
        {
            "label": rp._label(r.wet, r.productcategorie),
            "totaal": not r.productcategorie,
            "cellen": (
                rp._euro(r.jaartotaal),
                rp._interval(r.lo80, r.hi80),
                rp._euro(r.begroting),
                rp._euro(r.verschil),
            ),
        }
        for r in jaar.itertuples()
    ]
    waarschuwingen = rp.toets_warnings(toets) + rp.backtest_warnings(terug)
    return render(
        request,
        "prognose.html",
        user,
        actief="prognose",
        titel="Prognose en begroting",
        jaar=str(jaar["jaar"].iloc[0]) if not jaar.empty else "",
        jaarrijen=year_rows,
        late=rp.read_late(cijfers).to_dict("records") if not jaar.empty else [],
        terug=terug.to_dict("records"),
        toets=toets.sort_values(["wet", "maat", "horizon"]).to_dict("records")
        if not toets.empty
        else [],
        waarschuwingen=waarschuwingen,
        wetnaam=WETTEN,
        maten=rp.MATEN,
        fmt=rp,
        **context,
    )
