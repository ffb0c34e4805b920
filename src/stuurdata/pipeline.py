"""The steps after loading, as library calls: compute indicators, publish them, report.

The CLI and the demo are thin front ends over these functions; a notebook user calls the same.
Every figure that leaves through here has passed the publication's protection
(``publication.protect_indicators``) unless the caller asks for the internal view explicitly.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd

from stuurdata.engine.base import open_engine
from stuurdata.indicators import (
    compute_indicators,
    export_csv,
    load_definitions,
    store_indicators,
)
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.privacy.governance import colofon
from stuurdata.privacy.purposes import Doel
from stuurdata.privacy.rule import configured_rule, describe_rule, explain_rule
from stuurdata.report import build_report_data, render_report


def disclosure_rule() -> DisclosureRule:
    """The installation's rule where no purpose is known: never weaker than CBS.

    ``publication.publiceer`` is the way figures leave; it checks the rule against the
    purpose (``privacy.rule.installation_rule``).
    """
    return configured_rule()


def compute_and_store(con: duckdb.DuckDBPyConnection, motor: str = "duckdb") -> pd.DataFrame:
    """Compute every indicator from the warehouse and store the values with their version.

    ``motor`` is the engine that computes (``duckdb`` or ``spark``, see ``stuurdata.engine``);
    the values are stored in the warehouse either way.
    """
    with open_engine(con, motor) as engine:
        frame = compute_indicators(engine)
    store_indicators(con, frame)
    return frame


def publish(frame: pd.DataFrame, doel: Doel | None = None) -> pd.DataFrame:
    """The disclosure-controlled view of an internal indicator frame, as a publication
    protects it (``publication.protect_indicators``): the installation's rule checked against
    the purpose, primary suppression and rounding, and secondary suppression over every
    total/subtotal relation, so no suppressed cell can be recovered by subtraction.
    """
    from stuurdata.publication.publish import protect_indicators

    return protect_indicators(frame, doel)


def within_purpose(frame: pd.DataFrame, doel: Doel) -> pd.DataFrame:
    """Only the area levels the purpose may show (a wijk purpose gets no buurt rows)."""
    return frame[frame["niveau"].isin(doel.niveaus)]


def write_indicators(
    con: duckdb.DuckDBPyConnection,
    uit: Path | None,
    *,
    intern: bool = False,
    doel: Doel | None = None,
    motor: str = "duckdb",
) -> pd.DataFrame:
    """Compute (on ``motor``), protect (unless ``intern``) and optionally write the long CSV."""
    frame = compute_and_store(con, motor)
    if doel is not None:
        frame = within_purpose(frame, doel)
    out = frame.assign(status="intern") if intern else publish(frame, doel)
    if uit is not None:
        export_csv(out, Path(uit))
    return out


def write_report(
    con: duckdb.DuckDBPyConnection,
    published: pd.DataFrame,
    uit: Path,
    *,
    begroting: Path | None = None,
    doel: Doel | None = None,
    gemeente: str | None = None,
) -> Path:
    """Render the council report from published (protected) values.

    A warehouse may hold several municipalities (a region): ``gemeente`` chooses whose
    figures fill the chapters per law.

    A report made under a purpose carries its colophon. "Prognose en budget" and "Integraal
    beeld" are made only by ``publication.publiceer`` (their figures are rows of the
    publication; ``begroting`` is kept for callers and not used here); use
    ``stuurdata rapport`` for the full report.
    """
    rule = disclosure_rule()
    if gemeente is not None:
        published = published[published["gebiedscode"].astype(str).str[2:6] == gemeente[2:6]]
    data = build_report_data(
        con,
        published,
        load_definitions(),
        onthulling=explain_rule(rule),
    )
    if doel is not None:
        data = replace(data, colofon=colofon(doel, regel=describe_rule(rule)))
    return render_report(data, Path(uit))
