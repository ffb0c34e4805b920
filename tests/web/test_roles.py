"""The access matrix and the levels a role may see under a purpose."""

from __future__ import annotations

from stuurdata.web.roles import BEHEERDER, RAADSLID, ROLLEN, TOEGANG, allowed, levels_for


def test_management_pages_are_for_the_beheerder_only():
    for route in ("gebruikers", "gebruiker_nieuw", "auditlog"):
        assert [r for r in ROLLEN if allowed(r, route)] == [BEHEERDER]


def test_every_role_sees_the_published_figures():
    for route in (
        "overzicht",
        "verkenner",
        "prognose",
        "verantwoording",
        "downloads",
        "api_cijfers",
    ):
        assert all(allowed(r, route) for r in ROLLEN)


def test_unknown_routes_and_roles_are_refused():
    assert not allowed(RAADSLID, "bestaat-niet")
    assert not any(allowed("wethouder", route) for route in TOEGANG)


def test_levels_are_those_of_role_and_purpose_together():
    assert levels_for(RAADSLID, ("gemeente", "wijk", "buurt")) == ("gemeente", "wijk")
    assert levels_for("analist", ("gemeente", "wijk", "buurt")) == ("gemeente", "wijk", "buurt")
    assert levels_for("analist", ("gemeente", "wijk")) == ("gemeente", "wijk")
    assert levels_for(RAADSLID, ("gemeente",)) == ("gemeente",)


def test_the_work_list_is_for_contract_management_and_the_analist_only():
    assert all(allowed(r, "ketenmonitor") for r in ROLLEN)
    assert sorted(r for r in ROLLEN if allowed(r, "ketenmonitor_werklijst")) == [
        "analist",
        "contractmanager",
    ]
