"""``prognose reeks``: the input contract (periods, gaps, mergers, short series) and pooling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.forecast.models import Panel, forecast, forecast_panel
from stuurdata.forecast.perioden import Periode, lees_periode
from stuurdata.forecast.reeks import KOLOMMEN, forecast_series, lees_reeksen
from stuurdata.forecast.reekstoets import backtest_series, summarise_backtest

runner = CliRunner()
HALVES = [f"{y}HJ{h}" for y in range(2017, 2023) for h in (1, 2)]


def _write(path: Path, rows: list[tuple[str, str, str]], header: str = "gebied;periode;waarde"):
    path.write_text(header + "\n" + "\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _panel_rows(n_gemeenten: int = 30, seed: int = 3) -> list[tuple[str, str, str]]:
    """Half-year counts for many gemeenten: a shared growth of 2% per half year plus noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(n_gemeenten):
        base = rng.uniform(200, 5000)
        for t, p in enumerate(HALVES):
            value = rng.poisson(base * np.exp(0.02 * t))
            rows.append((f"Gemeente {g:02d}", p, str(value)))
    return rows


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022HJ2", "2022HJ2"),
        ("2022hj02", "2022HJ2"),
        ("2e halfjaar 2022", "2022HJ2"),
        ("1e  Halfjaar 2021", "2021HJ1"),
        ("2021-H1", "2021HJ1"),
        ("2022", "2022"),
        ("2022JJ00", "2022"),
        ("2022MM03", "2022MM03"),
        ("2022-03", "2022MM03"),
    ],
)
def test_periods_in_cbs_and_common_notation(text, expected):
    assert str(lees_periode(text)) == expected


def test_half_years_follow_each_other_across_the_year():
    assert lees_periode("2022HJ2").volgende() == lees_periode("2023HJ1")
    assert lees_periode("2022MM12").volgende() == Periode("maand", 2023 * 12)


@pytest.mark.parametrize("bad", ["2022HJ3", "3e halfjaar 2022", "2022MM13", "voorjaar", ""])
def test_a_bad_period_is_refused_in_dutch(bad):
    with pytest.raises(ValueError, match="geen periode die stuurdata kent"):
        lees_periode(bad)


def test_bad_rows_are_named_by_file_and_line_and_the_rest_goes_on(tmp_path):
    rows = _panel_rows(5)
    rows.insert(3, ("Gemeente 00", "2019HJ3", "100"))
    rows.insert(7, ("Gemeente 01", "2019HJ1", "veel"))
    data = lees_reeksen([_write(tmp_path / "reeks.csv", rows)])
    text = "\n".join(data.meldingen)
    assert "reeks.csv, regel 5: '2019HJ3' is geen periode" in text
    assert "reeks.csv, regel 9 (Gemeente 01, 2019HJ1): 'veel' is geen getal" in text
    out = forecast_series(data, 2)
    assert set(out.prognose["gebied"]) == {f"Gemeente {g:02d}" for g in range(5)}


def test_output_contract_continues_in_cbs_notation(tmp_path):
    data = lees_reeksen([_write(tmp_path / "reeks.csv", _panel_rows(25))])
    out = forecast_series(data, 3).prognose
    assert list(out.columns) == list(KOLOMMEN)
    assert sorted(set(out["periode"])) == ["2023HJ1", "2023HJ2", "2024HJ1"]
    assert (out["ondergrens_95"] <= out["ondergrens_80"]).all()
    assert (out["ondergrens_80"] <= out["verwachting"]).all()
    assert (out["verwachting"] <= out["bovengrens_80"]).all()
    assert (out["bovengrens_80"] <= out["bovengrens_95"]).all()
    assert out["model"].str.contains("gepoold").all()


