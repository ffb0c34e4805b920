"""`stuurdata publiceer` and `rapport --publicatie` on a real two-gemeente warehouse."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.indicators import compute_indicators
from stuurdata.privacy.audit import records
from stuurdata.privacy.purposes import get_doel
from stuurdata.publication.contract import COLUMNS, CSV_COLUMNS
from stuurdata.publication.publish import publiceer
from stuurdata.publication.store import read_publication
from stuurdata.report.publicatie import render_publication

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture(scope="module")
def publicatie(regio: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    uit = tmp_path_factory.mktemp("uit") / "publicatie"
    args = ["publiceer", "--pakhuis", str(regio), "--doel", "sturing", "--gemeente", "GM9902"]
    result = runner.invoke(app, [*args, "--uit", str(uit)])
    assert result.exit_code == 0, result.output
    assert "Publicatie voor gemeente GM9902" in result.output
    return uit


@pytest.fixture(scope="module")
def rapport(publicatie: Path) -> str:
    """The report rendered from the publication folder alone (no --pakhuis)."""
    uit = publicatie.parent / "r.html"
    result = runner.invoke(app, ["rapport", "--publicatie", str(publicatie), "--uit", str(uit)])
    assert result.exit_code == 0, result.output
    return uit.read_text(encoding="utf-8")


def test_contract_files(publicatie: Path) -> None:
    cijfers = pd.read_parquet(publicatie / "cijfers.parquet")
    assert list(cijfers.columns) == COLUMNS
    assert set(cijfers["status"]) <= {"ok", "afgerond", "onderdrukt"}
    raw = (publicatie / "cijfers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents right
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header.split(";") == CSV_COLUMNS
    csv = pd.read_csv(publicatie / "cijfers.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert len(csv) == len(cijfers)
    named = csv[csv["niveau"] == "wijk"]
    assert named["gebiedsnaam"].notna().all()  # names beside codes
    rates = csv[csv["maat"] == "clienten_per_1000_wmo"]["waarde"].dropna()
    assert not rates.empty and rates.dtype == float  # decimal comma read back as numbers
    meta = json.loads((publicatie / "publicatie.json").read_text(encoding="utf-8"))
    assert meta["scope"]["gemeenten"] == ["GM9902"]
    assert meta["regel"] == {
        "onderdruk_onder": 10,
        "afronden_op": 5,
        "tekst": "aantallen onder de 10 niet getoond, overige aantallen afgerond op 5-tallen",
    }
    assert meta["doel"] == "sturing" and meta["software"] and meta["definities"]
    assert {"toewijzing", "verblijf", "voorziening", "cbs"} <= set(meta["bronnen"])


def test_one_gemeente_only(regio: Path, publicatie: Path, rapport: str) -> None:
    cijfers = pd.read_parquet(publicatie / "cijfers.parquet")
    providers = cijfers["niveau"] == "aanbieder"  # the chain monitor: AGB codes, not areas
    assert cijfers.loc[providers, "gebiedscode"].str.fullmatch(r"\d{8}").all()
    # Areas only (grid squares have codes of their own); the peers' comparison row names
    # other gemeenten by design, as peers.
    areas = cijfers[
        cijfers["niveau"].isin(["gemeente", "wijk", "buurt"])
        & ~cijfers["maat"].str.startswith("vergelijking_")
    ]
    assert {c[2:6] for c in areas["gebiedscode"]} == {"9902"}
    for code in re.findall(r"\b(?:GM|WK|BU)\d{4,8}\b", _law_chapters(rapport)):
        assert code[2:6] == "9902", code
    with duckdb.connect(str(regio), read_only=True) as con:
        codes = [c for (c,) in con.execute("SELECT gebiedscode FROM gebied").fetchall()]
    own_wijken = sum(c.startswith("WK9902") for c in codes)
    assert 0 < own_wijken < sum(c.startswith("WK") for c in codes)
    integraal = read_publication(publicatie).hoofdstukken["integraal"]
    wijk_tables = [
        t
        for b in integraal.blokken
        for t in (*b.tabellen, *(g.tabel for g in b.grafieken))
        if t.eerste_kolom == "Wijk"
    ]
    assert wijk_tables
    for table in wijk_tables:  # the gemeente's own wijken and its total, no others
        assert len([r for r in table.rijen if not r.totaal]) <= own_wijken + 1, table.titel
    # The forecast is made for GM9902 on its own part of the warehouse.
    assert "Waar komt 2025 uit?" in rapport
    published = cijfers[cijfers["maat"] == "prognose_jaar_gerealiseerd_wmo"]["waarde"].iloc[0]
    with duckdb.connect(str(regio), read_only=True) as con:
        own, both = con.execute(
            "SELECT sum(bedrag_cent) FILTER (WHERE gemeentecode = 'GM9902') / 100.0, "
            "sum(bedrag_cent) / 100.0 FROM declaratie WHERE wet = 'wmo' "
            "AND year(periode_begin) = 2025"
        ).fetchone()
    assert published == pytest.approx(own) and own < both


def test_no_figure_nobody_shows(publicatie: Path) -> None:
    cijfers = pd.read_parquet(publicatie / "cijfers.parquet")
    areas = cijfers[cijfers["niveau"].isin(["wijk", "buurt"])]
    assert not areas["maat"].str.contains("per_categorie").any()
    assert not cijfers["categorie"].eq("onbekend").any()  # kept inside the total only


def test_every_number_in_the_law_chapters_is_in_the_publication(
    publicatie: Path, rapport: str
) -> None:
    cijfers = pd.read_parquet(publicatie / "cijfers.parquet")
    known = np.unique(
        np.concatenate(
            [cijfers[c].dropna().to_numpy(dtype=float) for c in ("waarde", "teller", "noemer")]
            + [cijfers["n"].dropna().to_numpy(dtype=float)]
        )
    )
    shown = _numbers(_law_chapters(rapport))
    assert len(shown) > 100
    missing = [
        (text, value) for text, value, decimals in shown if not _found(known, value, decimals)
    ]
    assert not missing, missing[:10]


def test_rapport_from_a_folder_without_publication_fails_in_dutch(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["rapport", "--publicatie", str(tmp_path), "--uit", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 1
    assert "bevat geen publicatie" in result.output


def test_two_gemeenten_without_choice_refuses(regio: Path, tmp_path: Path) -> None:
    args = ["rapport", "--pakhuis", str(regio), "--doel", "sturing"]
    result = runner.invoke(app, [*args, "--uit", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert "GM9901, GM9902" in result.output and "--gemeente" in result.output
    assert not (tmp_path / "r.html").exists()


def test_weak_rule_needs_a_person_level_purpose(regio: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", "1")
    monkeypatch.setenv("STUURDATA_AFRONDEN_OP", "1")
    args = ["publiceer", "--pakhuis", str(regio), "--doel", "sturing", "--gemeente", "GM9902"]
    result = runner.invoke(app, [*args, "--uit", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "zwakker dan de CBS-regel" in result.output
    assert not (tmp_path / "p").exists()


def test_configured_rule_is_the_rule_applied(regio: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", "50")
    con = duckdb.connect(str(regio))
    try:
        pub = publiceer(con, doel=get_doel(regio, "sturing"), gemeente="GM9902")
    finally:
        con.close()
    cijfers = pub.cijfers
    shown = cijfers[cijfers["status"] != "onderdrukt"]
    assert (shown["n"].dropna() >= 50).all()
    counts = shown[shown["maat"].str.match(r"^(clienten|instroom|uitstroom|actieve)")]
    teller = counts["teller"].dropna()
    assert ((teller == 0) | (teller >= 50)).all()
    html = render_publication(pub, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "onder de 50 worden niet getoond" in html
    assert "onder de 10" not in html


def test_chapter_outside_the_purpose_is_left_out(regio: Path, tmp_path: Path) -> None:
    uit = tmp_path / "r.html"
    args = ["rapport", "--pakhuis", str(regio), "--doel", "smal", "--gemeente", "GM9902"]
    result = runner.invoke(app, [*args, "--uit", str(uit)])
    assert result.exit_code == 0, result.output
    html = uit.read_text(encoding="utf-8")
    assert "Dit hoofdstuk ontbreekt: het gebruikt de bron(nen) cbs, suite" in html
    assert "Stapeling" not in html and "Bereik" not in html
    logged = records(regio, doel="smal", activiteit="rapport")[-1]
    bronnen = set(json.loads(logged.bronnen))
    assert "toewijzing" in bronnen and "voorziening" not in bronnen and "cbs" not in bronnen


def test_rounding_attack_recovers_no_more_than_chance(regio: Path, publicatie: Path) -> None:
    """Integers within ±2 of a published count that reproduce the published rate/amount."""
    cijfers = pd.read_parquet(publicatie / "cijfers.parquet")
    con = duckdb.connect(str(regio), read_only=True)
    try:
        con.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")
        truth = compute_indicators(con, ["clienten_per_1000_wmo", "kosten_per_client_wmo"])
    finally:
        con.close()
    keys = ["niveau", "gebiedscode", "periodesoort", "periode", "categorie"]
    truth = truth.rename(columns={"indicator": "maat"})
    truth["categorie"] = truth["categorie"].fillna("")
    rows = cijfers[cijfers["maat"].isin(truth["maat"]) & (cijfers["status"] != "onderdrukt")]
    rows = rows.merge(truth, on=["maat", *keys], suffixes=("", "_echt"))
    assert len(rows) > 100
    exact = 0
    for r in rows.itertuples():
        factor = 1000.0 if r.maat.startswith("clienten_per_1000") else 1.0
        count = r.teller if factor == 1000.0 else r.noemer  # the count beside the rate
        true = r.teller_echt if factor == 1000.0 else r.noemer_echt
        fits = [
            c for c in range(int(count) - 2, int(count) + 3) if c > 0 and _reproduces(r, c, factor)
        ]
        exact += len(fits) == 1 and fits[0] == true
    # chance: the rounded count itself is the truth for about 1 in 5 rows
    assert exact / len(rows) < 0.35


def _reproduces(r, candidate: int, factor: float) -> bool:
    if factor == 1000.0:
        return round(1000.0 * candidate / r.noemer, 2) == r.waarde
    return round(r.teller / candidate, 2) == r.waarde


# -- reading the report --------------------------------------------------------------------


class _Cells(HTMLParser):
    """Texts of table cells (not row labels) and card values inside the law chapters."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._depth = 0
        self._grab = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "td" or (tag == "span" and cls in ("getal", "vergelijking")):
            self._grab = True
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "span"):
            self._grab = False

    def handle_data(self, data: str) -> None:
        if self._grab:
            self.texts[-1] += data


