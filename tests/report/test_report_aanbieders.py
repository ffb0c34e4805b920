"""The block "Kosten per cliënt per aanbieder" of the chain-monitor chapter, rendered."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from analysis.providers_data import newest_message, provider
from stuurdata.analysis.providers import DEFINITIE, provider_costs
from stuurdata.publication.aanbieders import publish_providers
from stuurdata.report.aanbieders import AanbiedersBlok
from stuurdata.report.aanbieders import provider_block as block_of
from stuurdata.report.kwaliteit import quality_chapter
from stuurdata.report.render import _environment
from stuurdata.warehouse.load import connect


def provider_block(con: duckdb.DuckDBPyConnection) -> AanbiedersBlok | None:
    """The block as ``publiceer`` makes it: costs, protected, presented."""
    costs = provider_costs(con)
    return block_of(publish_providers(costs), costs.periode.label())


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = connect(tmp_path / "pakhuis.duckdb")
    for agb in ("98000001", "98000002", "98000003", "98000004"):
        provider(c, agb, 40, 3000)
    provider(c, "98000009", 100, 3600)  # clearly more expensive
    provider(c, "98000005", 4, 3600)  # too small to publish
    provider(c, "98000006", 30, 9000, wet="jeugd", categorie="45")
    provider(c, "98000007", 30, 9000, wet="jeugd", categorie="45")
    # The newest message (January 2026) makes 2025 the default period.
    newest_message(c, "2026-01-12")
    yield c
    c.close()


def test_block_has_a_funnel_and_a_table_per_law(con: duckdb.DuckDBPyConnection) -> None:
    block = provider_block(con)
    assert block is not None
    assert block.definitie == DEFINITIE
    assert "1-1-2025 t/m 31-12-2025" in block.inleiding
    wmo, jeugd = block.figuren
    assert (wmo.wet, jeugd.wet) == ("wmo", "jeugd")
    assert wmo.svg.startswith("<svg") and 'aria-label="Wmo: gedeclareerde kosten' in wmo.svg
    # The flagged provider is named beside its dot; providers inside the funnel are not.
    assert ">98000009<" in wmo.svg
    assert ">98000001<" not in wmo.svg
    assert "1 aanbieder(s) buiten de 95%-grens" in wmo.toelichting
    rows = {r.label: r.cellen for r in wmo.tabel.rijen}
    assert rows["98000009"][0] == "100"
    assert rows["98000009"][1] == "€\u00a03.600"
    assert rows["98000009"][4] == "duidelijk hoger"
    assert rows["98000005"] == (".",) * 5  # fewer than 10 clients: suppressed
    assert wmo.tabel.rijen[0].label == "98000009"  # highest index first
    assert wmo.tabel.rijen[-1].label == "98000005"  # suppressed last
    assert "Alle aanbieders liggen binnen de toevalsmarge" in jeugd.toelichting


def test_chapter_renders_the_block(con: duckdb.DuckDBPyConnection) -> None:
    import pandas as pd

    from stuurdata.publication.contract import COLUMNS
    from stuurdata.publication.kwaliteit import quality_view

    # Claims without allocations: no rule applies, the cost block stands alone.
    chapter = quality_chapter(quality_view(pd.DataFrame(columns=COLUMNS)), {}, provider_block(con))
    assert chapter is not None and chapter.aanbieders is not None
    env = _environment()
    # The chapter template uses the report's ``tabel`` macro: take it from the report.
    source = env.loader.get_source(env, "rapport.html.j2")[0]  # type: ignore[union-attr]
    macro = source[source.index("{% macro tabel") : source.index("{% endmacro %}") + 14]
    template = env.from_string(macro + '{% include "_kwaliteit.html.j2" %}')
    html = template.render(k=chapter)
    assert 'id="kwaliteit-kosten"' in html
    assert html.count("<svg") == 2
    assert "geen oordeel" in html  # the definition beside the figure
    assert "duidelijk hoger" in html
    assert re.search(r"(?<!\d)\d{9}(?!\d)", html) is None


def test_no_claims_no_block(tmp_path: Path) -> None:
    c = connect(tmp_path / "leeg.duckdb")
    try:
        assert provider_block(c) is None
    finally:
        c.close()
