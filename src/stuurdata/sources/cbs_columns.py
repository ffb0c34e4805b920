"""CBS column keys by stem: ``AantalInwoners_5`` in one table is ``AantalInwoners_6`` in the next.

StatLine keys carry a numeric suffix (the position of the column in that table) that
changes per table and per year, so a reader that asks for ``AantalInwoners_5`` works for
one year only. Columns are found by their *stem* (the key without ``_<digits>``), taken
from the table's metadata (``DataProperties``) when it has it, else from the data's own
column names. A column that is not there is a ``CbsError`` in Dutch naming the table and
the stem, never a ``KeyError``.

``kerncijfers`` turns any year of "Kerncijfers wijken en buurten" (KWB) into the columns
the analyses use (Codering, Naam, SoortRegio, AantalInwoners, Stedelijkheid when present),
dropping rows without a region code (bad input in some copies) and counting them.
"""

from __future__ import annotations

import re

import pandas as pd

from stuurdata.sources.cbs import CbsError, CbsTable

_SUFFIX = re.compile(r"_\d+$")

# Real KWB table ids per year (StatLine "Kerncijfers wijken en buurten"); the synthetic
# snapshot's 99KWBSYN serves only the synthetic municipalities GM99xx.
KWB_TABELLEN = {
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
}


def stem(key: str) -> str:
    """``AantalInwoners_5`` -> ``AantalInwoners``; keys without suffix stay as they are."""
    return _SUFFIX.sub("", key)


def column_for(table: CbsTable, wanted: str, frame: pd.DataFrame | None = None) -> str:
    """The actual column key in ``table`` whose stem is ``wanted`` (Dutch error if none)."""
    columns = list((frame if frame is not None else table.data).columns)
    matches = [c for c in columns if stem(str(c)) == wanted]
    if len(matches) == 1:
        return str(matches[0])
    if len(matches) > 1:
        raise CbsError(
            f"Tabel {table.tabel} heeft meer dan één kolom '{wanted}' ({', '.join(matches)})."
        )
    raise CbsError(
        f"Tabel {table.tabel} ({table.titel}) mist de kolom '{wanted}'. Kies een tabel die "
        f"deze kolom heeft; deze tabel heeft: {', '.join(sorted({stem(str(c)) for c in columns}))}."
    )


def _optional(table: CbsTable, wanted: str) -> str | None:
    try:
        return column_for(table, wanted)
    except CbsError:
        return None


def kerncijfers(table: CbsTable) -> tuple[pd.DataFrame, int]:
    """A KWB table of any year as Codering, Naam, SoortRegio, AantalInwoners[, Stedelijkheid,
    Omgevingsadressendichtheid, Bevolkingsdichtheid] plus the number of rows dropped for a
    missing region code."""
    data = table.data
    code = _optional(table, "Codering") or column_for(table, "WijkenEnBuurten")
    naam = _optional(table, "Naam") or column_for(table, "Gemeentenaam")
    out = pd.DataFrame(
        {
            "Codering": data[code].astype("string").str.strip(),
            "Naam": data[naam].astype("string").str.strip(),
            "SoortRegio": data[column_for(table, "SoortRegio")].astype("string").str.strip(),
            "AantalInwoners": pd.to_numeric(
                data[column_for(table, "AantalInwoners")], errors="coerce"
            ),
        }
    )
    sted = _optional(table, "Stedelijkheid") or _optional(table, "MateVanStedelijkheid")
    if sted is not None:
        out["Stedelijkheid"] = pd.to_numeric(data[sted], errors="coerce")
    # Urbanity as a density when the table has no class: addresses per km² around each
    # address (CBS's own basis for stedelijkheid), else inhabitants per km².
    for density in ("Omgevingsadressendichtheid", "Bevolkingsdichtheid"):
        found = _optional(table, density)
        if found is not None:
            out[density] = pd.to_numeric(data[found], errors="coerce")
    if "Perioden" in data.columns:
        out["Perioden"] = data["Perioden"]
    bad = out["Codering"].isna() | (out["Codering"] == "")
    return out[~bad].reset_index(drop=True), int(bad.sum())


_YEAR = re.compile(r"^(\d{4})(?:JJ00)?$")


