"""``stuurdata kwaliteit --uit``: the published chain quality as a workbook or a page.

Everything in the file comes from a publication (``publication.kwaliteit.quality_view``), so
it holds the counts the installation's disclosure rule let through: a hidden figure is ".",
never a number. The sheets: the scorecard per provider (name beside the AGB code, signals,
euros at stake), every provider and rule with its share and base, the months behind each,
the gemeente's own rules, the cost per client per provider, and the rules themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from stuurdata.publication.kwaliteit import (
    NIVEAU,
    ONDERDRUKT,
    WET_NAAM,
    KwaliteitView,
    provider_card,
)
from stuurdata.quality.export import write_page, write_workbook
from stuurdata.quality.registry import load_measures
from stuurdata.report.aanbieders import AanbiedersBlok

HIDDEN = "."


def _hide(values: pd.Series, hidden: pd.Series) -> pd.Series:
    """Values as objects, "." where disclosure control withheld them."""
    out = values.astype("object").where(values.notna(), None)
    return out.mask(hidden.to_numpy(dtype=bool), HIDDEN)


def _rules(rows: pd.DataFrame, namen: Mapping[str, str], periode: pd.Series | None) -> pd.DataFrame:
    hidden = rows["status"].eq(ONDERDRUKT)
    out = {
        "Code": rows["code"],
        "Naam": rows["code"].map(lambda c: namen.get(str(c), "")),
        "Wet": rows["wet"].map(lambda w: WET_NAAM.get(str(w), str(w))),
        "Maatregel": rows["naam"],
        "Regel": rows["regel"],
    }
    if periode is not None:
        out["Maand"] = periode
    out |= {
        "Afwijkend": _hide(rows["teller"], hidden),
        "Gevallen": _hide(rows["noemer"], hidden),
        "Aandeel": _hide(rows["aandeel"] / 100, hidden),
        "Gesignaleerd": np.where(rows["gesignaleerd"], "ja", "nee"),
        "Toelichting": rows["zin"].where(~hidden, "te weinig gevallen om te tonen"),
    }
    return pd.DataFrame(out)


def sheets(
    view: KwaliteitView, namen: Mapping[str, str], kosten: AanbiedersBlok | None = None
) -> dict[str, pd.DataFrame]:
    """The export's tables by sheet name, from the published rows only."""
    card = provider_card(view, namen)
    regels = view.regels
    own = regels[regels["niveau"] == NIVEAU]
    mine = regels[regels["niveau"] == "gemeente"]
    per_rule = _rules(own, namen, None)
    per_rule["Bedrag"] = _hide(own["bedrag"], own["bedrag_status"].eq(ONDERDRUKT))
    months = view.maanden[view.maanden["niveau"] == NIVEAU]
    out = {
        "Scorekaart": pd.DataFrame(
            {
                "Aanbieder (AGB)": card["aanbieder"],
                "Naam": card["naam"],
                "Wetten": card["wetten"],
                "Signalen": card["signalen"],
                "Bedrag": card["bedrag"],
                "Gesignaleerd op": card["signaal"],
            }
        ),
        "Per regel": per_rule,
        "Per maand": _rules(months, namen, months["periode"]),
        "Gemeente": _rules(mine, namen, None),
    }
    if kosten is not None:
        out["Kosten per cliënt"] = pd.concat(
            [
                pd.DataFrame(
                    [
                        {
                            "Wet": WET_NAAM.get(f.wet, f.wet),
                            "Aanbieder": r.label,
                            **{c.naam: v for c, v in zip(f.tabel.kolommen, r.cellen, strict=True)},
                        }
                        for r in f.tabel.rijen
                    ]
                )
                for f in kosten.figuren
            ],
            ignore_index=True,
        )
    out["Maatregelen"] = pd.DataFrame(
        [
            {
                "Code": m.id,
                "Maatregel": m.naam,
                "Regel": m.regel,
                "Norm": m.norm,
                "Definitie": m.definitie,
                "Betreft": m.partij,
                "Drempel": m.drempel,
                "Minimaal aantal": m.min_aantal,
                "Versie": m.versie,
            }
            for m in load_measures().values()
        ]
    )
    return out


def write_quality_export(
    view: KwaliteitView,
    path: Path,
    *,
    namen: Mapping[str, str],
    regel: str,
    kosten: AanbiedersBlok | None = None,
) -> Path:
    """Write the published chain quality to ``path`` (.xlsx or .html, by its extension)."""
    titel = f"Datakwaliteit van de keten, {view.periode.replace('/', ' t/m ')}"
    toelichting = (
        "Uit de publicatie: alleen cijfers op groepsniveau, beveiligd met de regel van deze "
        f"installatie ({regel}). '.' betekent: te weinig gevallen om te tonen.\n"
        "Aandeel: afwijkende gevallen van alle gevallen waarvoor de regel geldt. Bedrag: wat "
        "boven de toewijzing of buiten de toegewezen periode is gedeclareerd (euro).\n"
        "De werklijst met de betrokken toewijzingen staat niet in dit bestand: die maakt "
        "'stuurdata kwaliteit --werklijst' onder een doel dat persoonsniveau toestaat."
    )
    tables = sheets(view, namen, kosten)
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return write_workbook(tables, path, titel, toelichting)
    if suffix in (".html", ".htm"):
        return write_page(tables, path, titel, toelichting)
    raise ValueError(f"onbekend bestandstype '{suffix}': kies .xlsx of .html")