def test_a_raw_cbs_table_with_years_and_half_years_needs_a_choice(tmp_path):
    lines = ["ID;TypeMaatwerkvoorziening;RegioS;Perioden;WmoClienten_1;Per1000_2"]
    for i, (g, p, v) in enumerate(_panel_rows(3)):
        label = f"{p[-1]}e halfjaar {p[:4]}"
        lines.append(f"{i};Totaal;{g};{label};{v}.0;50.0")
        if p.endswith("2"):
            lines.append(f"{i};Totaal;{g};{p[:4]};{v}.0;50.0")
    path = tmp_path / "86050NED.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Kies er één met --periode"):
        lees_reeksen([path])
    data = lees_reeksen([path], "halfjaar")
    assert data.soort == "halfjaar" and len(data.waarden) == 3
    assert any("andere soort periode dan halfjaar" in m for m in data.meldingen)


def test_gaps_one_missing_period_is_filled_a_longer_gap_cuts_the_series(tmp_path):
    rows = [r for r in _panel_rows(25) if not (r[0] == "Gemeente 00" and r[1] == "2021HJ2")]
    rows = [r for r in rows if not (r[0] == "Gemeente 01" and r[1] in ("2018HJ1", "2018HJ2"))]
    rows = [r for r in rows if not (r[0] == "Gemeente 02" and r[1] in ("2021HJ1", "2021HJ2"))]
    data = lees_reeksen([_write(tmp_path / "reeks.csv", rows)])
    out = forecast_series(data, 2)
    text = "\n".join(out.meldingen)
    assert "Gemeente 00: 2021HJ2 ontbreekt; ingevuld" in text
    assert "Gemeente 01: de reeks heeft een gat tot en met 2018HJ2" in text
    assert "Gemeente 02: te kort voor een prognose (2 perioden na het gat" in text
    assert {"Gemeente 00", "Gemeente 01"} <= set(out.prognose["gebied"])
    assert "Gemeente 02" not in set(out.prognose["gebied"])


def test_a_merged_gemeente_is_named_and_left_out(tmp_path):
    rows = _panel_rows(25)
    # Oud stops at the merger; Nieuw starts after it with too few periods of its own.
    rows += [("Oud", p, "300") for p in HALVES[:5]]
    rows += [("Nieuw", p, "900") for p in HALVES[-3:]]
    data = lees_reeksen([_write(tmp_path / "reeks.csv", rows)])
    out = forecast_series(data, 2)
    text = "\n".join(out.meldingen)
    assert "Oud: de reeks stopt in 2019HJ1" in text and "samengevoegd" in text
    assert "Nieuw: te kort voor een prognose (3 perioden, minimaal 4)" in text
    assert not {"Oud", "Nieuw"} & set(out.prognose["gebied"])


def test_a_series_too_short_alone_gives_a_message_and_no_rows(tmp_path):
    path = _write(tmp_path / "kort.csv", [("Eenling", p, "50") for p in HALVES[-3:]])
    out = forecast_series(lees_reeksen([path]), 2)
    assert out.prognose.empty
    assert out.meldingen == [
        "Eenling: te kort voor een prognose (3 perioden, minimaal 4). Een nieuwe "
        "(samengevoegde) gemeente krijgt pas een prognose als ze genoeg eigen cijfers heeft."
    ]


def test_two_different_values_for_one_period_refuse_that_area(tmp_path):
    rows = [*_panel_rows(25), ("Gemeente 03", "2020HJ1", "1")]
    out = forecast_series(lees_reeksen([_write(tmp_path / "reeks.csv", rows)]), 2)
    assert any(
        "Gemeente 03 heeft voor 2020HJ1 twee verschillende waarden" in m for m in out.meldingen
    )
    assert "Gemeente 03" not in set(out.prognose["gebied"])


def test_inhabitants_carry_the_forecast(tmp_path):
    """A flat rate per inhabitant with a growing population: the forecast follows it."""
    lines = ["gebied;periode;waarde;inwoners"]
    for g in range(25):
        for t, p in enumerate([*HALVES, "2023HJ1", "2023HJ2"]):
            people = 10_000 * (1 + g / 10) * (1.03**t)
            value = "" if t >= len(HALVES) else str(round(people * 0.07, 1))
            lines.append(f"G{g};{p};{value};{people:.0f}")
    path = tmp_path / "inw.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = forecast_series(lees_reeksen([path]), 2, variant="niveau").prognose
    g0 = out[out["gebied"] == "G0"]["verwachting"].to_numpy()
    expected = 10_000 * 0.07 * 1.03 ** np.array([12, 13])
    assert g0 == pytest.approx(expected, rel=0.01)


