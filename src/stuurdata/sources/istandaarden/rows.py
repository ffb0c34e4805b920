"""Canonical rows (toewijzing, levering, verzoek, declaratie) from scanned message values.

Each builder gets the extraction context, the scan result and the client pseudonyms, and
returns the table name and its rows (keys in the column order of ``warehouse.schema``).
Dates and integers are lexically valid (the XSD checked them) so conversion cannot fail,
except for xs:date values Python cannot hold (year > 9999), which the reader quarantines.
Date-order business rules are recorded on the context as issues, naming the line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from stuurdata.sources.istandaarden.scan import Scanned
from stuurdata.sources.records import Row

if TYPE_CHECKING:
    from stuurdata.sources.istandaarden.extract import Extraction

Builder = Callable[["Extraction", Scanned, list[str]], tuple[str, list[Row]]]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def toewijzingen(x: Extraction, s: Scanned, pids: list[str]) -> tuple[str, list[Row]]:
    rows: list[Row] = []
    for line, f, client in s.lines:
        nummer = f.get("ToewijzingNummer") or None
        ingang = _date(f.get("Ingangsdatum"))
        eind = _date(f.get("Einddatum"))
        if eind is not None and ingang is not None and eind < ingang:
            x.issue(
                line, f"ToewijzingNummer {nummer}: einddatum {eind} ligt voor ingangsdatum {ingang}"
            )
        rows.append(
            {
                "toewijzing_id": x.toewijzing_id(nummer),
                "toewijzingnummer": nummer,
                "wet": x.wet,
                "gemeentecode": x.gemeentecode,
                "persoon_id": pids[client],
                "aanbieder": x.aanbieder,
                "productcategorie": f.get("Categorie") or None,
                "productcode": f.get("Code") or None,
                "toewijzingsdatum": _date(f.get("Toewijzingsdatum")),
                "ingangsdatum": ingang,
                "einddatum": eind,
                "volume": _int(f.get("Volume")),
                "eenheid": f.get("Eenheid") or None,
                "frequentie": f.get("Frequentie") or None,
                "budget_cent": _int(f.get("Budget")),
                "reden_wijziging": f.get("RedenWijziging") or None,
                "verwijzer_type": None,  # a 3.2 allocation carries no referrer
                "dagtekening": x.dagtekening,
                "eerste_dagtekening": x.dagtekening,  # the loader keeps the earliest version's
                "bericht_id": x.bericht_id,
            }
        )
    return "toewijzing", rows


def _levering(x: Extraction, s: Scanned, pids: list[str], start: bool) -> tuple[str, list[Row]]:
    start_id, start_dag = (x.bericht_id, x.dagtekening) if start else (None, None)
    stop_id, stop_dag = (None, None) if start else (x.bericht_id, x.dagtekening)
    rows: list[Row] = []
    for line, f, client in s.lines:
        nummer = f.get("ToewijzingNummer") or None
        begin = _date(f.get("Begindatum"))
        stop = None if start else _date(f.get("Einddatum"))
        if stop is not None and begin is not None and stop < begin:
            x.issue(
                line, f"ToewijzingNummer {nummer}: stopdatum {stop} ligt voor begindatum {begin}"
            )
        rows.append(
            {
                "toewijzing_id": x.toewijzing_id(nummer),
                "wet": x.wet,
                "gemeentecode": x.gemeentecode,
                "persoon_id": pids[client],
                "aanbieder": x.aanbieder,
                "start": begin,
                "stop": stop,
                "reden_beeindiging": None if start else f.get("RedenBeeindiging") or None,
                "dagtekening_start": start_dag,
                "dagtekening_stop": stop_dag,
                "bericht_id_start": start_id,
                "bericht_id_stop": stop_id,
            }
        )
    return "levering", rows


def starts(x: Extraction, s: Scanned, pids: list[str]) -> tuple[str, list[Row]]:
    return _levering(x, s, pids, start=True)


def stops(x: Extraction, s: Scanned, pids: list[str]) -> tuple[str, list[Row]]:
    return _levering(x, s, pids, start=False)


def verzoeken(x: Extraction, s: Scanned, pids: list[str]) -> tuple[str, list[Row]]:
    """315 (AangevraagdProduct) and 317 (TeWijzigenProduct, NieuwProduct) lines."""
    aanvraag = x.spec.berichttype == "315"
    rows: list[Row] = []
    for regel, (line, f, client) in enumerate(s.lines, 1):
        if aanvraag:
            ingang = _date(f.get("ToewijzingIngangsdatum"))
            eind = _date(f.get("ToewijzingEinddatum"))
            if eind is not None and ingang is not None and eind < ingang:
                x.issue(
                    line,
                    f"AangevraagdProduct {regel}: einddatum {eind} ligt voor ingangsdatum {ingang}",
                )
        else:
            # No date-order rule for a change request: the municipality answers it (319),
            # and the official JW317 example itself asks for an end before the start.
            ingang = _date(f.get("GewensteIngangsdatum"))
            eind = _date(f.get("Einddatum"))
        rows.append(
            {
                "bericht_id": x.bericht_id,
                "regel": regel,
                "berichttype": x.spec.berichttype,
                "wet": x.wet,
                "gemeentecode": x.gemeentecode,
                "persoon_id": pids[client],
                "aanbieder": x.aanbieder,
                "productcategorie": f.get("Categorie") or None,
                "productcode": f.get("Code") or None,
                "toewijzingnummer": f.get("ToewijzingNummer") or None,
                "ingangsdatum": ingang,
                "einddatum": eind,
                "volume": _int(f.get("Volume")),
                "eenheid": f.get("Eenheid") or None,
                "frequentie": f.get("Frequentie") or None,
                "verwijzer_type": f.get("Type") or None,
                "ontvangen": x.dagtekening,
                "referentie": f.get("ReferentieAanbieder") or None,
            }
        )
    return "verzoek", rows


def declaraties(x: Extraction, s: Scanned, pids: list[str]) -> tuple[str, list[Row]]:
    nummer = s.top.get("DeclaratieNummer") or None
    begin, eind = _date(s.top.get("Begindatum")), _date(s.top.get("Einddatum"))
    if begin is not None and eind is not None and eind < begin:
        x.issue(
            x.line_of("DeclaratiePeriode"),
            f"DeclaratieNummer {nummer}: einddatum declaratieperiode {eind}"
            f" ligt voor begindatum {begin}",
        )
    fromiso = date.fromisoformat
    rows: list[Row] = []
    for regel, (line, f, client) in enumerate(s.lines, 1):
        begin, eind = fromiso(f["Begindatum"]), fromiso(f["Einddatum"])
        if eind < begin:
            x.issue(
                line,
                f"Prestatie {regel}: einddatum productperiode {eind} ligt voor begindatum {begin}",
            )
        bedrag = int(f.get("Bedrag") or 0)
        rows.append(
            {
                "bericht_id": x.bericht_id,
                "regel": regel,
                "declaratienummer": nummer,
                "toewijzing_id": x.toewijzing_id(f.get("ToewijzingNummer") or None),
                "wet": x.wet,
                "gemeentecode": x.gemeentecode,
                "persoon_id": pids[client],
                "aanbieder": x.aanbieder,
                "productcategorie": f.get("ProductCategorie") or None,
                "productcode": f.get("ProductCode") or None,
                "periode_begin": begin,
                "periode_eind": eind,
                "volume": _int(f.get("GeleverdVolume")),
                "eenheid": f.get("Eenheid") or None,
                "tarief_cent": _int(f.get("ProductTarief")),
                "bedrag_cent": -bedrag if f.get("DebetCredit") == "C" else bedrag,
                "referentienummer": f.get("ReferentieNummer") or None,
                "vorig_referentienummer": f.get("VorigReferentieNummer") or None,
                "dagtekening": x.dagtekening,
            }
        )
    return "declaratie", rows


BUILDERS: dict[str, Builder] = {
    "301": toewijzingen,
    "305": starts,
    "307": stops,
    "315": verzoeken,
    "317": verzoeken,
    "323": declaraties,
}
