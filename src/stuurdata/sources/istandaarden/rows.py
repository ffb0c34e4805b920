"""Canonical rows (toewijzing, levering, verzoek, declaratie) from scanned message values.

Each builder gets the extraction context, the scan result and the client pseudonyms, and
returns the table name and its rows (keys in the column order of ``warehouse.schema``).
Dates and integers are lexically valid (the XSD checked them) so conversion cannot fail,
except for xs:date values Python cannot hold (year > 9999), which the reader quarantines;
so is a date outside ``PLAUSIBLE`` (an allocation from year 1, a claim for 2999). Numbers
typed ``xs:integer`` (ToewijzingNummer) are normalised: ``0100532`` and ``+100532`` are
``100532``. Date-order rules, a claim line sent twice in one claim (same ReferentieNummer,
allocation, period and debit/credit: the official JW323 example reuses a ReferentieNummer
for two months) and a TotaalIngediendBedrag that is not the sum of the lines are recorded
on the context as issues, naming the line.
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


PLAUSIBLE = (date(1990, 1, 1), date(2100, 1, 1))  # care, claims and messages


# Parsed dates by their text: a load sees a few thousand distinct dates (month boundaries,
# dagtekeningen) in millions of fields. Bounded so a long run cannot grow without limit.
_DATES: dict[str, date] = {}
_DATES_MAX = 200_000


def plausible_date(value: str | None) -> date | None:
    """An ``xs:date`` as a date; ValueError (Dutch) when Python cannot hold it or it is
    outside ``PLAUSIBLE``."""
    if not value:
        return None
    cached = _DATES.get(value)
    if cached is not None:
        return cached
    parsed = date.fromisoformat(value)
    if not PLAUSIBLE[0] <= parsed < PLAUSIBLE[1]:
        raise ValueError(
            f"datum {parsed.isoformat()} is onwaarschijnlijk (niet tussen "
            f"{PLAUSIBLE[0].year} en {PLAUSIBLE[1].year})"
        )
    if len(_DATES) >= _DATES_MAX:
        _DATES.clear()
    _DATES[value] = parsed
    return parsed


def nummer(value: str | None) -> str | None:
    """An ``xs:integer`` as its canonical text: leading zeros and a plus sign dropped."""
    return str(int(value)) if value else None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def toewijzingen(x: Extraction, s: Scanned, pids: list[str]) -> tuple[str, list[Row]]:
    rows: list[Row] = []
    for line, f, client in s.lines:
        toewijzing = nummer(f.get("ToewijzingNummer"))
        ingang = plausible_date(f.get("Ingangsdatum"))
        eind = plausible_date(f.get("Einddatum"))
        if eind is not None and ingang is not None and eind < ingang:
            x.issue(
                line,
                f"ToewijzingNummer {toewijzing}: einddatum {eind} ligt voor ingangsdatum {ingang}",
            )
        rows.append(
            {
                "toewijzing_id": x.toewijzing_id(toewijzing),
                "toewijzingnummer": toewijzing,
                "wet": x.wet,
                "gemeentecode": x.gemeentecode,
                "persoon_id": pids[client],
                "aanbieder": x.aanbieder,
                "productcategorie": f.get("Categorie") or None,
                "productcode": f.get("Code") or None,
                "toewijzingsdatum": plausible_date(f.get("Toewijzingsdatum")),
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
        toewijzing = nummer(f.get("ToewijzingNummer"))
        begin = plausible_date(f.get("Begindatum"))
        stop = None if start else plausible_date(f.get("Einddatum"))
        if stop is not None and begin is not None and stop < begin:
            x.issue(
                line,
                f"ToewijzingNummer {toewijzing}: stopdatum {stop} ligt voor begindatum {begin}",
            )
        rows.append(
            {
                "toewijzing_id": x.toewijzing_id(toewijzing),
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
            ingang = plausible_date(f.get("ToewijzingIngangsdatum"))
            eind = plausible_date(f.get("ToewijzingEinddatum"))
            if eind is not None and ingang is not None and eind < ingang:
                x.issue(
                    line,
                    f"AangevraagdProduct {regel}: einddatum {eind} ligt voor ingangsdatum {ingang}",
                )
        else:
            # No date-order rule for a change request: the municipality answers it (319),
            # and the official JW317 example itself asks for an end before the start.
            ingang = plausible_date(f.get("GewensteIngangsdatum"))
            eind = plausible_date(f.get("Einddatum"))
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
                "toewijzingnummer": nummer(f.get("ToewijzingNummer")),
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
    declaratie = x.protect(s.top.get("DeclaratieNummer") or None)
    begin, eind = plausible_date(s.top.get("Begindatum")), plausible_date(s.top.get("Einddatum"))
    if begin is not None and eind is not None and eind < begin:
        x.issue(
            x.line_of("DeclaratiePeriode"),
            f"DeclaratieNummer {declaratie}: einddatum declaratieperiode {eind}"
            f" ligt voor begindatum {begin}",
        )
    rows: list[Row] = []
    first_line: dict[tuple[object, ...], int] = {}
    som = 0
    for regel, (line, f, client) in enumerate(s.lines, 1):
        begin, eind = plausible_date(f["Begindatum"]), plausible_date(f["Einddatum"])
        assert begin is not None and eind is not None  # mandatory in the XSD
        if eind < begin:
            x.issue(
                line,
                f"Prestatie {regel}: einddatum productperiode {eind} ligt voor begindatum {begin}",
            )
        referentie = f.get("ReferentieNummer") or ""
        toewijzing = nummer(f.get("ToewijzingNummer"))
        credit = f.get("DebetCredit") == "C"
        same = (referentie, toewijzing, begin, eind, credit)
        if same in first_line:
            x.issue(
                line,
                f"Prestatie {regel}: dezelfde prestatie (ReferentieNummer, toewijzing, periode "
                f"en debet/credit) staat al op regel {first_line[same]}; een prestatie mag "
                "maar één keer in een declaratie",
            )
        first_line.setdefault(same, line)
        bedrag = int(f.get("Bedrag") or 0)
        bedrag = -bedrag if credit else bedrag
        som += bedrag
        rows.append(
            {
                "bericht_id": x.bericht_id,
                "regel": regel,
                "declaratienummer": declaratie,
                "toewijzing_id": x.toewijzing_id(toewijzing),
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
                "bedrag_cent": bedrag,
                "referentienummer": x.protect(referentie or None),
                "vorig_referentienummer": x.protect(f.get("VorigReferentieNummer") or None),
                "dagtekening": x.dagtekening,
            }
        )
    totaal = s.top.get("TotaalBedrag")
    if totaal is not None:
        opgegeven = -int(totaal) if s.top.get("DebetCredit") == "C" else int(totaal)
        if opgegeven != som:
            x.issue(
                x.line_of("TotaalIngediendBedrag"),
                f"TotaalIngediendBedrag ({_euro(opgegeven)}) is niet de som van de "
                f"prestaties ({_euro(som)})",
            )
    return "declaratie", rows


def _euro(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}€ {whole:,}".replace(",", ".") + f",{rest:02d}"


BUILDERS: dict[str, Builder] = {
    "301": toewijzingen,
    "305": starts,
    "307": stops,
    "315": verzoeken,
    "317": verzoeken,
    "323": declaraties,
}
