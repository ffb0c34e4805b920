"""Signals on the Overzicht and comparisons in the Verkenner, from the publication alone."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from stuurdata.indicators import load_definitions
from stuurdata.web.publicatie import newest
from stuurdata.web.vergelijking import NORM_WACHTTIJD, area_funnel, peer_comparison, signals


def _pub(warehouse: Path):
    return newest(warehouse)


def test_the_wijk_funnel_is_made_from_the_published_rounded_rows(warehouse: Path) -> None:
    pub = _pub(warehouse)
    d = load_definitions()["clienten_per_1000_wmo"]
    v = area_funnel(pub, d, "wijk", "jaar", None)
    assert v is not None and v.svg.startswith("<svg")
    c = pub.cijfers
    rows = c[(c["maat"] == d.id) & (c["niveau"] == "wijk") & (c["periodesoort"] == "jaar")]
    whole = rows[rows["volledig"].astype(bool)]  # the newest complete year, else the newest
    rows = rows[rows["periode"] == (whole if not whole.empty else rows)["periode"].max()]
    shown = rows[rows["status"] != "onderdrukt"]
    # The average line is the pooled rate of the published (rounded) wijk counts.
    doel = 1000 * shown["teller"].sum() / shown["noemer"].sum()
    assert f"{doel:.1f}".replace(".", ",") in v.toelichting
    assert len(v.rijen) == len(rows)
    assert {r[2] for r in v.rijen} <= {
        "binnen toevalsmarge",
        "mogelijk hoger",
        "mogelijk lager",
        "duidelijk hoger",
        "duidelijk lager",
        "geen cijfer",
    }


def test_no_funnel_for_a_figure_that_is_not_a_rate(warehouse: Path) -> None:
    pub = _pub(warehouse)
    assert area_funnel(pub, load_definitions()["clienten_wmo"], "wijk", "jaar", None) is None


def test_peers_and_the_national_figure_beside_the_gemeente(warehouse: Path) -> None:
    pub = _pub(warehouse)
    v = peer_comparison(pub, load_definitions()["clienten_per_1000_wmo"])
    assert v is not None
    rollen = [r[1] for r in v.rijen]
    assert rollen[0] == "eigen gemeente"
    assert "telt de eigen gemeente niet mee" in v.toelichting


def test_signals_name_a_wijk_outside_the_funnel_and_waiting_above_the_norm(warehouse) -> None:
    pub = _pub(warehouse)
    c = pub.cijfers.copy()
    # Make one wijk stand far out and the newest complete quarter wait long: the signals
    # must follow the published figures, whatever they are.
    wijk = c[(c["maat"] == "clienten_per_1000_wmo") & (c["niveau"] == "wijk")]
    wijk = wijk[wijk["periodesoort"] == "jaar"]
    whole = wijk[wijk["volledig"].astype(bool)]
    wijk = wijk[wijk["periode"] == (whole if not whole.empty else wijk)["periode"].max()]
    target = wijk[wijk["status"] != "onderdrukt"].index[0]
    c.loc[target, "teller"] = c.loc[target, "noemer"] * 0.5
    wait = c[
        (c["maat"] == "wachttijd_verzoek_toewijzing_mediaan_wmo")
        & (c["niveau"] == "gemeente")
        & (c["periodesoort"] == "kwartaal")
        & c["volledig"].astype(bool)
    ]
    last = wait.sort_values("periode").index[-1]
    c.loc[last, ["waarde", "status"]] = (NORM_WACHTTIJD + 30, "ok")
    found = signals(replace(pub, cijfers=c), load_definitions())
    kinds = {s.soort for s in found["wmo"]}
    assert {"trechter", "wachttijd"} <= kinds
    naam = pub.naam(str(c.loc[target, "gebiedscode"]))
    assert any(naam in s.tekst and "duidelijk hoger" in s.tekst for s in found["wmo"])
    assert any(f"{NORM_WACHTTIJD + 30} dagen" in s.tekst for s in found["wmo"])
    # On the figures as published, a waiting signal appears only above the norm.
    plain = signals(pub, load_definitions())
    waited = pd.to_numeric(
        pub.cijfers.loc[last, "waarde"] if last in pub.cijfers.index else float("nan")
    )
    assert any(s.soort == "wachttijd" for s in plain["wmo"]) == bool(waited > NORM_WACHTTIJD)


def test_overzicht_and_verkenner_show_them(signed_in) -> None:
    page = signed_in.get("/").text
    assert page.count('<h3 id="signalen-') == 2  # Wmo and Jeugdwet
    explorer = signed_in.get("/verkenner?maat=clienten_per_1000_wmo&niveau=wijk&periodesoort=jaar")
    assert explorer.status_code == 200
    assert "Trechterdiagram: " in explorer.text
    gemeente = signed_in.get(
        "/verkenner?maat=clienten_per_1000_wmo&niveau=gemeente&periodesoort=jaar"
    ).text
    assert "vergelijking met andere gemeenten" in gemeente
    assert re.search(r"<th scope=\"row\">[^<]+</th><td class=\"getal\">eigen gemeente", gemeente)
