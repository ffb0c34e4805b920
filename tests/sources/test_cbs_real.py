"""Real CBS tables: the KWB 2017 extract (83765NED) read by column stem, real peers."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from stuurdata.analysis.funnel import gemeente_peers
from stuurdata.analysis.peers import kerncijfers_for, peer_funnel, peer_rates
from stuurdata.analysis.reach import reach
from stuurdata.sources.cbs import CbsError, CbsTable, load_table
from stuurdata.sources.cbs_columns import column_for, kerncijfers, stem

from helpers import DATA

CACHE = DATA / "cbs"


def test_columns_are_found_by_stem_whatever_the_suffix():
    table = load_table("83765NED", CACHE)
    assert stem("AantalInwoners_5") == "AantalInwoners"
    assert column_for(table, "AantalInwoners") == "AantalInwoners_5"
    # Another year numbers its columns differently: the same code still finds them.
    later = CbsTable(
        "85984NED",
        "KWB",
        table.data.rename(columns={"AantalInwoners_5": "AantalInwoners_6"}),
        False,
        "test",
    )
    frame, dropped = kerncijfers(later)
    assert dropped == 0
    assert frame.loc[frame["Codering"] == "NL00", "AantalInwoners"].item() == 17_081_507


def test_a_missing_column_is_a_dutch_message_naming_table_and_column():
    table = load_table("83765NED", CACHE)
    with pytest.raises(CbsError, match=r"Tabel 83765NED .* mist de kolom 'WmoClienten'"):
        column_for(table, "WmoClienten")


def test_real_peers_of_aa_en_hunze():
    kern = kerncijfers_for("GM1680", [CACHE])
    assert len(kern[kern["SoortRegio"] == "Gemeente"]) == 387
    own = kern.set_index("Codering").loc["GM1680"]
    assert (own["Naam"], own["AantalInwoners"]) == ("Aa en Hunze", 25286)
    gm = kern[kern["SoortRegio"] == "Gemeente"]
    counts = pd.DataFrame(
        {"Codering": gm["Codering"], "WmoClienten": 0, "AantalInwoners": gm["AantalInwoners"]}
    )
    peers, note = gemeente_peers("GM1680", kern, counts)
    assert "bevolkingsdichtheid" in note and "factor 2" in note
    by_code = kern.set_index("Codering")
    alike = peers[peers["rol"] == "vergelijkbaar"]
    assert len(alike) == 10  # the nearest ten of those alike
    inw = alike["eenheid"].map(by_code["AantalInwoners"])
    dicht = alike["eenheid"].map(by_code["Bevolkingsdichtheid"])
    assert inw.between(25286 / 2, 25286 * 2).all()
    assert dicht.between(own["Bevolkingsdichtheid"] / 2, own["Bevolkingsdichtheid"] * 2).all()
    names = dict(zip(kern["Codering"], kern["Naam"], strict=True))
    found = {names[c] for c in alike["eenheid"]}
    assert "Borger-Odoorn" in found  # next door, same size, same density
    assert not found & {"Amsterdam", "Vlieland", "Voorschoten", "Aa en Hunze"}
    assert peers.loc[peers["rol"] == "eigen", "eenheid"].tolist() == ["GM1680"]
    # The country's row: the sum over every gemeente of the table when it has no NL row.
    land = peers[peers["rol"] == "nederland"]
    assert land["noemer"].item() == gm["AantalInwoners"].sum()


def test_real_funnel_of_aa_en_hunze_matches_the_published_rate():
    out, note = peer_funnel("GM1680", None, [CACHE])
    own = out.set_index("eenheid").loc["GM1680"]
    # 1,045 Wmo clients in 2017 (86050NED) over 25,286 inhabitants (83765NED): 41.3 per
    # 1,000, and CBS publishes 41 per 1,000 for Aa en Hunze in 2017.
    assert (own["teller"], own["noemer"], own["periode"]) == (1045, 25286, "2017")
    assert round(own["waarde"]) == 41
    assert own["naam"] == "Aa en Hunze"
    assert "86050NED" in note and "lijken qua grootte" in note
    assert "GM1681" in set(out["eenheid"])  # Borger-Odoorn
    assert not {"GM0363", "GM0626"} & set(out["eenheid"])  # Amsterdam, Voorschoten (dense)
    # The funnel's reference is the peers' pooled rate, without Aa en Hunze itself.
    peers = out[out["rol"] == "vergelijkbaar"]
    assert out["doel"].iloc[0] == pytest.approx(
        1000 * peers["teller"].sum() / peers["noemer"].sum()
    )


def test_the_national_figure_is_the_country_row_of_the_wmo_table():
    rates, note = peer_rates("GM1680", None, [CACHE])
    land = rates[rates["rol"] == "nederland"].iloc[0]
    # 86050NED 2017: 1,036,255 Wmo clients in Nederland over 17,081,507 inhabitants.
    assert (land["eenheid"], land["teller"], land["noemer"]) == ("NL00", 1036255, 17081507)
    assert "heel Nederland" in note


def test_a_real_gemeente_never_gets_the_synthetic_tables(tmp_path):
    shutil.copytree(CACHE / "83765NED", tmp_path / "83765NED")
    with pytest.raises(CbsError, match="Tabel 86050NED staat niet in de CBS-cache"):
        peer_funnel("GM1680", None, [tmp_path])


def test_without_any_kwb_table_the_message_lists_the_real_ids(tmp_path):
    with pytest.raises(CbsError, match=r"83765NED \(2017\).*85984NED \(2024\)"):
        kerncijfers_for("GM1680", [tmp_path])


def test_reach_without_a_count_column_says_so_in_dutch(tmp_path):
    con = duckdb.connect(str(tmp_path / "p.duckdb"))
    kern = load_table("83765NED", CACHE).data
    with pytest.raises(CbsError, match="vanaf 2019: 84583NED"):
        reach(con, None, kern)  # type: ignore[arg-type]


def test_reach_denominator_from_a_real_kwb_shape():
    """KWB 2019+ publish shares; the count is share x households (keys as CBS names them)."""
    from stuurdata.sources.cbs_columns import low_income_households

    frame = pd.DataFrame(
        {
            "WijkenEnBuurten": ["GM0363    ", "WK036300  ", "          "],
            "HuishoudensTotaal_28": [470_000, 5_000, 10],
            "HuishoudensTot110VanSociaalMinimum_80": [12.0, 10.0, 5.0],
            "HuishoudensTot120VanSociaalMinimum_81": [15.0, 12.5, None],
        }
    )
    out = low_income_households(frame, 120)
    assert out.to_dict("records") == [
        {"Codering": "GM0363", "rechthebbend": 70_500.0},
        {"Codering": "WK036300", "rechthebbend": 625.0},
    ]
