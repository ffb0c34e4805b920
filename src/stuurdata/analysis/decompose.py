"""Group breakdowns and the split of a change in a rate into composition and rate effects.

A municipality's Wmo rate can rise because it ages (more people in groups that use more care:
composition) or because each group uses more (rate). Kitagawa's decomposition splits the
change exactly into those two parts, using the averages of both periods as weights.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from stuurdata.analysis.base import DOMAINS, Periode, person_domains

AGE_GROUPS = ((0, 18, "0-17"), (18, 30, "18-29"), (30, 45, "30-44"), (45, 65, "45-64"))
AGE_GROUPS += ((65, 80, "65-79"), (80, 200, "80+"))
SEX = {"1": "man", "2": "vrouw"}


def decompose(before: pd.DataFrame, after: pd.DataFrame, *, per: float = 1000) -> pd.DataFrame:
    """Kitagawa decomposition of the change in an overall rate.

    Both frames have ``groep, teller, noemer``. Returns one row per group with its
    contribution to the composition and the rate effect, and a row ``totaal`` whose
    ``samenstelling + tempo`` equals the change in the overall rate (per ``per``).
    """
    b = before.set_index("groep")[["teller", "noemer"]].astype(float)
    a = after.set_index("groep")[["teller", "noemer"]].astype(float)
    groups = b.index.union(a.index)
    b, a = b.reindex(groups, fill_value=0.0), a.reindex(groups, fill_value=0.0)
    c0, c1 = b["noemer"] / b["noemer"].sum(), a["noemer"] / a["noemer"].sum()
    r0 = (b["teller"] / b["noemer"].where(b["noemer"] > 0)).fillna(0.0)
    r1 = (a["teller"] / a["noemer"].where(a["noemer"] > 0)).fillna(0.0)
    out = pd.DataFrame(
        {
            "cijfer_voor": r0 * per,
            "cijfer_na": r1 * per,
            "aandeel_voor": c0,
            "aandeel_na": c1,
            "samenstelling": (r0 + r1) / 2 * (c1 - c0) * per,
            "tempo": (c0 + c1) / 2 * (r1 - r0) * per,
        }
    )
    total = pd.DataFrame(
        {
            "cijfer_voor": [b["teller"].sum() / b["noemer"].sum() * per],
            "cijfer_na": [a["teller"].sum() / a["noemer"].sum() * per],
            "aandeel_voor": [1.0],
            "aandeel_na": [1.0],
            "samenstelling": [out["samenstelling"].sum()],
            "tempo": [out["tempo"].sum()],
        },
        index=["totaal"],
    )
    return pd.concat([out, total]).rename_axis("groep").reset_index()


def group_rates(
    con: duckdb.DuckDBPyConnection, periode: Periode, domein: str, by: str = "leeftijd"
) -> pd.DataFrame:
    """Users of ``domein`` per group (``leeftijd`` or ``geslacht``) among residents.

    Returns ``groep, teller, noemer`` (internal counts; publish through disclosure control).
    Age is taken on the first day of the period, from the birth month.
    """
    if domein not in DOMAINS:
        raise ValueError(f"Onbekend domein {domein}; kies uit {', '.join(DOMAINS)}.")
    persons = person_domains(con, periode)
    info = con.execute("SELECT persoon_id, geboortemaand, geslacht FROM persoon").df()
    frame = persons.merge(info, on="persoon_id", how="left")
    if by == "geslacht":
        groep = frame["geslacht"].map(SEX).fillna("onbekend")
    else:
        born = pd.to_datetime(frame["geboortemaand"])
        age = (pd.Timestamp(periode.van) - born).dt.days / 365.25
        groep = pd.Series("onbekend", index=frame.index)
        for lo, hi, label in AGE_GROUPS:
            groep[(age >= lo) & (age < hi)] = label
    out = (
        pd.DataFrame({"groep": groep, "gebruik": frame[domein]})
        .groupby("groep")
        .agg(teller=("gebruik", "sum"), noemer=("gebruik", "size"))
        .reset_index()
    )
    return out
