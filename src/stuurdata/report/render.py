"""``render_report``: ``ReportData`` -> one self-contained HTML file.

Everything the page needs is inside the file: the stylesheet is inlined, charts are inline
SVG, fonts are the reader's system fonts. Nothing is fetched when the file is opened, so it
can be mailed, archived or opened on a council laptop without network.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from stuurdata.report.charts import to_svg
from stuurdata.report.format import fmt_number
from stuurdata.report.model import ReportData


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("stuurdata.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["getal"] = fmt_number
    return env


def render_html(data: ReportData) -> str:
    """The report as an HTML string (charts rendered to inline SVG)."""
    env = _environment()
    svgs = {
        chart.id: Markup(to_svg(chart.spec, f"g{index}", chart.titel))  # noqa: S704
        for index, chart in enumerate(
            c for s in data.secties for b in s.blokken for c in b.grafieken
        )
    }
    css = (Path(__file__).parent / "templates" / "rapport.css").read_text(encoding="utf-8")
    template = env.get_template("rapport.html.j2")
    return template.render(r=data, svgs=svgs, css=Markup(css))  # noqa: S704


def render_report(data: ReportData, path: Path) -> Path:
    """Write the report to ``path`` (folders are created) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data), encoding="utf-8")
    return path