def _law_chapters(html: str) -> str:
    parts = re.findall(r'<section class="wet" id="(?:wmo|jeugd)">(.*?)\n</section>', html, re.S)
    assert parts, "no law chapters in the report"
    return "".join(parts)


NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?")


def _numbers(html: str) -> list[tuple[str, float, int]]:
    parser = _Cells()
    parser.feed(html)
    out = []
    for text in parser.texts:
        text = text.split(":")[-1]  # "vorig kwartaal: 1.234"
        for match in NUMBER.findall(text):
            decimals = len(match.partition(",")[2])
            out.append((text, float(match.replace(".", "").replace(",", ".")), decimals))
    return out


def _found(known: np.ndarray, value: float, decimals: int) -> bool:
    half = 0.5 * 10**-decimals + 1e-9
    lo, hi = np.searchsorted(known, [value - half, value + half])
    return bool(hi > lo)


def test_configured_rule_holds_outside_the_publication_too(regio: Path, monkeypatch) -> None:
    """The provider block takes the installation's rule, not 10/5 (`domein integraal`:
    tests/analysis/test_cli_domein.py)."""
    from stuurdata.analysis.providers import provider_costs
    from stuurdata.publication.aanbieders import publish_providers

    monkeypatch.setenv("STUURDATA_ONDERDRUK_ONDER", "50")
    with duckdb.connect(str(regio), read_only=True) as con:
        providers = publish_providers(provider_costs(con))
    clients = providers["clienten"].dropna()
    assert not clients.empty and (clients >= 50).all()


