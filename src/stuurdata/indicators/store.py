"""Store computed indicator values in the warehouse (table ``indicatorwaarde``).

Values are kept per indicator *and version*: recomputing replaces the values of the same
indicator+versie, while values computed under an older definition stay, so a published
figure can always be traced back to the definition it was made with.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from stuurdata.indicators.compute import COLUMNS, normalise_frame

TABLE = "indicatorwaarde"

DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    indicator VARCHAR NOT NULL,
    versie INTEGER NOT NULL,
    niveau VARCHAR NOT NULL,
    gebiedscode VARCHAR NOT NULL,
    periodesoort VARCHAR NOT NULL,
    periode VARCHAR NOT NULL,
    categorie VARCHAR NOT NULL,
    teller DOUBLE,
    noemer DOUBLE,
    waarde DOUBLE,
    n BIGINT NOT NULL,
    ladingen VARCHAR NOT NULL,
    volledig BOOLEAN,
    berekend TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (indicator, versie, niveau, gebiedscode, periodesoort, periode, categorie)
)
"""

# A store made before ``volledig`` existed gets the column (the schema only grows).
_GROW = f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS volledig BOOLEAN"


def store_indicators(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the ``compute_indicators`` contract) into ``indicatorwaarde``.

    All values of each indicator+versie in the frame are replaced in one transaction, so a
    reader never sees a half-written indicator.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"Kolommen ontbreken: {', '.join(missing)}")
    con.execute(DDL)
    con.execute(_GROW)
    pairs = frame[["indicator", "versie"]].drop_duplicates()
    data = frame[COLUMNS]
    con.execute("BEGIN TRANSACTION")
    try:
        for indicator, versie in pairs.itertuples(index=False):
            con.execute(
                f"DELETE FROM {TABLE} WHERE indicator = ? AND versie = ?",
                [str(indicator), int(versie)],
            )
        con.register("_stuurdata_indicatorwaarde", data)
        con.execute(
            f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) "
            f"SELECT {', '.join(COLUMNS)} FROM _stuurdata_indicatorwaarde"
        )
        con.unregister("_stuurdata_indicatorwaarde")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def read_indicators(
    con: duckdb.DuckDBPyConnection,
    ids: Sequence[str] | None = None,
    versies: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Stored values (optionally only ``ids``, and per id only version ``versies[id]``)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [TABLE]
    ).fetchall()[0][0]
    if not exists:
        return normalise_frame(pd.DataFrame(columns=COLUMNS))
    frame = con.execute(f"SELECT * FROM {TABLE}").df()
    if "volledig" not in frame.columns:  # stored before completeness was marked: unknown
        frame["volledig"] = False
    frame["volledig"] = frame["volledig"].fillna(False)
    if ids is not None:
        frame = frame[frame["indicator"].isin(list(ids))]
    if versies is not None:
        wanted = frame["indicator"].map(versies)
        frame = frame[frame["versie"] == wanted]
    return normalise_frame(frame)
