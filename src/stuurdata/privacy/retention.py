"""Retention: remove person data that has outlived every purpose allowed to use it.

A row may be kept as long as the longest retention period among the registered purposes that
may use its source. Each canonical table has one date that says when its row stopped being
current (an allocation's end date, a delivery's stop, a claim's period end, a residence's end,
a request's date of receipt); a row whose date lies before ``today - retention`` is removed. A
person row goes when nothing refers to it any more. Allocations still running are never
removed. Areas, messages (``bericht``: no person data) and load lineage (``lading``) stay;
quarantined records of old loads go with their source. Everything happens in one DuckDB
transaction, and one audit record states the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from stuurdata.privacy.purposes import Doel, list_doelen

# table -> (source kind, SQL expression for "no longer current since")
RULES: dict[str, tuple[str, str]] = {
    "verzoek": ("istandaarden", "ontvangen"),
    "toewijzing": ("istandaarden", "einddatum"),
    "levering": ("istandaarden", "stop"),
    "declaratie": ("istandaarden", "periode_eind"),
    "verblijf": ("brp", "tot"),
    "voorziening": ("suite", "eind"),
}
PERSON_TABLES = ("verblijf", "verzoek", "toewijzing", "levering", "declaratie", "voorziening")


@dataclass
class RetentionResult:
    """Rows removed per table, the cut-off per source, and sources no purpose covers."""

    verwijderd: dict[str, int] = field(default_factory=dict)
    grens: dict[str, date] = field(default_factory=dict)
    zonder_doel: list[str] = field(default_factory=list)

    @property
    def totaal(self) -> int:
        return sum(self.verwijderd.values())


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(today.day, 28))


def cutoffs(doelen: list[Doel], today: date) -> dict[str, date]:
    """Per source kind: the oldest date still allowed (longest retention among purposes)."""
    longest: dict[str, int] = {}
    for doel in doelen:
        for bron in doel.bronnen:
            longest[bron] = max(longest.get(bron, 0), doel.bewaartermijn_maanden)
    return {bron: _months_back(today, months) for bron, months in longest.items()}


def purge(pakhuis: Path, *, today: date | None = None, url: str | None = None) -> RetentionResult:
    """Remove what is past retention, in one transaction; returns the counts."""
    today = today or date.today()
    limits = cutoffs(list_doelen(pakhuis, url=url), today)
    result = RetentionResult(grens=limits)
    con = duckdb.connect(str(pakhuis))
    try:
        present = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        con.execute("BEGIN TRANSACTION")
        for table, (bron, column) in RULES.items():
            if table not in present:
                continue
            if bron not in limits:
                if bron not in result.zonder_doel:
                    result.zonder_doel.append(bron)
                continue
            before = _count(con, table)
            con.execute(f'DELETE FROM "{table}" WHERE "{column}" < ?', [limits[bron]])
            result.verwijderd[table] = before - _count(con, table)
        if "persoon" in present:
            refs = " AND ".join(
                f'persoon_id NOT IN (SELECT persoon_id FROM "{t}")'
                for t in PERSON_TABLES
                if t in present
            )
            before = _count(con, "persoon")
            con.execute(f"DELETE FROM persoon WHERE {refs}")
            result.verwijderd["persoon"] = before - _count(con, "persoon")
        if "quarantaine" in present and limits:
            oldest = min(limits.values())
            before = _count(con, "quarantaine")
            con.execute(
                "DELETE FROM quarantaine WHERE lading_id IN "
                "(SELECT lading_id FROM lading WHERE klaar < ?)",
                [oldest],
            )
            result.verwijderd["quarantaine"] = before - _count(con, "quarantaine")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return result


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()
    return int(row[0][0])


def purge_and_log(
    pakhuis: Path, *, today: date | None = None, actor: str | None = None, url: str | None = None
) -> RetentionResult:
    """``purge`` and one audit record with the counts (also when it fails)."""
    from stuurdata.privacy import audit
    from stuurdata.privacy.governance import current_actor

    who = actor or current_actor()
    try:
        result = purge(pakhuis, today=today, url=url)
    except BaseException as exc:
        audit.append(
            pakhuis,
            activiteit="opschonen",
            resultaat=audit.MISLUKT,
            actor=who,
            toelichting=f"afgebroken: {type(exc).__name__}",
            url=url,
        )
        raise
    detail = ", ".join(f"{t}: {n}" for t, n in sorted(result.verwijderd.items()))
    limits = ", ".join(f"{b} voor {d.isoformat()}" for b, d in sorted(result.grens.items()))
    audit.append(
        pakhuis,
        activiteit="opschonen",
        resultaat=audit.UITGEVOERD,
        actor=who,
        bronnen=sorted(result.grens),
        personen=result.verwijderd.get("persoon", 0),
        toelichting=f"bewaartermijn verstreken ({limits}); verwijderd: {detail or 'niets'}",
        url=url,
    )
    return result
