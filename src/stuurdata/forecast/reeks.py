"""Forecast aggregate series a user supplies: ``gebied;periode;waarde`` in, forecasts out.

The input is what a municipality gets from CBS StatLine or its own suite: one row per area
and period, long format, ``;`` or ``,`` separated. Columns ``gebied``, ``periode``,
``waarde`` and optionally ``inwoners`` (rows with ``inwoners`` but no ``waarde`` after
the last period are a population forecast). A raw CBS StatLine CSV (``RegioS``,
``Perioden`` and the measure in the column after ``Perioden``) is read as well.

All series are forecast together by ``models.forecast_panel`` (the same function as the
warehouse forecast), so that short series share strength with similar areas. Problems in
the input (a bad period, a gap, a series that stops early, one too short) never stop the
run: each gives a Dutch message naming the file and line or the area, and the other
series go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stuurdata.forecast.models import MIN_PANEL, VARIANTEN, Panel, Pooling, forecast_panel
from stuurdata.forecast.perioden import PER_JAAR, Periode, lees_periode

MIN_PUNTEN = 4
"""Periods a series needs (after its last gap) to be forecast."""
KOLOMMEN = (
    "gebied",
    "periode",
    "verwachting",
    "ondergrens_80",
    "bovengrens_80",
    "ondergrens_95",
    "bovengrens_95",
    "model",
)
STANDAARD_VARIANT = "gedempt"
"""Damped trend: on the CBS series of all gemeenten it beat the inner-backtest choice
(benchmarks/prognose_cbs.py; figures for both in benchmarks/results.json)."""
KIES = "kies"
VARIANT_NAAM = {"niveau": "niveau", "gedempt": "gedempte trend", "trend": "lineaire trend"}


@dataclass
class Reeksen:
    """Parsed input: values and inhabitants per area and period index, plus messages."""

    soort: str
    waarden: dict[str, dict[int, float]] = field(default_factory=dict)
    inwoners: dict[str, dict[int, float]] = field(default_factory=dict)
    meldingen: list[str] = field(default_factory=list)
    geweigerd: set[str] = field(default_factory=set)

    @property
    def laatste(self) -> int:
        """Index of the last period with a value anywhere in the input."""
        return max((max(v) for v in self.waarden.values() if v), default=-1)

    def tot(self, laatste: int) -> Reeksen:
        """The same series cut after period index ``laatste`` (for a backtest origin)."""
        return Reeksen(
            self.soort,
            {g: {i: x for i, x in v.items() if i <= laatste} for g, v in self.waarden.items()},
            self.inwoners,
            [],
            set(self.geweigerd),
        )


def _read_table(path: Path) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") >= first.count(",") else ","
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip() for c in frame.columns]
    lower = {c.lower(): c for c in frame.columns}
    if "regios" in lower and "perioden" in lower:  # a raw CBS StatLine table
        cols = list(frame.columns)
        measure = cols[cols.index(lower["perioden"]) + 1]
        frame = frame.rename(
            columns={lower["regios"]: "gebied", lower["perioden"]: "periode", measure: "waarde"}
        )
    else:
        frame = frame.rename(columns={c: c.lower() for c in frame.columns})
    return frame


def _number(text: str) -> float | None:
    """A value; None for empty or CBS's '.' (not published); ValueError when not a number."""
    clean = text.strip()
    if clean in ("", ".", "x", "-"):
        return None
    if "," in clean and "." not in clean:
        clean = clean.replace(",", ".")
    return float(clean)


