"""The monitor as a file for the contract manager: a real .xlsx or a self-contained page.

Both carry the same sheets: the scorecard (one line per provider, worst first), the score
per provider and measure with rule and norm, the working list of affected allocations
(allocation number and pseudonym, never a BSN), the age of missing start messages, the
reply messages per provider and gemeente (rejected, late), and the registry of measures.
Headers are Dutch; dates are dd-mm-jjjj and amounts euros.
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
from stuurdata.quality.scorecard import provider_measures, scorecard

DATUM = "DD-MM-YYYY"
EURO = '"€" #,##0.00'
PROCENT = "0.0%"


def sheets(k: Kwaliteit) -> dict[str, pd.DataFrame]:
    """The tables of the export, by sheet name, with Dutch headers and typed columns."""
    names = {i: m.naam for i, m in k.maatregelen.items()}
    rules = {i: m.regel for i, m in k.maatregelen.items()}
    per = provider_measures(k)
    per_maatregel = pd.DataFrame(
        {
            "Aanbieder (AGB)": per["aanbieder"],
            "Wet": per["wet"],
            "Maatregel": per["naam"],
            "Regel": per["regel"],
            "Norm": per["norm"],
            "Betreft": per["partij"],
            "Afwijkend": per["teller"].astype(int),
            "Gevallen": per["noemer"].astype(int),
            "Aandeel": per["aandeel"],
            "Gesignaleerd": per["gesignaleerd"].map({True: "ja", False: "nee"}),
        }
    ).sort_values(["Aanbieder (AGB)", "Wet", "Maatregel"])
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
        "Scorekaart": scorecard(k),
        "Per maatregel": per_maatregel,
        "Werklijst": werklijst,
        "Leeftijd startbericht": leeftijd,
        "Retourberichten": retour,
        "Maatregelen": registry,
    }


_FORMATS = {
    "Aandeel": PROCENT,
    "Aandeel afwijkend": PROCENT,
    "Aandeel afgekeurd": PROCENT,
    "Aandeel te laat": PROCENT,
    "Drempel aanbieder": PROCENT,
    "Maand": "MM-YYYY",
    "Datum": DATUM,
    "Bedrag": EURO,
}


def write_xlsx(k: Kwaliteit, path: Path) -> Path:
    """An Excel workbook with formatted sheets (frozen header, filters, widths)."""
    wb = Workbook()
    wb.remove(wb.active)
    head_fill = PatternFill("solid", fgColor="1F4E79")
    info = wb.create_sheet("Toelichting")
    periode = f"{k.vanaf:%d-%m-%Y} t/m {k.peildatum:%d-%m-%Y}"
    info.append([f"Ketenmonitor: datakwaliteit per aanbieder, {periode}"])
    info.append(
        ["Werklijst voor contractmanagement: bevat pseudoniemen, geen BSN. Intern gebruik."]
    )
    info["A1"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 100
    for name, frame in sheets(k).items():
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
    if header in ("Aandeel", "Aandeel afwijkend", "Drempel aanbieder"):
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
    """A self-contained Dutch page (inline CSS, no scripts, nothing fetched)."""
    parts = [
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">',
        "<title>Datakwaliteit van de keten</title>",
        f"<style>{_css()}</style></head><body><main>",
        '<section class="wet"><h1>Datakwaliteit van de keten</h1>',
        f"<p>Periode {k.vanaf:%d-%m-%Y} t/m {k.peildatum:%d-%m-%Y}. Werkdagen zonder "
        "weekend en nationale feestdagen. Werklijst met pseudoniemen, geen BSN: alleen voor "
        "intern gebruik door contractmanagement.</p>",
    ]
    for name, frame in sheets(k).items():
        parts.append(f'<section class="blok"><h2>{escape(name)}</h2>{html_table(frame)}</section>')
    parts.append("</section></main></body></html>")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8")
    return path


def write_export(k: Kwaliteit, path: Path) -> Path:
    """Write .xlsx or .html, chosen by the file extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(k, path)
    if suffix in (".html", ".htm"):
        return write_html(k, path)
    raise ValueError(f"onbekend bestandstype '{suffix}': kies .xlsx of .html")
