"""Backtest of ``prognose reeks`` on real CBS series for every gemeente (issue 15).

Run alone (``python benchmarks/prognose_cbs.py``) or as part of ``make bench``. Reads the
shared CBS files (``STUURDATA_CBS``, default ``../shared/data/cbs`` next to the repository),
fits with rolling origins inside 2017-2022 and forecasts one year (two half years) ahead,
exactly as ``stuurdata prognose reeks`` would have on that day: same checks, same pooled
panel of all gemeenten, variant chosen on the history up to the origin. Figures go under
``prognose_cbs`` in ``benchmarks/results.json`` (other keys are kept).

- Wmo: 86050NED, clients with a maatwerkvoorziening, half years 2017-2022; origins
  2019HJ2, 2020HJ2 and 2021HJ1 (the last one whose next year is fully known: 2021HJ2 is
  missing for many gemeenten).
- Jeugd: 84134NED (2015-2020) followed by 85099NED (2021-2022). CBS marks a break between
  the two tables, and no period is in both, so the size of the break cannot be measured
  per gemeente. The series is read as one, with a break at 2021HJ1: the level restarts at
  the first value of the new table, the trend and parameters carry over. Origins 2018HJ2
  and 2019HJ2 (before the break) and 2021HJ2 (after it); the origin 2020HJ2 forecasts
  across the break and is reported apart (``over_de_breuk``): no model can know a
  definition change it has not seen.
- Merged and abolished gemeenten: each name is its own series (CBS publishes per the
  division of each year). A gemeente that stops before the origin has no forecast; a new
  gemeente is forecast once it has four half years of its own (the same rule as the
  command); nothing is added up across a merger.
- Only gemeenten: Nederland, provinces (PV), care regions (CR, JZ) and parts of the
  country (LD) are left out.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CBS = Path(os.environ.get("STUURDATA_CBS", HERE.parent.parent / "shared" / "data" / "cbs"))
if not CBS.exists():  # a worktree sits one level deeper than a clone
    CBS = Path("/work/shared/data/cbs")
WMO = ["86050NED-wmo-clienten-gemeente-2017-2022.csv"]
JEUGD = ["84134NED-jeugdzorg-gemeente-2015-2020.csv", "85099NED-jeugdzorg-gemeente-2021-2022.csv"]
NIET_GEMEENTE = (" (PV)", " (CR)", " (JZ)", " (LD)")
HORIZON = 2  # half years: one year ahead


def _gemeenten(files: list[str]):
    from stuurdata.forecast.reeks import lees_reeksen

    data = lees_reeksen([CBS / f for f in files], "halfjaar")
    for name in list(data.waarden):
        if name == "Nederland" or name.endswith(NIET_GEMEENTE):
            del data.waarden[name]
    data.meldingen.clear()
    return data


def _measure(
    files: list[str], origins: list[str], breaks: list[str], variant: str = "gedempt"
) -> dict[str, object]:
    from stuurdata.forecast.perioden import lees_periode
    from stuurdata.forecast.reekstoets import backtest_series, summarise_backtest

    data = _gemeenten(files)
    rows = backtest_series(
        data,
        [lees_periode(o) for o in origins],
        HORIZON,
        [lees_periode(b) for b in breaks],
        variant,
    )
    out: dict[str, object] = dict(summarise_backtest(rows))
    out["oorsprongen"] = origins
    out["per_oorsprong"] = {
        str(o): {**summarise_backtest(part), "variant": str(part["variant"].iloc[0])}
        for o, part in rows.groupby("oorsprong")
    }
    return out


def run() -> dict[str, object]:
    """The real-data figures (one year ahead, all gemeenten)."""
    start = time.perf_counter()
    wmo = _measure(WMO, ["2019HJ2", "2020HJ2", "2021HJ1"], [])
    jeugd = _measure(JEUGD, ["2018HJ2", "2019HJ2", "2021HJ2"], ["2021HJ1"])
    jeugd["over_de_breuk"] = _measure(JEUGD, ["2020HJ2"], ["2021HJ1"])
    # The alternatives, measured the same way (the default is the damped trend).
    for figures, files, origins, breaks in (
        (wmo, WMO, ["2019HJ2", "2020HJ2", "2021HJ1"], []),
        (jeugd, JEUGD, ["2018HJ2", "2019HJ2", "2021HJ2"], ["2021HJ1"]),
    ):
        figures["andere_varianten"] = {
            v: {
                k: x for k, x in _measure(files, origins, breaks, v).items() if k != "per_oorsprong"
            }
            for v in ("niveau", "trend", "kies")
        }
    return {
        "bron": "CBS 86050NED, 84134NED, 85099NED (halfjaren, gemeenten)",
        "horizon": "2 halfjaren (een jaar vooruit)",
        "wmo": wmo,
        "jeugd": jeugd,
        "seconden": round(time.perf_counter() - start, 1),
    }


def merge_into_results(figures: dict[str, object]) -> None:
    """Write ``figures`` under ``prognose_cbs`` in results.json, keeping every other key."""
    path = HERE / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results["prognose_cbs"] = figures
    path.write_text(json.dumps(results, indent=2) + "\n")


def report(figures: dict[str, object]) -> None:
    for wet in ("wmo", "jeugd"):
        f = figures[wet]
        assert isinstance(f, dict)
        print(
            f"{wet}: {f['gemeenten']:.0f} gemeenten, MASE (naief) {f['mase_naief']:.2f}, "
            f"MASE (vorig jaar) {f['mase_vorig_jaar']:.2f}, beter dan naief "
            f"{100 * f['aandeel_beter_dan_naief']:.0f}%, binnen 80% {100 * f['dekking80']:.0f}%, "
            f"binnen 95% {100 * f['dekking95']:.0f}%"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    found = run()
    merge_into_results(found)
    report(found)