def wmo_clienten(
    table: CbsTable, kern: pd.DataFrame, jaar: int | None = None
) -> tuple[pd.DataFrame, str]:
    """Wmo clients per gemeente for one year from a real 86050NED-style table.

    Returns Codering, WmoClienten, AantalInwoners, Perioden and a Dutch note. cbsodata gives
    regions and periods as labels ("Aa en Hunze", "2017"), so gemeenten are matched to
    their code by name through the kerncijfers (``kern``: Codering, Naam, SoortRegio,
    AantalInwoners), which also give the inhabitants; the year is ``jaar`` when the table
    has it, else its newest year. Only the total over all provision types counts.
    """
    data = table.data
    clients = column_for(table, "WmoClienten")
    soort = _optional(table, "TypeMaatwerkvoorziening")
    if soort is not None:
        data = data[data[soort].astype("string").str.strip() == "Totaal"]
    years = data[column_for(table, "Perioden")].astype("string").str.strip().str.extract(_YEAR)[0]
    available = sorted({int(y) for y in years.dropna()})
    if not available:
        raise CbsError(f"Tabel {table.tabel} bevat geen jaarcijfers.")
    chosen = jaar if jaar in available else available[-1]
    rows = data[years == str(chosen)]
    # The country's row too (``NL00``, "Nederland"): the national figure beside the peers.
    gemeenten = kern[kern["SoortRegio"].isin(["Gemeente", "Land"])]
    code = _optional(table, "Codering")
    if code is not None:
        regio = rows[code].astype("string").str.strip()
    else:
        by_name = dict(zip(gemeenten["Naam"], gemeenten["Codering"], strict=False))
        regio = rows[column_for(table, "RegioS")].astype("string").str.strip().map(by_name)
    inwoners = dict(zip(gemeenten["Codering"], gemeenten["AantalInwoners"], strict=False))
    out = pd.DataFrame(
        {
            "Codering": regio,
            "WmoClienten": pd.to_numeric(rows[clients], errors="coerce"),
            "AantalInwoners": regio.map(inwoners),
            "Perioden": str(chosen),
        }
    ).dropna()
    out = out.drop_duplicates("Codering").reset_index(drop=True)
    note = f"Wmo-cliënten {chosen} ({table.tabel}) per 1.000 inwoners"
    if jaar is not None and chosen != jaar:
        note += f" (inwoners uit {jaar}: de Wmo-tabel heeft dat jaar niet)"
    return out, note + f"; {len(out)} gemeenten met cijfers."


def _find(frame: pd.DataFrame, wanted: str) -> str | None:
    found = [str(c) for c in frame.columns if stem(str(c)) == wanted]
    return found[0] if found else None


def low_income_households(frame: pd.DataFrame, grens: int) -> pd.DataFrame:
    """Households up to ``grens``% of the social minimum per area: Codering, rechthebbend.

    Two shapes serve: a table with the count (``HuishoudensTot{grens}ProcentSociaalMinimum``,
    as the synthetic snapshot has), or a real KWB table (2019 and later) with the share
    ``HuishoudensTot{grens}VanSociaalMinimum`` (%) and ``HuishoudensTotaal``: the count is
    then share x households. CBS computes the share over households with an observed
    income, so this slightly overstates the count (CBS does not publish the exact one per
    wijk). Missing columns are a Dutch ``CbsError`` naming the real tables that serve.
    """
    code = _find(frame, "Codering") or _find(frame, "WijkenEnBuurten")
    count = _find(frame, f"HuishoudensTot{grens}ProcentSociaalMinimum")
    share = _find(frame, f"HuishoudensTot{grens}VanSociaalMinimum")
    total = _find(frame, "HuishoudensTotaal")
    if code is not None and count is not None:
        values = pd.to_numeric(frame[count], errors="coerce")
    elif code is not None and share is not None and total is not None:
        values = (
            pd.to_numeric(frame[share], errors="coerce")
            / 100
            * pd.to_numeric(frame[total], errors="coerce")
        ).round()
    else:
        serve = ", ".join(f"{t} ({y})" for y, t in sorted(KWB_TABELLEN.items()) if y >= 2019)
        raise CbsError(
            f"De CBS-tabel mist de kolommen voor huishoudens tot {grens}% van het sociaal "
            f"minimum per wijk ('HuishoudensTot{grens}VanSociaalMinimum' en "
            f"'HuishoudensTotaal'). Deze staan in de Kerncijfers wijken en buurten vanaf 2019: "
            f"{serve}."
        )
    out = pd.DataFrame(
        {"Codering": frame[code].astype("string").str.strip(), "rechthebbend": values}
    )
    return out[out["Codering"].notna() & (out["Codering"] != "")].reset_index(drop=True)


def newest_kwb(cached: set[str]) -> str | None:
    """The newest real KWB table id among the cached ones, None when there is none."""
    years = [y for y, t in KWB_TABELLEN.items() if t in cached]
    return KWB_TABELLEN[max(years)] if years else None


__all__ = [
    "KWB_TABELLEN",
    "column_for",
    "kerncijfers",
    "low_income_households",
    "newest_kwb",
    "stem",
    "wmo_clienten",
]
