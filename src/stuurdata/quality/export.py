"""Workbooks and pages for the contract manager: a real .xlsx or a self-contained page.

``write_workbook``/``write_page`` write any set of named tables (Dutch headers, typed
columns, dates dd-mm-jjjj, amounts in euros, every text cell inert text). Two files use
them: the published chain-quality export (``publication.kwaliteit_export``: from a
publication, under the installation's disclosure rule) and the *work list* here
(``write_export``: the affected allocations with allocation number and pseudonym, never a
BSN, plus the age of missing start messages and the reply messages per party), which is
person-level and only made under a purpose that allows it.
"""

from __future__ import annotations

from html import escape
from importlib import resources
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from stuurdata.quality.monitor import Kwaliteit

DATUM = "DD-MM-YYYY"
EURO = '"€" #,##0.00'
PROCENT = "0.0%"


def sheets(k: Kwaliteit) -> dict[str, pd.DataFrame]:
    """The work list's tables, by sheet name, with Dutch headers and typed columns."""
    names = {i: m.naam for i, m in k.maatregelen.items()}
    rules = {i: m.regel for i, m in k.maatregelen.items()}
    b = k.bevindingen
    werklijst = pd.DataFrame(
        {
            "Aanbieder (AGB)": b["aanbieder"],
            "Wet": b["wet"],
            "Maatregel": b["maatregel"].map(names),
            "Regel": b["maatregel"].map(rules),
            "Maand": pd.to_datetime(b["maand"]),
            "Toewijzingnummer": b["toewijzingnummer"],
            "Cliënt (pseudoniem)": b["persoon_id"],
            "Datum": pd.to_datetime(b["datum"]),
            "Werkdagen": b["werkdagen"],
            "Bedrag": b["bedrag_cent"].astype("Float64") / 100,
            "Toelichting": b["detail"],
        }
    )
    leeftijd = k.leeftijd.rename(
        columns={
            "wet": "Wet",
            "aanbieder": "Aanbieder (AGB)",
            "klasse": "Werkdagen sinds ingangsdatum",
            "aantal": "Toewijzingen zonder startbericht",
        }
    )
    registry = pd.DataFrame(
        [
            {
                "Code": m.id,
                "Maatregel": m.naam,
                "Regel": m.regel,
                "Norm": m.norm,
                "Definitie": m.definitie,
                "Betreft": m.partij,
                "Drempel aanbieder": m.drempel,
                "Minimaal aantal": m.min_aantal,
                "Versie": m.versie,
            }
            for m in k.maatregelen.values()
        ]
    )
    r = k.retour
    retour = pd.DataFrame(
        {
            "Partij": r["partij"],
            "Code": r["code"],
            "Eigen berichten beantwoord": r["berichten"],
            "Afgekeurd": r["afgekeurd"],
            "Aandeel afgekeurd": r["aandeel_afgekeurd"],
            "Eigen retourberichten": r["retouren"],
            "Te laat (OP090)": r["retouren_laat"],
            "Aandeel te laat": r["aandeel_laat"],
        }
    )
    return {
        "Werklijst": werklijst,
        "Leeftijd startbericht": leeftijd,
        "Retourberichten": retour,
        "Maatregelen": registry,
    }


_PERCENT = (
    "Aandeel",
    "Aandeel afwijkend",
    "Aandeel afgekeurd",
    "Aandeel te laat",
    "Drempel",
    "Drempel aanbieder",
)
_FORMATS = {
    "Aandeel": PROCENT,
    "Aandeel afwijkend": PROCENT,
    "Aandeel afgekeurd": PROCENT,
    "Aandeel te laat": PROCENT,
    "Drempel aanbieder": PROCENT,
    "Drempel": PROCENT,
    "Maand": "MM-YYYY",
    "Datum": DATUM,
    "Bedrag": EURO,
}


def write_xlsx(k: Kwaliteit, path: Path) -> Path:
    """The work list as an Excel workbook."""
    return write_workbook(sheets(k), path, _title(k), WERKLIJST)


WERKLIJST = "Werklijst voor contractmanagement: bevat pseudoniemen, geen BSN. Intern gebruik."


