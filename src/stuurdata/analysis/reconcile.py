"""Afstemmen: a user's own list against a published count, the difference explained.

"Dat getal klopt niet, want het staat niet in mijn Excel." The user uploads a list of BSNs
(CSV or Excel) or counts per wijk. A list of BSNs passes the door like any source: each BSN
is checked with the elfproef and pseudonymised with the installation's key at once; the
BSNs and the file are never stored or logged. A bad upload (wrong format, too large, a line
that is not a valid BSN) is refused as a whole with a Dutch message per bad line, and
nothing happens. Then every person is explained with one reason (counted; allocation
outside the period; another law; moved out; not in the BRP extract; ...), and the reasons
are counted under the installation's disclosure rule. Person-level differences (pseudonyms
only) are returned only when the caller says role and purpose allow it.

Counts per wijk are compared with the publication only: published, yours, the difference.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from stuurdata.analysis.herleiding import (
    NIVEAU_KOLOM,
    WET_NAAM,
    client_parts_sql,
    has_parts,
    period_bounds,
)
from stuurdata.indicators.registry import Definition
from stuurdata.privacy.bsn import is_valid_bsn
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.publication.onderdelen import Onderdeel, protect_parts
from stuurdata.warehouse.database import open_warehouse

# Below the size at which the server would spool an upload to a temporary file on disk.
MAX_BYTES = 1_000_000
MAX_REGELS = 100_000
MAX_MELDINGEN = 20
_SEPARATORS = re.compile(r"[ .\-]")
_AREA = re.compile(r"^(WK|BU)\d{6,8}$")

# The reasons, in the order they are tried; the first that holds explains the person.
REDENEN: dict[str, str] = {
    "geteld": "In uw lijst én in de telling",
    "ander_gebied": "Toewijzing in de periode, maar geteld in een ander gebied (ander adres)",
    "buiten_periode": "Wel een toewijzing voor deze wet, maar niet in deze periode",
    "ingetrokken": "Alleen een ingetrokken toewijzing (einddatum vóór ingangsdatum)",
    "andere_wet": "Geen toewijzing voor deze wet, wel voor een andere wet of regeling",
    "verhuisd": "Geen toewijzing; vóór de periode verhuisd uit de gemeente",
    "niet_in_brp": "Niet in het BRP-extract en geen toewijzing in het pakhuis",
    "geen_toewijzing": "In het BRP-extract, maar geen toewijzing of voorziening in het pakhuis",
}
ALLEEN_TELLING = "Wel in de telling, niet in uw lijst"


class UploadGeweigerd(ValueError):
    """The upload is refused as a whole; ``meldingen`` are Dutch, one per problem."""

    def __init__(self, meldingen: Sequence[str]) -> None:
        super().__init__(" ".join(meldingen))
        self.meldingen = list(meldingen)


@dataclass
class Lijst:
    """An upload after the door: pseudonyms (never BSNs) or counts per area code."""

    pseudoniemen: list[str] = field(default_factory=list)
    aantallen: dict[str, float] = field(default_factory=dict)
    regels: int = 0
    dubbel: int = 0

    @property
    def soort(self) -> str:
        return "aantallen" if self.aantallen else "bsn"


@dataclass
class Afstemming:
    """The difference between a list of persons and a published count, per reason."""

    definitie: Definition
    gebiedscode: str
    periodesoort: str
    periode: str
    regels: int
    dubbel: int
    redenen: list[Onderdeel]
    personen: int  # persons involved (for the audit record)
    verschillen: list[tuple[str, str]] | None = None  # (pseudonym, reason) when allowed
    toelichting: list[str] = field(default_factory=list)


@dataclass
class Vergelijking:
    """Counts per area: published (protected) against the user's own."""

    definitie: Definition
    periodesoort: str
    periode: str
    rijen: list[tuple[str, float | None, str, float, float | None]]  # code, pub, status, own, diff
    onbekend: list[str] = field(default_factory=list)  # area codes not in the publication


