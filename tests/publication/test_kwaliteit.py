"""The chain monitor crosses the boundary as rows of the publication, under its one rule."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy.purposes import get_doel
from stuurdata.publication.kwaliteit import (
    AANDEEL,
    BEDRAG,
    NIVEAU,
    VENSTER,
    provider_card,
    quality_view,
)
from stuurdata.publication.publish import publiceer

runner = CliRunner()
COUNTS = ("Afwijkend", "Gevallen", "Cliënten")


@pytest.fixture(scope="module")
def published(regio: Path) -> pd.DataFrame:
    con = duckdb.connect(str(regio))
    try:
        pub = publiceer(
            con,
            doel=get_doel(regio, "sturing"),
            gemeente="GM9901",
            aanbieders={"98000000": "Niet in de berichten"},
        )
    finally:
        con.close()
    return pub.cijfers


def test_quality_rows_are_protected_counts_per_provider_and_rule(published) -> None:
    rows = published[published["maat"].str.startswith(AANDEEL)]
    shares = rows[~rows["maat"].str.startswith(BEDRAG)]
    assert set(shares["niveau"]) == {NIVEAU}  # a region: no gemeente rows mixed from two
    assert shares["gebiedscode"].str.fullmatch(r"\d{8}").all()
    assert {"stop_ontbreekt", "start_laat", "overdeclaratie"} <= set(shares["categorie"])
    assert {VENSTER, "maand"} == set(shares["periodesoort"])
    shown = shares[shares["status"] != "onderdrukt"]
    assert len(shown) and (shares["status"] == "onderdrukt").any()
    for column in ("teller", "noemer"):
        values = shown[column]
        assert ((values % 5) == 0).all()
    assert ((shown["teller"] == 0) | (shown["teller"] >= 10)).all()
    assert (shown["noemer"] >= 10).all()
    # the share is recomputed from the rounded counts
    share = (100 * shown["teller"] / shown["noemer"]).round(2)
    assert (share - shown["waarde"]).abs().max() < 1e-9
    # a month is never hidden alone beside a published window: the window is their sum
    key = ["maat", "gebiedscode", "categorie"]
    window = shares[shares["periodesoort"] == VENSTER].set_index(key)["status"]
    months = shares[shares["periodesoort"] == "maand"]
    for ids, part in months.groupby(key):
        if window.get(ids) != "onderdrukt":
            assert (part["status"] == "onderdrukt").sum() != 1, ids


def test_the_view_judges_on_published_counts(published) -> None:
    view = quality_view(published)
    assert not view.leeg
    flagged = view.regels[view.regels["gesignaleerd"]]
    assert len(flagged) and flagged["teller"].notna().all()
    first = flagged.iloc[0]
    assert f"van de {first['noemer']:.0f}" in first["zin"]
    card = provider_card(view, {})
    assert card["signalen"].iloc[0] >= card["signalen"].iloc[-1]


def test_rule_50_holds_in_the_kwaliteit_xlsx(regio: Path, tmp_path: Path, monkeypatch) -> None:
    """With STUURDATA_ONDERDRUK_ONDER=50 no count under 50 (other than 0) is in the xlsx."""
    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", "50")
    uit = tmp_path / "kwaliteit.xlsx"
    args = ["kwaliteit", "--pakhuis", str(regio), "--doel", "sturing", "--gemeente", "GM9901"]
    result = runner.invoke(app, [*args, "--uit", str(uit)])
    assert result.exit_code == 0, result.output
    assert "onder de 50" in result.output
    book = load_workbook(uit, read_only=True)
    seen = hidden = 0
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows or sheet.title == "Toelichting":
            continue
        header = list(rows[0])
        for column in (c for c in COUNTS if c in header):
            i = header.index(column)
            for row in rows[1:]:
                value = row[i]
                if value == ".":
                    hidden += 1
                    continue
                number = float(str(value).replace(".", "").replace(",", "."))
                assert number == 0 or number >= 50, (sheet.title, column, row)
                seen += 1
    assert seen and hidden
    text = " ".join(str(v) for v in next(book["Toelichting"].iter_rows(values_only=True)))
    assert "Datakwaliteit" in text