def _title(k: Kwaliteit) -> str:
    return f"Ketenmonitor: werklijst per aanbieder, {k.vanaf:%d-%m-%Y} t/m {k.peildatum:%d-%m-%Y}"


def write_workbook(
    tables: dict[str, pd.DataFrame], path: Path, titel: str, toelichting: str
) -> Path:
    """An Excel workbook with formatted sheets (frozen header, filters, widths)."""
    wb = Workbook()
    wb.remove(wb.active)
    head_fill = PatternFill("solid", fgColor="1F4E79")
    info = wb.create_sheet("Toelichting")
    _append_row(info, [titel])
    for line in toelichting.split("\n"):
        _append_row(info, [line])
    info["A1"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 100
    for name, frame in tables.items():
        ws = wb.create_sheet(name)
        _append_row(ws, list(frame.columns))
        for row in frame.itertuples(index=False):
            _append_row(ws, [_cell(v) for v in row])
        for col, header in enumerate(frame.columns, start=1):
            cell = ws.cell(row=1, column=col)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            fmt = _FORMATS.get(str(header))
            if fmt:
                for (c,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                    c.number_format = fmt
            width = max([len(str(header))] + [len(str(v)) for v in frame.iloc[:200, col - 1]])
            ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 10), 60)
        ws.freeze_panes = "A2"
        if len(frame):
            ws.auto_filter.ref = ws.dimensions
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _append_row(ws: Worksheet, values: list[object]) -> None:
    """Append a row with every text cell typed as text, never as a formula.

    openpyxl treats a string starting with ``=`` as a formula; a provider code or reason that
    came from a source file (``=HYPERLINK(...)``) would then be live in the contract
    manager's Excel. Typing the cell as a string keeps it inert text.
    """
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _cell(value: object) -> object:
    """pandas values to what openpyxl writes natively (NA -> empty, Timestamp -> datetime)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()  # numpy scalar
    return value


def _fmt(value: object, header: str) -> str:
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return value  # text, and "." for a figure withheld by disclosure control
    if header in _PERCENT:
        return f"{float(value) * 100:.1f}%".replace(".", ",")  # type: ignore[arg-type]
    if header == "Bedrag":
        text = f"{float(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")  # type: ignore[arg-type]
        return f"€ {text}"
    if header == "Maand" and hasattr(value, "strftime"):
        return value.strftime("%m-%Y")
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _css() -> str:
    try:
        return (
            resources.files("stuurdata.report")
            .joinpath("templates/rapport.css")
            .read_text(encoding="utf-8")
        )
    except (FileNotFoundError, ModuleNotFoundError):
        return "body{font-family:sans-serif} table{border-collapse:collapse} td,th{padding:4px}"


def html_table(frame: pd.DataFrame, caption: str | None = None) -> str:
    """A plain HTML table with Dutch formatting (shared with the report chapter)."""
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(_fmt(v, str(c)))}</td>" for v, c in zip(row, frame.columns, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    body = f"{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
    return f'<div class="tabel-wrap"><table>{body}</table></div>'


def write_html(k: Kwaliteit, path: Path) -> Path:
    """The work list as a self-contained page."""
    return write_page(sheets(k), path, _title(k), WERKLIJST)


def write_page(tables: dict[str, pd.DataFrame], path: Path, titel: str, toelichting: str) -> Path:
    """A self-contained Dutch page (inline CSS, no scripts, nothing fetched)."""
    parts = [
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">',
        f"<title>{escape(titel)}</title>",
        f"<style>{_css()}</style></head><body><main>",
        f'<section class="wet"><h1>{escape(titel)}</h1>',
        "".join(f"<p>{escape(line)}</p>" for line in toelichting.split("\n")),
    ]
    for name, frame in tables.items():
        parts.append(
            f'<section class="blok"><h2>{escape(name)}</h2>{html_table(frame, name)}</section>'
        )
    parts.append("</section></main></body></html>")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8")
    return path


def write_export(k: Kwaliteit, path: Path) -> Path:
    """The work list as .xlsx or .html, chosen by the file extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(k, path)
    if suffix in (".html", ".htm"):
        return write_html(k, path)
    raise ValueError(f"onbekend bestandstype '{suffix}': kies .xlsx of .html")