def _rows(data: bytes, naam: str) -> list[list[str]]:
    """The cells of a CSV or an Excel (.xlsx) file as text; refuses anything else."""
    suffix = Path(naam).suffix.lower()
    if len(data) > MAX_BYTES:
        raise UploadGeweigerd(
            [f"Het bestand is te groot (meer dan {MAX_BYTES // 1_000_000} MB). Splits de lijst."]
        )
    if not data.strip():
        raise UploadGeweigerd(["Het bestand is leeg."])
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if suffix not in (".csv", ".txt", ""):
        raise UploadGeweigerd(
            ["Dit bestand is geen CSV- of Excel-bestand (.csv of .xlsx). Sla de lijst zo op."]
        )
    if b"\x00" in data[:4096]:
        raise UploadGeweigerd(["Dit bestand is geen tekstbestand (CSV). Sla de lijst op als CSV."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max((";", ",", "\t"), key=first.count) if any(c in first for c in ";,\t") else ";"
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UploadGeweigerd(
            ["Dit Excel-bestand is niet te lezen. Sla het opnieuw op als .xlsx of als CSV."]
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else _cell(v) for v in row])
            if len(rows) > MAX_REGELS + 1:
                break
        return rows
    finally:
        book.close()


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores a BSN column as numbers
    return str(value).strip()


def read_upload(data: bytes, naam: str, pseudo: Pseudonymiser | None) -> Lijst:
    """Read an upload through the door; raises ``UploadGeweigerd`` and keeps nothing.

    A list of BSNs: a column named ``bsn`` (or the only column). Counts per area: columns
    ``gebiedscode`` (or ``wijk``) and ``aantal``. ``naam`` is used for its extension only.
    """
    numbered = [(i, r) for i, r in enumerate(_rows(data, naam), 1) if any(c.strip() for c in r)]
    rows = [r for _, r in numbered]
    lines = [i for i, _ in numbered]
    if not rows:
        raise UploadGeweigerd(["Het bestand bevat geen regels."])
    if len(rows) > MAX_REGELS + 1:
        raise UploadGeweigerd([f"Het bestand heeft meer dan {MAX_REGELS} regels."])
    header = [c.strip().lower() for c in rows[0]]
    if "aantal" in header and ({"gebiedscode", "wijk"} & set(header)):
        return _counts(rows, header, lines)
    if pseudo is None:
        raise UploadGeweigerd(["Een lijst met BSN's kan hier niet worden gecontroleerd."])
    if "bsn" in header:
        column, skip = header.index("bsn"), 1
    elif len(header) == 1:
        column, skip = 0, int(not _SEPARATORS.sub("", rows[0][0]).isdigit())
    else:
        raise UploadGeweigerd(
            [
                "Geef de kolom met burgerservicenummers de kop 'bsn', of lever een lijst met "
                "kolommen 'gebiedscode' (of 'wijk') en 'aantal'."
            ]
        )
    return _bsns(rows[skip:], lines[skip:], column, pseudo)


def _bsns(rows: list[list[str]], lines: list[int], column: int, pseudo: Pseudonymiser) -> Lijst:
    problems: list[str] = []
    seen: dict[str, None] = {}
    dubbel = 0
    for line, row in zip(lines, rows, strict=True):
        raw = _SEPARATORS.sub("", row[column] if column < len(row) else "")
        if raw.isascii() and raw.isdigit() and len(raw) == 8:
            raw = "0" + raw  # Excel drops the leading zero of a number
        if not raw:
            problems.append(f"Regel {line}: geen BSN ingevuld.")
        elif not (raw.isascii() and raw.isdigit() and len(raw) == 9):
            problems.append(f"Regel {line}: geen BSN (een BSN heeft 9 cijfers).")
        elif not is_valid_bsn(raw):
            problems.append(f"Regel {line}: geen geldig BSN (de elfproef klopt niet).")
        else:
            key = pseudo.persoon(raw)
            dubbel += key in seen
            seen[key] = None
    if problems:
        more = len(problems) - MAX_MELDINGEN
        shown = problems[:MAX_MELDINGEN] + ([f"En nog {more} regels."] if more > 0 else [])
        raise UploadGeweigerd(
            ["De lijst is niet gebruikt: verbeter deze regels en probeer het opnieuw.", *shown]
        )
    if not seen:
        raise UploadGeweigerd(["Het bestand bevat geen BSN's."])
    return Lijst(pseudoniemen=list(seen), regels=len(rows), dubbel=dubbel)


def _counts(rows: list[list[str]], header: list[str], lines: list[int]) -> Lijst:
    code_col = header.index("gebiedscode") if "gebiedscode" in header else header.index("wijk")
    count_col = header.index("aantal")
    problems: list[str] = []
    counts: dict[str, float] = {}
    for line, row in zip(lines[1:], rows[1:], strict=True):
        code = (row[code_col] if code_col < len(row) else "").strip().upper()
        text = (row[count_col] if count_col < len(row) else "").strip().replace(",", ".")
        if not _AREA.match(code):
            problems.append(f"Regel {line}: geen wijk- of buurtcode (zoals WK036301).")
            continue
        try:
            value = float(text)
        except ValueError:
            problems.append(f"Regel {line}: het aantal is geen getal.")
            continue
        if value < 0 or not value.is_integer():
            problems.append(f"Regel {line}: het aantal moet een heel getal van 0 of meer zijn.")
            continue
        counts[code] = counts.get(code, 0.0) + value
    if problems:
        raise UploadGeweigerd(
            ["De lijst is niet gebruikt: verbeter deze regels.", *problems[:MAX_MELDINGEN]]
        )
    return Lijst(aantallen=counts, regels=len(rows) - 1)


def _reasons_sql(area: str) -> str:
    """One reason per listed person (``lijst``), the first that holds."""
    return f"""
    WITH counted AS ({client_parts_sql(area)}),
    placed_any AS ({client_parts_sql(area).replace(f"WHERE {area} = $code", "")}),
    law AS (
        SELECT persoon_id,
               bool_or(einddatum IS NULL OR einddatum >= ingangsdatum) AS echt
        FROM toewijzing WHERE wet = $wet GROUP BY persoon_id
    ),
    other AS (
        SELECT persoon_id FROM toewijzing
        WHERE wet <> $wet AND ingangsdatum < $eind
          AND coalesce(einddatum, DATE '9999-12-31') >= $begin
        {{voorziening}}
    ),
    res AS (
        SELECT persoon_id,
               bool_or(van < $eind AND coalesce(tot, DATE '9999-12-31') > $begin) AS in_periode,
               max(coalesce(tot, DATE '9999-12-31')) <= $begin AS vertrokken
        FROM verblijf WHERE gemeentecode = $gemeente GROUP BY persoon_id
    )
    SELECT l.persoon_id,
        CASE
            WHEN c.persoon_id IS NOT NULL THEN 'geteld'
            WHEN p.persoon_id IS NOT NULL THEN 'ander_gebied'
            WHEN w.echt THEN 'buiten_periode'
            WHEN w.persoon_id IS NOT NULL THEN 'ingetrokken'
            WHEN o.persoon_id IS NOT NULL THEN 'andere_wet'
            WHEN r.vertrokken THEN 'verhuisd'
            WHEN r.persoon_id IS NULL AND pe.persoon_id IS NULL THEN 'niet_in_brp'
            ELSE 'geen_toewijzing'
        END AS reden
    FROM lijst l
    LEFT JOIN counted c USING (persoon_id)
    LEFT JOIN placed_any p USING (persoon_id)
    LEFT JOIN law w USING (persoon_id)
    LEFT JOIN (SELECT DISTINCT persoon_id FROM other) o USING (persoon_id)
    LEFT JOIN res r USING (persoon_id)
    LEFT JOIN (SELECT DISTINCT persoon_id FROM persoon) pe USING (persoon_id)
    """


def _has_voorziening(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'voorziening'"
        ).fetchall()[0][0]
    )


