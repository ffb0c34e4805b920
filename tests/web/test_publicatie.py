"""The adapter reads a publication folder as `stuurdata publiceer` writes it, and the
figures the pages show come out of it unchanged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from stuurdata.indicators import load_definitions
from stuurdata.web.figures import complete_periods, explore, fmt_change, overview
from stuurdata.web.publicatie import GeenPublicatie, find_publication, newest


def _row(maat, niveau, code, soort, periode, waarde, status="afgerond", n=None):
    return {
        "maat": maat,
        "versie": 1,
        "niveau": niveau,
        "gebiedscode": code,
        "periodesoort": soort,
        "periode": periode,
        "categorie": "",
        "teller": waarde,
        "noemer": float("nan"),
        "waarde": waarde,
        "n": n if n is not None else waarde,
        "ondergrens": float("nan"),
        "bovengrens": float("nan"),
        "eenheid": "personen",
        "status": status,
        "bronnen": "toewijzing,verblijf",
        "ladingen": "run1",
    }


def write(folder: Path, gemaakt: str, rows: list[dict]) -> Path:
    """A folder in the publication issue's layout, tagged JSON included."""
    folder.mkdir(parents=True)
    pd.DataFrame(rows).to_parquet(folder / "cijfers.parquet", index=False)
    meta = {
        "formaat": 1,
        "versie": 1,
        "gemaakt": gemaakt,
        "doel": "monitor",
        "scope": {"gemeenten": ["GM9901"], "eind": "2026-10-31"},
        "regel": {"onderdruk_onder": 10, "afronden_op": 5, "tekst": "onder 10 onderdrukt"},
        "definities": {"clienten_wmo": 1},
        "colofon": "Doel: monitor",
        "rapport": {
            "__type__": "stuurdata.report.meta:ReportMeta",
            "gemeente": "GM9901",
            "namen": {"GM9901": "Demostad", "WK990101": "Centrum"},
            "labels": {"clienten_wmo": "betrouwbaar"},
            "eind": {"__type__": "date", "v": "2026-10-31"},
            "bronnen": {
                "__type__": "tuple",
                "v": [
                    {
                        "__type__": "stuurdata.report.meta:SourceSummary",
                        "bron": "istandaarden",
                        "naam": "Berichten iWmo en iJw",
                        "bestanden": 3,
                        "gelezen": 120,
                        "geladen": 100,
                        "gequarantaineerd": 15,
                        "dubbel": 5,
                        "laatst_geladen": {"__type__": "datetime", "v": "2026-11-02T10:00:00"},
                    }
                ],
            },
        },
    }
    (folder / "publicatie.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


ROWS = [
    _row("clienten_wmo", "gemeente", "GM9901", "kwartaal", "2025-K3", 180.0),
    _row("clienten_wmo", "gemeente", "GM9901", "kwartaal", "2026-K2", 190.0),
    _row("clienten_wmo", "gemeente", "GM9901", "kwartaal", "2026-K3", 200.0),
    _row("clienten_wmo", "gemeente", "GM9901", "kwartaal", "2026-K4", 210.0),  # not complete
    _row("clienten_wmo", "wijk", "WK990101", "kwartaal", "2026-K3", 55.0),
    _row("clienten_wmo", "wijk", "WK990102", "kwartaal", "2026-K3", None, "onderdrukt", 4),
]


def test_reads_the_publication_layout_with_its_tagged_metadata(tmp_path):
    write(tmp_path / "publicatie", "2026-11-03T09:00:00+00:00", ROWS)
    pub = newest(tmp_path / "pakhuis.duckdb")
    assert pub.gemeente == "GM9901" and pub.eind == date(2026, 10, 31)
    assert pub.naam("WK990101") == "Centrum" and pub.naam("WK990199") == "WK990199"
    [bron] = pub.bronnen
    assert (bron.gelezen, bron.geladen, bron.gequarantaineerd, bron.dubbel) == (120, 100, 15, 5)
    assert bron.gelezen == bron.geladen + bron.gequarantaineerd + bron.dubbel
    assert "bronnen" not in pub.cijfers.columns and len(pub.cijfers) == len(ROWS)


def test_the_newest_publication_beside_the_warehouse_wins(tmp_path):
    write(tmp_path / "oud", "2026-10-01T09:00:00+00:00", ROWS[:1])
    write(tmp_path / "nieuw", "2026-11-03T09:00:00+00:00", ROWS)
    assert find_publication(tmp_path / "pakhuis.duckdb").name == "nieuw"
    assert find_publication(tmp_path / "pakhuis.duckdb", tmp_path / "oud").name == "oud"


def test_no_publication_says_what_to_do(tmp_path):
    with pytest.raises(GeenPublicatie, match="stuurdata publiceer"):
        find_publication(tmp_path / "pakhuis.duckdb")
    with pytest.raises(GeenPublicatie, match="bevat geen publicatie"):
        find_publication(tmp_path / "pakhuis.duckdb", tmp_path)


def test_only_complete_periods_count_and_changes_use_published_values(tmp_path):
    write(tmp_path / "publicatie", "2026-11-03T09:00:00+00:00", ROWS)
    pub = newest(tmp_path / "pakhuis.duckdb")
    assert complete_periods(pub, "kwartaal") == ["2025-K3", "2026-K2", "2026-K3"]
    result = overview(pub, load_definitions())
    assert result.periode == "2026-K3" and result.vorig_jaar == "3e kwartaal 2025"
    [wmo] = result.blokken
    [clients] = [f for f in wmo.figures if f.maat == "clienten_wmo"]
    assert (clients.waarde, clients.vorige, clients.vorig_jaar) == ("200", "190", "180")
    assert clients.verschil_vorige == fmt_change(200, 190) == "+5,3%"
    assert clients.verschil_jaar == "+11,1%"
    assert result.personen == 200
    assert clients.kwaliteit == "betrouwbaar"


def test_a_suppressed_area_shows_a_dot_and_is_left_out_of_the_chart(tmp_path):
    write(tmp_path / "publicatie", "2026-11-03T09:00:00+00:00", ROWS)
    pub = newest(tmp_path / "pakhuis.duckdb")
    result = explore(pub, load_definitions()["clienten_wmo"], "wijk", "kwartaal")
    assert result.periode == "2026-K3"
    cells = {row[0]: row[1] for row in result.rijen}
    assert cells == {"Centrum (WK990101)": "55", "WK990102 (WK990102)": "."}
    assert "Centrum" in result.svg and "WK990102" not in result.svg


def _euro(maat, soort, periode, waarde, status="ok"):
    row = _row(maat, "gemeente", "GM9901", soort, periode, waarde, status, n=400)
    return {**row, "eenheid": "euro", "teller": waarde}


def test_costs_of_recent_periods_show_declared_plus_still_expected(tmp_path):
    """Verkenner and Overzicht read the published estimate beside the declared costs."""
    declared = {"2026-07": 240_000.0, "2026-08": 230_000.0, "2026-09": 150_000.0}
    nog = {"2026-07": 1_000.0, "2026-08": 9_000.0, "2026-09": None}  # September hidden
    rows = [_euro("kosten_wmo", "maand", "2026-06", 250_000.0)]
    for periode, value in declared.items():
        rows.append(_euro("kosten_wmo", "maand", periode, value))
        still = nog[periode]
        status = "onderdrukt" if still is None else "ok"
        rows.append(_euro("prognose_nog_verwacht_wmo", "maand", periode, still, status))
        total = None if still is None else value + still
        rows.append(_euro("prognose_verwacht_totaal_wmo", "maand", periode, total, status))
    rows += [
        _euro("kosten_wmo", "kwartaal", "2026-K2", 760_000.0),
        _euro("kosten_wmo", "kwartaal", "2026-K3", 620_000.0),
        _euro("prognose_nog_verwacht_wmo", "kwartaal", "2026-K3", 64_440.0),
        _euro("prognose_verwacht_totaal_wmo", "kwartaal", "2026-K3", 684_440.0),
    ]
    write(tmp_path / "publicatie", "2026-11-03T09:00:00+00:00", rows)
    pub = newest(tmp_path / "pakhuis.duckdb")
    definitions = load_definitions()
    result = explore(pub, definitions["kosten_wmo"], "gemeente", "maand")
    assert result.kolommen[1:4] == [
        "Gedeclareerd (euro)",
        "Nog verwacht (schatting)",
        "Verwacht totaal",
    ]
    table = {r[0]: r[1:4] for r in result.rijen}
    assert table["juni 2026"] == ["€\u00a0250.000", "–", "–"]  # before the recent months
    # July ended less than three months before the data did: still coming in.
    assert table["juli 2026 (voorlopig)"] == ["€\u00a0240.000", "€\u00a01.000", "€\u00a0241.000"]
    assert table["augustus 2026 (voorlopig)"] == [
        "€\u00a0230.000",
        "€\u00a09.000",
        "€\u00a0239.000",
    ]
    assert table["september 2026 (voorlopig)"] == ["€\u00a0150.000", ".", "."]  # hidden
    assert "Nog verwacht (schatting)" in result.svg and "aug 2026*" in result.svg
    assert "oranje deel" in result.toelichting
    other = explore(pub, definitions["kosten_per_client_wmo"], "gemeente", "maand")
    assert "Nog verwacht (schatting)" not in other.kolommen and not other.toelichting
    [wmo] = overview(pub, definitions).blokken
    [kosten] = [f for f in wmo.figures if f.maat == "kosten_wmo"]
    assert kosten.waarde == "€\u00a0620.000"
    assert kosten.voorlopig == "voorlopig: nog verwacht ca. €\u00a064.400"


def test_the_waiting_time_says_its_share_within_the_norm_and_the_inflow_it_covers(tmp_path):
    def share(maat, teller, noemer, status="afgerond"):
        row = _row(maat, "gemeente", "GM9901", "kwartaal", "2026-K3", 100 * teller / noemer)
        return row | {"teller": teller, "noemer": noemer, "status": status}

    rows = [
        *ROWS,
        _row(
            "wachttijd_verzoek_toewijzing_mediaan_wmo",
            "gemeente",
            "GM9901",
            "kwartaal",
            "2026-K3",
            9.0,
        )
        | {"teller": 40.0},
        share("aandeel_verzoek_binnen_norm_wmo", 30.0, 40.0),
        share("aandeel_instroom_met_verzoek_wmo", 40.0, 200.0),
    ]
    write(tmp_path / "publicatie", "2026-11-03T09:00:00+00:00", rows)
    pub = newest(tmp_path / "pakhuis.duckdb")
    [wmo] = overview(pub, load_definitions()).blokken
    [wacht] = [f for f in wmo.figures if f.maat == "wachttijd_verzoek_toewijzing_mediaan_wmo"]
    assert wacht.basis == (
        "75% binnen de norm van 7 dagen, gemeten bij 40 verzoeken; "
        "dat is 20% van de nieuwe cliënten"
    )
    # a share the publication hides is not told
    rows[-2] = share("aandeel_verzoek_binnen_norm_wmo", 30.0, 40.0, "onderdrukt")
    write(tmp_path / "andere", "2026-11-04T09:00:00+00:00", rows)
    [wmo] = overview(newest(tmp_path / "pakhuis.duckdb"), load_definitions()).blokken
    assert [f.basis for f in wmo.figures if f.maat.startswith("wachttijd")] == [""]