def test_notes_go_with_the_publication_into_the_report(
    regio: Path, publicatie: Path, tmp_path: Path
) -> None:
    """'Het verhaal achter de cijfers' from the dashboard: exported and shown beside the figure."""
    from stuurdata.publication.store import published_notes, write_publication
    from stuurdata.web.notes import add_note

    pub = read_publication(publicatie)
    for gm, tekst in (
        ("GM9902", "In november startte een nieuwe aanbieder."),
        ("GM9901", "Elders."),
    ):
        add_note(
            regio,
            maat="clienten_wmo",
            gebiedscode=gm,
            periode="2025-11",
            tekst=tekst,
            auteur="anna",
            rol="beleidsmedewerker",
        )
    c = pub.cijfers[(pub.cijfers["maat"] == "clienten_wmo") & (pub.cijfers["periode"] == "2025-11")]
    wijk = str(c[c["niveau"] == "wijk"]["gebiedscode"].iloc[0])
    buurt = str(c[c["niveau"] == "buurt"]["gebiedscode"].iloc[0])
    for code, tekst in ((wijk, "Wijkteam Noord was onderbezet."), (buurt, "Nieuwe flat.")):
        add_note(
            regio,
            maat="clienten_wmo",
            gebiedscode=code,
            periode="2025-11",
            tekst=tekst,
            auteur="bram",
            rol="analist",
        )
    pub.notities = published_notes(pub, regio)
    assert [n["gebiedscode"] for n in pub.notities] == ["GM9902", wijk, buurt]
    assert "anna" not in json.dumps(pub.notities)  # the role and date, never the name
    back = read_publication(write_publication(pub, tmp_path / "publicatie"))
    assert back.notities == pub.notities
    html = render_publication(back, tmp_path / "r.html").read_text(encoding="utf-8")
    chart = re.search(r"<figcaption>Aantal cliënten</figcaption>(.*?)</figure>", html, re.S)
    assert chart is not None and "In november startte een nieuwe aanbieder." in chart.group(1)
    assert "Elders." not in html
    # notes on a wijk or buurt figure stand beside the wijk and buurt tables of that law
    area = re.search(r'<section class="blok" id="wmo-gebied">(.*?)</section>', html, re.S)
    assert area is not None
    day = pub.notities[1]["datum"]
    names = pub.meta.namen
    for code, tekst, niveau in (
        (wijk, "Wijkteam Noord was onderbezet.", "wijk"),
        (buurt, "Nieuwe flat.", "buurt"),
    ):
        line = f"{names.get(code, code)} ({niveau}), Cliënten Wmo, november 2025: {tekst} "
        assert f"{line}(analist, {day})" in area.group(1)
    assert "bram" not in html
