"""The chapter "Integraal beeld" on a real generated municipality, from its publication."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from stuurdata.analysis.funnel import DEFINITIE as FUNNEL_DEF
from stuurdata.analysis.stacking import DEFINITIE as STACKING_DEF
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.publication.integraal import integraal_rows
from stuurdata.publication.publish import publiceer
from stuurdata.publication.scope import Scope
from stuurdata.report.integraal_parts import plain_funnel
from stuurdata.report.model import Section
from stuurdata.report.publicatie import publication_report_data
from stuurdata.report.render import render_html
from stuurdata.synth import generate
from stuurdata.warehouse.load import connect, load_sources

from helpers import elfproef_numbers

TOT = date(2025, 12, 1)
NINE_DIGITS = re.compile(rb"(?<!\d)\d{9,}(?!\d)")
NOT_COUNTS = {"Aantal domeinen", "Huishoudens tot 120% sociaal minimum (CBS)"}
COUNT = re.compile(r"^\d{1,3}(\.\d{3})*$")


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small Demostad (3,000 inhabitants, 12 months) with its suite exports loaded."""
    root = tmp_path_factory.mktemp("integraal_town")
    generate(root, inwoners=3000, maanden=12, zaad=11, tot=TOT)
    pakhuis = root / "pakhuis.duckdb"
    load_sources([root / "bronnen"], pakhuis, Pseudonymiser(b"rapport-integraal" * 2), workers=1)
    return root


def _published_chapter(town: Path) -> tuple[Section, str]:
    con = connect(town / "pakhuis.duckdb")
    try:
        pub = publiceer(con, cbs_cache=town / "cbs")
    finally:
        con.close()
    html = render_html(publication_report_data(pub, now=datetime(2026, 1, 5, 9, 0)))
    return pub.hoofdstukken["integraal"], html


@pytest.fixture(scope="module")
def chapter(town: Path) -> tuple[Section, str]:
    """The chapter and the whole report rendered from the publication."""
    return _published_chapter(town)


def _chapter_html(html: str) -> str:
    start = html.index('<section class="wet" id="integraal">')
    end = html.find('<section class="wet', start + 10)
    return html[start : end if end > 0 else None]


@pytest.mark.slow
def test_chapter_has_its_headings_definitions_and_cbs_note(chapter) -> None:
    section, html = chapter
    part = _chapter_html(html)
    assert '<a href="#integraal">Integraal beeld</a>' in html
    for titel in (
        "Stapeling: huishoudens met hulp uit meerdere domeinen",
        "Bereik van de minimaregelingen",
        "Terugval: wie komt terug in de bijstand of schuldhulp?",
        "Wmo-gebruik per wijk: verschil of toeval?",
    ):
        assert f"<h3>{titel}</h3>" in part
    assert STACKING_DEF in part and plain_funnel(FUNNEL_DEF) in part
    assert "rechter" not in part.replace('id="integraal-trechter"', "")  # named in Begrippen
    assert "Bereik: huishoudens die in de periode" in part
    assert "Terugval: van de personen" in part
    assert "synthetische momentopname" in part
    # Every chart as inline SVG, no JavaScript; stacking, reach and the funnel at least
    # (relapse may be withheld entirely in a town this small).
    charts = [c.id for b in section.blokken for c in b.grafieken]
    assert {"integraal-stapeling", "integraal-bereik", "integraal-trechter"} <= set(charts)
    assert "integraal-vierkant" in charts  # the generated town has coordinates: a grid map
    assert part.count("<svg") == len(charts) and "<script" not in html
    assert [b.id for b in section.blokken] == [
        "integraal-stapeling",
        "integraal-vierkant",
        "integraal-bereik",
        "integraal-terugval",
        "integraal-trechter",
        "integraal-gemeenten",  # one gemeente in the warehouse: CBS peers (the snapshot)
    ]
    # The snapshot's gemeenten (6,000 to 25,000 inhabitants) are not alike a town of 3,000:
    # no funnel of unlike peers, the own figure with the reason instead.
    assert "Bron: CBS" in part and "Te weinig gemeenten van vergelijkbare grootte" in part


@pytest.mark.slow
def test_suppressed_cells_show_a_dot_and_counts_are_rounded(chapter) -> None:
    section, html = chapter
    stapeling = section.blokken[0]
    combos = stapeling.grafieken[0].tabel
    households = [r.cellen[1] for r in combos.rijen]
    assert "." in households  # rare combinations exist in 3,000 inhabitants and are withheld
    for cell in households:
        assert cell == "." or int(cell.replace(".", "")) % 5 == 0
    assert int(households[0].replace(".", "")) >= 10  # the largest combination comes first
    assert '<span aria-hidden="true">.</span><span class="verborgen">niet getoond' in (
        _chapter_html(html)
    )
    for block in section.blokken:
        for table in block.tabellen:
            for row in table.rijen:
                for cell in row.cellen:
                    if COUNT.match(cell):  # a count: never a bare count below the threshold
                        assert int(cell.replace(".", "")) % 5 == 0 or "," in cell


@pytest.mark.slow
def test_no_nine_digit_numbers_in_the_report(chapter) -> None:
    _, html = chapter
    data = html.encode()
    assert not NINE_DIGITS.findall(data)
    assert not elfproef_numbers(data)


@pytest.mark.slow
def test_a_strict_rule_withholds_every_count(town: Path, monkeypatch) -> None:
    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", "100000")
    section, _ = _published_chapter(town)
    assert not any(b.grafieken for b in section.blokken)  # nothing left to draw
    for block in section.blokken:
        assert all(c.waarde == "." for c in block.kaarten)
        for table in block.tabellen:
            # Not our counts: the number of domains in a combination and CBS's published count.
            keep = [i for i, k in enumerate(table.kolommen) if k.naam not in NOT_COUNTS]
            for row in table.rijen:
                if row.label == "Nederland":  # CBS's national figure, public
                    continue
                assert all(not any(ch.isdigit() for ch in row.cellen[i]) for i in keep), row


def test_no_chapter_without_provisions(tmp_path: Path) -> None:
    scope = Scope(("GM9901",), None)
    con = connect(tmp_path / "leeg.duckdb")
    try:
        assert integraal_rows(con, scope, cbs_cache=None) is None
    finally:
        con.close()
    bare = duckdb.connect(str(tmp_path / "kaal.duckdb"))
    try:
        assert integraal_rows(bare, scope, cbs_cache=None) is None  # no voorziening table
    finally:
        bare.close()


def test_combination_labels_are_dutch() -> None:
    from stuurdata.report.integraal import combination_label

    assert combination_label("wmo+minima") == "Wmo + Minimaregelingen"
    assert combination_label("participatiewet") == "Participatiewet"
