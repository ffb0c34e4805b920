"""Static council report: one self-contained Dutch HTML file per municipality.

``build_report_data`` gathers the published (disclosure-controlled) indicator values and
warehouse metadata into ``ReportData``; ``render_report`` writes the HTML with inline SVG
charts, so the file opens offline and makes no external request.
"""

from __future__ import annotations

from stuurdata.report.build import build_report_data
from stuurdata.report.model import ReportData
from stuurdata.report.render import render_html, render_report

__all__ = ["ReportData", "build_report_data", "render_html", "render_report"]