def reconcile(
    pakhuis: Path,
    lijst: Lijst,
    d: Definition,
    gebiedscode: str,
    periodesoort: str,
    periode: str,
    *,
    niveau: str,
    gemeente: str,
    rule: DisclosureRule,
    persoonsniveau: bool = False,
) -> Afstemming:
    """Explain every listed person against the count ``d`` x area x period, per reason."""
    if not has_parts(d):
        raise UploadGeweigerd(
            [
                "Een lijst met BSN's kan alleen worden vergeleken met een aantal cliënten "
                "(Cliënten Wmo of Jeugdigen met jeugdhulp, zonder uitsplitsing)."
            ]
        )
    begin, eind = period_bounds(periodesoort, periode)
    params = {
        "wet": d.wet,
        "begin": begin,
        "eind": eind,
        "code": gebiedscode,
        "gemeente": gemeente,
    }
    con = open_warehouse(pakhuis, read_only=True, create=False)
    try:
        con.register("lijst", pd.DataFrame({"persoon_id": lijst.pseudoniemen}))
        extra = (
            "UNION SELECT persoon_id FROM voorziening WHERE start < $eind "
            "AND coalesce(eind, DATE '9999-12-31') >= $begin"
            if _has_voorziening(con)
            else ""
        )
        sql = _reasons_sql(NIVEAU_KOLOM[niveau]).replace("{voorziening}", extra)
        explained = con.execute(sql, params).df()
        counted = con.execute(
            client_parts_sql(NIVEAU_KOLOM[niveau]),
            {k: v for k, v in params.items() if k != "gemeente"},
        ).df()
        quarantined = con.execute("SELECT count(*) FROM quarantaine").fetchall()[0][0]
    finally:
        con.close()
    per_reason = explained["reden"].value_counts()
    only_counted = len(set(counted["persoon_id"]) - set(lijst.pseudoniemen))
    parts: list[tuple[str, float | None, bool]] = [
        ("Personen in uw lijst", float(len(lijst.pseudoniemen)), False)
    ]
    parts += [(label, float(per_reason.get(code, 0)), True) for code, label in REDENEN.items()]
    parts.append((ALLEEN_TELLING, float(only_counted), False))
    wet = WET_NAAM.get(d.wet, d.wet)
    toelichting = [
        f"Vergeleken met: {d.naam}, {gebiedscode}, {periode}. De telling is die van het "
        f"pakhuis, zoals het cijfer is berekend (vóór afronding).",
    ]
    if quarantined and per_reason.get("geen_toewijzing", 0):
        toelichting.append(
            f"In de quarantaine staan {quarantined} afgekeurde berichten of regels. Een "
            f"toewijzing {wet} die alleen daarin staat, telt niet mee; afgekeurde berichten "
            "zijn niet aan personen te koppelen. Vraag de aanbieder of het bericht opnieuw "
            "is gestuurd."
        )
    if lijst.dubbel:
        toelichting.append(f"{lijst.dubbel} BSN's stonden vaker in de lijst; ze tellen één keer.")
    verschillen = None
    if persoonsniveau:
        verschillen = sorted(
            (str(r.persoon_id), REDENEN[str(r.reden)])
            for r in explained.itertuples(index=False)
            if r.reden != "geteld"
        )
        verschillen += sorted(
            (p, ALLEEN_TELLING) for p in set(counted["persoon_id"]) - set(lijst.pseudoniemen)
        )
    return Afstemming(
        definitie=d,
        gebiedscode=gebiedscode,
        periodesoort=periodesoort,
        periode=periode,
        regels=lijst.regels,
        dubbel=lijst.dubbel,
        redenen=protect_parts(parts, rule),
        personen=len(set(lijst.pseudoniemen) | set(counted["persoon_id"])),
        verschillen=verschillen,
        toelichting=toelichting,
    )


def compare_counts(
    cijfers: pd.DataFrame, lijst: Lijst, d: Definition, periodesoort: str, periode: str
) -> Vergelijking:
    """Own counts per area against the published (protected) figures of that period."""
    rows = cijfers[
        (cijfers["maat"] == d.id)
        & (cijfers["periodesoort"] == periodesoort)
        & (cijfers["periode"] == periode)
        & (cijfers["categorie"] == "")
    ].set_index("gebiedscode")
    out = []
    unknown = []
    for code, own in sorted(lijst.aantallen.items()):
        if code not in rows.index:
            unknown.append(code)
            continue
        pub = rows.loc[code]
        value = None if pd.isna(pub["waarde"]) else float(pub["waarde"])
        out.append((code, value, str(pub["status"]), own, None if value is None else own - value))
    return Vergelijking(d, periodesoort, periode, out, unknown)