def lees_reeksen(paden: Sequence[Path], periode: str | None = None) -> Reeksen:
    """Read one or more input files into series of one kind of period.

    ``periode`` (jaar, halfjaar, maand) chooses the kind when a file holds several (CBS
    tables have half years and years side by side); without it the file must hold one.
    """
    rows: list[tuple[str, int, str, Periode, str, str]] = []
    meldingen: list[str] = []
    for pad in paden:
        pad = Path(pad)
        frame = _read_table(pad)
        missing = {"gebied", "periode", "waarde"} - set(frame.columns)
        if missing:
            raise ValueError(
                f"{pad.name}: kolom(men) {', '.join(sorted(missing))} ontbreken. Verwacht: "
                "gebied;periode;waarde (en eventueel inwoners)."
            )
        inw = frame["inwoners"] if "inwoners" in frame.columns else pd.Series([""] * len(frame))
        for i, (g, p, w, n) in enumerate(
            zip(frame["gebied"], frame["periode"], frame["waarde"], inw, strict=True)
        ):
            line = i + 2
            if not str(g).strip():
                meldingen.append(f"{pad.name}, regel {line}: geen gebied; regel overgeslagen.")
                continue
            try:
                per = lees_periode(p)
            except ValueError as err:
                meldingen.append(f"{pad.name}, regel {line}: {err} Regel overgeslagen.")
                continue
            rows.append((pad.name, line, str(g).strip(), per, str(w), str(n)))
    kinds = sorted({r[3].soort for r in rows})
    if periode is None and len(kinds) > 1:
        raise ValueError(
            f"De invoer heeft verschillende soorten perioden ({', '.join(kinds)}). Kies er één "
            "met --periode."
        )
    soort = periode or (kinds[0] if kinds else "jaar")
    skipped = sum(1 for r in rows if r[3].soort != soort)
    if skipped:
        meldingen.append(f"{skipped} regels met een andere soort periode dan {soort} overgeslagen.")
    out = Reeksen(soort, meldingen=meldingen)
    for name, line, gebied, per, w, n in rows:
        if per.soort != soort:
            continue
        where = f"{name}, regel {line} ({gebied}, {per})"
        try:
            value, people = _number(w), _number(n)
        except ValueError:
            out.meldingen.append(f"{where}: '{w or n}' is geen getal; als ontbrekend geteld.")
            continue
        if value is not None and value < 0:
            out.meldingen.append(f"{where}: negatieve waarde {w}; als ontbrekend geteld.")
            value = None
        series = out.waarden.setdefault(gebied, {})
        if value is not None:
            if per.index in series and series[per.index] != value:
                out.meldingen.append(
                    f"{where}: {gebied} heeft voor {per} twee verschillende waarden; "
                    "geen prognose voor dit gebied."
                )
                out.geweigerd.add(gebied)
            series[per.index] = value
        if people is not None and people > 0:
            out.inwoners.setdefault(gebied, {})[per.index] = people
    return out


@dataclass
class Klaar:
    """One series ready for the panel: its area, values and where they start."""

    gebied: str
    eerste: int
    y: np.ndarray
    exposure: np.ndarray | None
    breaks: tuple[int, ...]


def _prepare(reeksen: Reeksen, gebied: str, horizon: int, breuken: Sequence[int]) -> Klaar | str:
    """Check one series and make it ready; a Dutch message when it cannot be forecast."""
    values = reeksen.waarden.get(gebied, {})
    if gebied in reeksen.geweigerd:
        return ""  # already told while reading
    if not values:
        return f"{gebied}: geen enkele waarde; geen prognose."
    last_all, first, last = reeksen.laatste, min(values), max(values)
    soort = reeksen.soort
    if last < last_all:
        return (
            f"{gebied}: de reeks stopt in {Periode(soort, last)}, het bestand loopt tot "
            f"{Periode(soort, last_all)}. Is de gemeente opgeheven of samengevoegd? Tel dan "
            "de cijfers van de oude gemeenten op bij de nieuwe, of laat ze weg. Geen prognose."
        )
    notes = []
    # A single missing period between two known ones is filled (geometric mean of the two).
    filled = dict(values)
    for i in range(first + 1, last):
        if i not in values and (i - 1) in values and (i + 1) in values:
            filled[i] = float(np.sqrt(max(values[i - 1], 0) * max(values[i + 1], 0)))
            notes.append(str(Periode(soort, i)))
    known = np.array([i in filled for i in range(first, last + 1)])
    start = first
    if not known.all():
        gap_end = first + int(np.flatnonzero(~known)[-1])
        start = gap_end + 1
    messages = []
    if notes:
        messages.append(
            f"{gebied}: {', '.join(notes)} ontbreekt; ingevuld met het gemiddelde van de "
            "periode ervoor en erna."
        )
    if start > first:
        messages.append(
            f"{gebied}: de reeks heeft een gat tot en met {Periode(soort, start - 1)}; alleen "
            f"de cijfers vanaf {Periode(soort, start)} tellen mee."
        )
    n = last - start + 1
    if n < MIN_PUNTEN:
        reason = " na het gat" if start > first else ""
        return (
            f"{gebied}: te kort voor een prognose ({n} perioden{reason}, minimaal "
            f"{MIN_PUNTEN}). Een nieuwe (samengevoegde) gemeente krijgt pas een prognose "
            "als ze genoeg eigen cijfers heeft."
        )
    reeksen.meldingen.extend(messages)
    y = np.array([filled[i] for i in range(start, last + 1)], dtype=float)
    people = reeksen.inwoners.get(gebied, {})
    exposure = None
    if people and all(i in people for i in range(start, last + 1)):
        future = [people.get(last + k) for k in range(1, horizon + 1)]
        held, ext = people[last], []
        for f in future:  # no population forecast: the last number of inhabitants holds
            held = f if f is not None else held
            ext.append(held)
        exposure = np.array([people[i] for i in range(start, last + 1)] + ext, dtype=float)
    elif people:
        reeksen.meldingen.append(
            f"{gebied}: inwoners niet voor elke periode bekend; prognose zonder inwoners."
        )
    breaks = tuple(b - start for b in breuken if start < b <= last)
    return Klaar(gebied, start, y, exposure, breaks)


