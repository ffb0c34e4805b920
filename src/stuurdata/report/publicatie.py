"""The report from a publication: no warehouse, no disclosure step, just presentation.

Every figure comes from the publication's contract (or its stored chapters), so the report
shows what the CSV and Parquet of the same publication hold, and it states the rule that
was applied to them. A chapter the purpose did not allow is shown as one line saying why.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from stuurdata.indicators import load_definitions
from stuurdata.privacy.rule import explain_rule
from stuurdata.report.aanbieders import AanbiedersBlok
from stuurdata.report.build import build_report_data
from stuurdata.report.kwaliteit import quality_chapter
from stuurdata.report.model import ReportData, Section
from stuurdata.report.prognose import prognose_section
from stuurdata.report.render import render_report

if TYPE_CHECKING:
    from stuurdata.publication.publish import Publicatie


def publication_report_data(
    pub: Publicatie, *, periodesoort: str | None = None, now: datetime | None = None
) -> ReportData:
    """``ReportData`` for the publication's gemeente, from the publication alone."""
    from stuurdata.publication.contract import as_indicator_frame
    from stuurdata.publication.integraal import is_integraal
    from stuurdata.publication.kwaliteit import provider_card, quality_view
    from stuurdata.publication.prognose import PREFIX as FORECAST_PREFIX
    from stuurdata.publication.prognose import is_recent
    from stuurdata.publication.publish import TITELS as titles
    from stuurdata.publication.publish import left_out_block

    def chapter(key: str) -> Section | None:
        if key in pub.weggelaten:
            return left_out_block(key, titles[key], pub.weggelaten[key])
        if key == "prognose":  # contract rows, not a stored chapter
            return prognose_section(pub.cijfers, pub.meta.namen)
        return pub.hoofdstukken.get(key)

    # The chapters "Integraal beeld" and "Prognose en budget" are laid out from their own
    # rows; the law chapters show the indicators.
    maat = pub.cijfers["maat"]
    forecast = maat.astype("str").str.startswith(FORECAST_PREFIX)
    indicators = pub.cijfers[~is_integraal(maat) & ~forecast]
    view = None if "kwaliteit" in pub.weggelaten else quality_view(pub.cijfers)
    card = provider_card(view, pub.meta.namen) if view is not None else None
    gesprek = (
        ()
        if card is None
        else tuple(
            f"{r.naam} ({r.aanbieder})" if r.naam else str(r.aanbieder)
            for r in card[card["signalen"] > 1].itertuples()
        )
    )
    data = build_report_data(
        pub.meta,
        as_indicator_frame(indicators),
        load_definitions(),
        periodesoort=periodesoort,
        now=now,
        prognose=chapter("prognose"),
        integraal=chapter("integraal"),
        onthulling=explain_rule(pub.regel),
        notities=pub.notities,
        gesprek=gesprek,
        verwacht=as_indicator_frame(pub.cijfers[is_recent(maat)]),
    )
    if "kwaliteit" in pub.weggelaten:
        kwaliteit = left_out_block("kwaliteit", titles["kwaliteit"], pub.weggelaten["kwaliteit"])
        data = replace(data, secties=(*data.secties, kwaliteit))
    elif view is not None:
        keten = quality_chapter(view, pub.meta.namen, cost_block(pub.meta.kwaliteit))
        data = replace(data, extra={**data.extra, "kwaliteit": keten})
    if pub.colofon:
        data = replace(data, colofon=pub.colofon)
    return data


def cost_block(value: object) -> AanbiedersBlok | None:
    """The stored cost-per-client block (a publication from before it holds another part)."""
    return value if isinstance(value, AanbiedersBlok) else None


def render_publication(pub: Publicatie, uit: Path, *, now: datetime | None = None) -> Path:
    """Write the report of ``pub`` to ``uit`` (one self-contained HTML file)."""
    return render_report(publication_report_data(pub, now=now), Path(uit))
