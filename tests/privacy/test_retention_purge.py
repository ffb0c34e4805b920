"""Retention: data past every purpose's retention period goes, in one transaction, logged."""

from __future__ import annotations

import dataclasses
from datetime import date

import duckdb

from stuurdata.privacy import audit
from stuurdata.privacy.governance import demo_doel
from stuurdata.privacy.keys import pseudonymiser
from stuurdata.privacy.purposes import save_doel
from stuurdata.privacy.retention import cutoffs, purge_and_log
from stuurdata.warehouse.load import load_sources

from helpers import test_bsns

BRP_HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden\n"
)


def test_cutoff_is_the_longest_retention_per_source():
    short = dataclasses.replace(demo_doel(), naam="kort", bewaartermijn_maanden=12)
    long = dataclasses.replace(demo_doel(), naam="lang", bronnen=("brp",), bewaartermijn_maanden=24)
    limits = cutoffs([short, long], date(2026, 6, 15))
    assert limits == {
        "brp": date(2024, 6, 15),
        "istandaarden": date(2025, 6, 15),
        "gebieden": date(2025, 6, 15),
        "suite": date(2025, 6, 15),
        "cbs": date(2025, 6, 15),
    }


def test_purge_removes_ended_residences_and_orphaned_persons_and_logs(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    old, current = test_bsns(2)
    brp = tmp_path / "brp.csv"
    brp.write_text(
        BRP_HEADER
        + f"{old};1950-01-05;V;GM9901;WK990101;BU99010101;;;H1;1990-01-01;2015-03-01;\n"
        + f"{current};1960-01-05;M;GM9901;WK990101;BU99010101;;;H2;1990-01-01;;\n"
    )
    load_sources([brp], pakhuis, pseudonymiser(tmp_path / "k.key"), workers=1)
    save_doel(pakhuis, dataclasses.replace(demo_doel(), bewaartermijn_maanden=60))

    result = purge_and_log(pakhuis, today=date(2026, 1, 1), actor="beheerder")

    assert result.verwijderd["verblijf"] == 1 and result.verwijderd["persoon"] == 1
    con = duckdb.connect(str(pakhuis), read_only=True)
    assert con.execute("SELECT count(*) FROM verblijf").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM persoon").fetchall() == [(1,)]
    con.close()
    last = audit.records(pakhuis)[-1]
    assert (last.activiteit, last.resultaat, last.personen) == ("opschonen", "uitgevoerd", 1)
    assert "verblijf: 1" in last.toelichting


def test_without_a_purpose_nothing_is_removed_and_it_is_said(tmp_path):
    pakhuis = tmp_path / "p.duckdb"
    duckdb.connect(str(pakhuis)).execute(
        "CREATE TABLE verblijf (persoon_id VARCHAR, tot DATE)"
    ).close()
    result = purge_and_log(pakhuis, today=date(2026, 1, 1))
    assert result.totaal == 0 and result.zonder_doel == ["brp"]