def ready_series(reeksen: Reeksen, horizon: int, breuken: Sequence[Periode] = ()) -> list[Klaar]:
    """Every series that can be forecast; a message in ``reeksen.meldingen`` for the rest."""
    at = [b.index for b in breuken if b.soort == reeksen.soort]
    out = []
    for gebied in sorted(reeksen.waarden):
        found = _prepare(reeksen, gebied, horizon, at)
        if isinstance(found, str):
            if found:
                reeksen.meldingen.append(found)
            continue
        out.append(found)
    return out


def _panel(series: list[Klaar], cut: int = 0) -> list[Panel]:
    return [
        Panel(
            s.y[: len(s.y) - cut],
            None if s.exposure is None else s.exposure,
            breaks=tuple(b for b in s.breaks if b < len(s.y) - cut),
        )
        for s in series
    ]


def choose_variant(series: list[Klaar], horizon: int, m: int) -> str:
    """The ETS variant with the lowest median scaled error in an inner backtest.

    Measured on the supplied history only (cut ``h``, ``h + 1`` and ``h + 2`` periods before
    the end, ``h`` = the horizon up to one year), so the choice never sees what it
    forecasts. With fewer than two such cuts there is no evidence for a trend, and the
    simplest variant (level only) is used.
    """
    h = max(1, min(horizon, m))
    scores: dict[str, float] = {}
    for variant in VARIANTEN:
        errors, cuts = [], 0
        for cut in (h, h + 1, h + 2):
            keep = [s for s in series if len(s.y) - cut >= MIN_PUNTEN]
            if len(keep) < 2:
                continue
            cuts += 1
            fcs, _ = forecast_panel(_panel(keep, cut), h, variant)
            for s, fc in zip(keep, fcs, strict=True):
                train, actual = s.y[: len(s.y) - cut], s.y[len(s.y) - cut :][:h]
                scale = float(np.mean(np.abs(np.diff(train)))) or 1.0
                errors.append(float(np.mean(np.abs(fc.mean[: len(actual)] - actual))) / scale)
        if cuts < 2:
            return "niveau"
        scores[variant] = float(np.median(errors))
    return min(scores, key=lambda v: scores[v])


@dataclass
class Uitkomst:
    """The forecast rows (``KOLOMMEN``), the messages, and what the panel shared."""

    prognose: pd.DataFrame
    meldingen: list[str]
    pooling: Pooling | None
    klaar: list[Klaar]
    variant: str = ""


def forecast_series(
    reeksen: Reeksen,
    horizon: int,
    variant: str = STANDAARD_VARIANT,
    breuken: Sequence[Periode] = (),
) -> Uitkomst:
    """Forecast ``horizon`` periods of every usable series, all in one panel.

    ``variant``: the ETS variant, by default the damped trend (``"kies"``: chosen by
    ``choose_variant``). ``breuken`` are periods where the definition changed (the level
    restarts there).
    """
    ready = ready_series(reeksen, horizon, breuken)
    if not ready:
        return Uitkomst(pd.DataFrame(columns=list(KOLOMMEN)), reeksen.meldingen, None, [])
    m = PER_JAAR[reeksen.soort]
    chosen = choose_variant(ready, horizon, m) if variant == KIES else variant
    fcs, pooling = forecast_panel(_panel(ready), horizon, chosen)
    pooled = len(ready) >= MIN_PANEL
    label = f"ets {VARIANT_NAAM[chosen]}" + (f", gepoold ({len(ready)} reeksen)" if pooled else "")
    rows = []
    last = reeksen.laatste
    for s, fc in zip(ready, fcs, strict=True):
        for k in range(horizon):
            rows.append(
                {
                    "gebied": s.gebied,
                    "periode": str(Periode(reeksen.soort, last + 1 + k)),
                    "verwachting": fc.mean[k],
                    "ondergrens_80": fc.lo80[k],
                    "bovengrens_80": fc.hi80[k],
                    "ondergrens_95": fc.lo95[k],
                    "bovengrens_95": fc.hi95[k],
                    "model": label,
                }
            )
    frame = pd.DataFrame(rows, columns=list(KOLOMMEN))
    return Uitkomst(frame, reeksen.meldingen, pooling, ready, chosen)


def write_forecast(frame: pd.DataFrame, pad: Path) -> None:
    """Write the forecast as ``;``-separated CSV, figures rounded to one decimal."""
    out = frame.copy()
    for col in KOLOMMEN[2:7]:
        out[col] = out[col].astype(float).round(1)
    out.to_csv(pad, sep=";", index=False)