def test_a_panel_of_one_is_the_single_series_forecast():
    y = 100 * np.exp(0.01 * np.arange(30)) + np.random.default_rng(1).normal(0, 2, 30)
    alone = forecast(y, 6, "gedempt")
    (found,), _ = forecast_panel([Panel(y)], 6, "gedempt")
    assert found.mean == pytest.approx(alone.mean)
    assert found.hi95 == pytest.approx(alone.hi95)


def test_pooling_pulls_a_short_steep_trend_toward_its_peers():
    """Twenty gemeenten grow 2% per period; a short noisy series grew 10%: shrunk toward 2%."""
    rng = np.random.default_rng(5)
    peers = [
        Panel(1000 * np.exp(0.02 * np.arange(12) + rng.normal(0, 0.01, 12))) for _ in range(20)
    ]
    steep = Panel(1000 * np.exp(0.10 * np.arange(6) + rng.normal(0, 0.05, 6)))
    fcs, pooling = forecast_panel([*peers, steep], 2, "trend")
    (own,), _ = forecast_panel([steep], 2, "trend")
    pooled_growth = fcs[-1].mean[1] / steep.y[-1] - 1
    own_growth = own.mean[1] / steep.y[-1] - 1
    assert 0.0 < pooled_growth < own_growth
    assert pooling.gewicht_trend[-1] < 0.9


def test_a_break_restarts_the_level_at_the_new_table():
    """A series that jumps 30% at a definition change: the forecast starts from the new level."""
    rng = np.random.default_rng(2)
    panel = []
    for _ in range(20):
        y = 500 * np.exp(rng.normal(0, 0.01, 14))
        y[10:] *= 1.3
        panel.append(Panel(y, breaks=(10,)))
    fcs, _ = forecast_panel(panel, 2, "gedempt")
    for p, fc in zip(panel, fcs, strict=True):
        assert fc.mean[0] == pytest.approx(p.y[-1], rel=0.05)


def test_backtest_measures_against_naive_and_last_year(tmp_path):
    data = lees_reeksen([_write(tmp_path / "reeks.csv", _panel_rows(30))])
    rows = backtest_series(data, [lees_periode("2020HJ2"), lees_periode("2021HJ1")], 2)
    summary = summarise_backtest(rows)
    assert summary["gemeenten"] == 30 and summary["voorspellingen"] == 60
    # A shared 2% growth per half year is what pooling is for: it beats the last value.
    assert summary["aandeel_beter_dan_naief"] > 0.6
    assert summary["mase_naief"] < summary["naief_mase_naief"]
    assert 0.5 <= summary["dekking80"] <= 1.0


def test_cli_writes_the_forecast_and_names_what_it_left_out(tmp_path):
    rows = [*_panel_rows(25), *[("Oud", p, "300") for p in HALVES[:5]]]
    invoer = _write(tmp_path / "reeks.csv", rows)
    uit = tmp_path / "prognose.csv"
    result = runner.invoke(
        app, ["prognose", "reeks", "--invoer", str(invoer), "--uit", str(uit), "--horizon", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "25 reeksen voorspeld" in result.output
    assert "opgeheven of samengevoegd" in " ".join(result.output.split())
    frame = pd.read_csv(uit, sep=";")
    assert list(frame.columns) == list(KOLOMMEN)
    assert len(frame) == 50


def test_cli_refuses_a_missing_file_and_a_bad_break_in_dutch(tmp_path):
    uit = tmp_path / "p.csv"
    result = runner.invoke(
        app, ["prognose", "reeks", "--invoer", str(tmp_path / "weg.csv"), "--uit", str(uit)]
    )
    assert result.exit_code == 1 and "bestaat niet" in result.output
    invoer = _write(tmp_path / "reeks.csv", _panel_rows(3))
    result = runner.invoke(
        app,
        ["prognose", "reeks", "--invoer", str(invoer), "--uit", str(uit), "--breuk", "2021Q1"],
    )
    assert result.exit_code == 1 and "geen periode die stuurdata kent" in result.output
    assert not uit.exists()
