"""Population projection, usage-rate shrinkage and the change decomposition."""

from __future__ import annotations

import numpy as np
import pytest

from stuurdata.forecast.decompose import lmdi
from stuurdata.forecast.demography import AGES, Rates, expected, project_population, usage_rates


def _rates(w: int, **kw: object) -> Rates:
    base = {
        "sterfte": np.zeros((2, AGES)),
        "vertrek": np.zeros((2, AGES)),
        "vestiging": np.zeros((w, 2, AGES)),
        "vruchtbaarheid": 0.0,
    }
    base.update(kw)
    return Rates(**base)  # type: ignore[arg-type]


def test_closed_population_ages_one_year_per_year():
    pop = np.zeros((1, 2, AGES))
    pop[0, 0, 30] = 100
    out = project_population(pop, _rates(1), 3)
    assert out[3, 0, 0, 33] == 100 and out[3].sum() == 100


def test_births_deaths_and_arrivals():
    pop = np.zeros((1, 2, AGES))
    pop[0, 1, 30] = 1000
    sterfte = np.zeros((2, AGES))
    sterfte[1, 30] = 0.1
    vest = np.zeros((1, 2, AGES))
    vest[0, 0, 20] = 5
    out = project_population(
        pop, _rates(1, sterfte=sterfte, vestiging=vest, vruchtbaarheid=0.05), 1
    )
    assert out[1, 0, 1, 31] == pytest.approx(900)
    assert out[1, 0, :, 0].sum() == pytest.approx(50)
    assert out[1, 0, 0, 20] == 5


def test_small_wijk_rate_is_shrunk_toward_municipality():
    pop = np.full((2, 2, AGES), 10.0)
    pop[0] *= 100  # a large wijk and a small one
    clients = pop * 0.02
    clients[1] = 0  # the small wijk happens to have no clients
    rates = usage_rates(clients, pop, "wmo")
    assert rates[0].mean() == pytest.approx(0.02, rel=0.05)
    assert 0.01 < rates[1].mean() < 0.02
    assert expected(pop, rates).shape == (2,)


def test_lmdi_is_exact_and_attributes_pure_growth_to_population():
    pop0 = np.array([100.0, 200.0, 50.0])
    cli0 = np.array([5.0, 10.0, 20.0])
    cost0 = np.array([500.0, 2000.0, 8000.0])
    eff = lmdi(pop0, 2 * pop0, cli0, 2 * cli0, cost0, 2 * cost0)
    assert eff["bevolking"] == pytest.approx(cost0.sum())
    assert abs(eff["leeftijdsopbouw"]) + abs(eff["gebruik"]) + abs(eff["per_client"]) < 1e-6
    rng = np.random.default_rng(1)
    pop1, cli1, cost1 = (
        pop0 * rng.uniform(0.8, 1.3, 3),
        cli0 * rng.uniform(0.8, 1.3, 3),
        cost0 * rng.uniform(0.8, 1.3, 3),
    )
    eff = lmdi(pop0, pop1, cli0, cli1, cost0, cost1)
    assert sum(eff.values()) == pytest.approx(cost1.sum() - cost0.sum())
