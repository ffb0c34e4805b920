"""The canonical tables of the datapakhuis (see docs/architecture.md).

Names follow the Dutch standards so an analyst recognises them in SQL or a BI tool.
Identifiers are pseudonyms; there is no column for a BSN, a name, an address or an exact
birth date, so none can be stored by accident. ``lading_id`` on every table is the lineage:
which load a row came from.
"""

from __future__ import annotations

TABLES: dict[str, str] = {
    "lading": """
        lading_id BIGINT PRIMARY KEY,
        run_id VARCHAR NOT NULL,          -- one call of `inlezen`: all its files commit together
        bron VARCHAR NOT NULL,            -- istandaarden | brp
        bestand VARCHAR NOT NULL,         -- sha256[:16] + extension, never the name (zip: a!m)
        sha256 VARCHAR NOT NULL,
        gelezen BIGINT NOT NULL,
        geladen BIGINT NOT NULL,
        gequarantaineerd BIGINT NOT NULL,
        dubbel BIGINT NOT NULL,
        doel VARCHAR,
        wie VARCHAR,
        gestart TIMESTAMP NOT NULL,
        -- verwerking_id: the id of the load's audit record (privacy.audit.missing)
        klaar TIMESTAMP NOT NULL,
        verwerking_id VARCHAR
    """,
    "quarantaine": """
        lading_id BIGINT NOT NULL,
        bestand VARCHAR NOT NULL,
        positie VARCHAR NOT NULL,         -- 'regel 12' or 'regel 12, element Bsn'
        soort VARCHAR NOT NULL,           -- xsd | bedrijfsregel | onbekend_bericht | brp | ...
        melding VARCHAR NOT NULL,         -- Dutch, nine-digit numbers masked
        afzender VARCHAR,                 -- provider (AGB) or municipality code when known
        berichttype VARCHAR,
        bericht_id VARCHAR,
        toewijzingnummers VARCHAR,        -- start/stop for unknown allocations: 'nr1,nr2'
        -- sha256 of the file: re-reading it adds no second row
        sha256 VARCHAR
    """,
    "bericht": """
        bericht_id VARCHAR PRIMARY KEY,   -- standaard:berichtcode:afzender:identificatie
        standaard VARCHAR NOT NULL,       -- iwmo | ijw
        wet VARCHAR NOT NULL,             -- wmo | jeugd
        berichttype VARCHAR NOT NULL,     -- 301, 305, ... (the 3xx name)
        berichtcode INTEGER NOT NULL,     -- COD002 code, e.g. 414
        afzender VARCHAR NOT NULL,
        ontvanger VARCHAR NOT NULL,
        gemeentecode VARCHAR,             -- GMxxxx of the municipality side
        aanbieder VARCHAR,                -- AGB code of the provider side
        identificatie VARCHAR NOT NULL,
        dagtekening DATE NOT NULL,
        retour_identificatie VARCHAR,     -- return messages: the message answered
        retourcodes VARCHAR,              -- return messages: codes, comma separated
        aantal_regels INTEGER NOT NULL,   -- product lines or claim lines in the message
        bestand VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,          -- of the message bytes
        status VARCHAR NOT NULL,          -- geladen
        lading_id BIGINT NOT NULL,
        xsd_versie VARCHAR,               -- BerichtXsdVersie of the header (3.2 patch level)
        dagtekening_retour DATE,          -- return messages: dagtekening of the message answered
        verzoek_antwoord VARCHAR,         -- 319/320: WJ760 (1 afgewezen, 2 in onderzoek)
        reden_afwijzing VARCHAR,          -- 319: WJ759
        -- inhoud: sha256 of the message's lines and clients (duplicate or conflict)
        inhoud VARCHAR
    """,
    "persoon": """
        persoon_id VARCHAR PRIMARY KEY,
        geboortemaand DATE,               -- first day of the birth month
        geslacht VARCHAR,                 -- COD046: 0 onbekend, 1 man, 2 vrouw, 9 n.v.t.
        bron VARCHAR NOT NULL,            -- brp | bericht (BRP wins)
        lading_id BIGINT NOT NULL,
        -- under the region's shared key (privacy/regio.py); NULL without one
        regio_persoon_id VARCHAR
    """,
    "verblijf": """
        persoon_id VARCHAR NOT NULL,
        huishouden_id VARCHAR,
        gemeentecode VARCHAR NOT NULL,    -- GM9901
        wijkcode VARCHAR,                 -- WK990101
        buurtcode VARCHAR,                -- BU99010101
        van DATE NOT NULL,
        tot DATE,                         -- exclusive: first day gone; NULL = still here
        reden_einde VARCHAR,              -- vertrek | overlijden | NULL
        lading_id BIGINT NOT NULL,
        vierkant VARCHAR,                 -- CBS 100 m square E####N#### (RD), from rd_x/rd_y
        PRIMARY KEY (persoon_id, van)
    """,
    "verzoek": """
        bericht_id VARCHAR NOT NULL,
        regel INTEGER NOT NULL,           -- position of the product in the message
        berichttype VARCHAR NOT NULL,     -- 315 (new) | 317 (change)
        wet VARCHAR NOT NULL,
        gemeentecode VARCHAR NOT NULL,
        persoon_id VARCHAR NOT NULL,
        aanbieder VARCHAR NOT NULL,
        productcategorie VARCHAR,
        productcode VARCHAR,
        toewijzingnummer VARCHAR,         -- 317: the allocation to change
        ingangsdatum DATE,
        einddatum DATE,
        volume BIGINT,
        eenheid VARCHAR,
        frequentie VARCHAR,
        verwijzer_type VARCHAR,           -- COD327
        ontvangen DATE NOT NULL,          -- dagtekening
        lading_id BIGINT NOT NULL,
        referentie VARCHAR,               -- 315: ReferentieAanbieder (a 319 answers by it)
        PRIMARY KEY (bericht_id, regel)
    """,
    "toewijzing": """
        toewijzing_id VARCHAR PRIMARY KEY, -- wet:gemeentecode:toewijzingnummer
        toewijzingnummer VARCHAR NOT NULL,
        wet VARCHAR NOT NULL,
        gemeentecode VARCHAR NOT NULL,
        persoon_id VARCHAR NOT NULL,
        aanbieder VARCHAR NOT NULL,
        productcategorie VARCHAR,
        productcode VARCHAR,
        toewijzingsdatum DATE,            -- earliest over all versions: when first allocated
        ingangsdatum DATE NOT NULL,
        einddatum DATE,
        volume BIGINT,
        eenheid VARCHAR,
        frequentie VARCHAR,
        budget_cent BIGINT,
        reden_wijziging VARCHAR,
        verwijzer_type VARCHAR,
        dagtekening DATE NOT NULL,        -- of the latest 301 for this allocation
        eerste_dagtekening DATE,          -- of the first 301 (the municipality's answer)
        bericht_id VARCHAR NOT NULL,
        lading_id BIGINT NOT NULL
    """,
    "levering": """
        toewijzing_id VARCHAR NOT NULL,
        wet VARCHAR NOT NULL,
        gemeentecode VARCHAR NOT NULL,
        persoon_id VARCHAR NOT NULL,
        aanbieder VARCHAR NOT NULL,
        start DATE NOT NULL,
        stop DATE,
        reden_beeindiging VARCHAR,
        dagtekening_start DATE,           -- NULL when only a stop message arrived
        dagtekening_stop DATE,
        bericht_id_start VARCHAR,
        bericht_id_stop VARCHAR,
        lading_id BIGINT NOT NULL,
        PRIMARY KEY (toewijzing_id, start)
    """,
    "gebied": """
        gebiedscode VARCHAR PRIMARY KEY,  -- GM9901, WK990101, BU99010101
        naam VARCHAR NOT NULL,
        niveau VARCHAR NOT NULL,          -- gemeente | wijk | buurt
        lading_id BIGINT NOT NULL
    """,
    "grens": """
        gebiedscode VARCHAR PRIMARY KEY,  -- WK990101, BU99010101 (or GM9901)
        niveau VARCHAR NOT NULL,          -- gemeente | wijk | buurt
        gemeentecode VARCHAR NOT NULL,    -- GM9901: the gemeente the area belongs to
        geometrie VARCHAR NOT NULL,       -- GeoJSON Polygon/MultiPolygon, WGS84 (RFC 7946)
        lading_id BIGINT NOT NULL
    """,
    "voorziening": """
        wet VARCHAR NOT NULL,             -- participatiewet | schuldhulp | minima
        gemeentecode VARCHAR,             -- GMxxxx when the export names it
        persoon_id VARCHAR NOT NULL,
        soort VARCHAR NOT NULL,           -- algemene_bijstand, budgetbeheer, stadspas, ...
        start DATE NOT NULL,
        eind DATE,                        -- inclusive last day; NULL = still running
        bedrag_cent BIGINT,               -- as exported (per month or once, by soort)
        bron VARCHAR NOT NULL,            -- name of the koppelbestand (column mapping)
        lading_id BIGINT NOT NULL,
        PRIMARY KEY (wet, persoon_id, soort, start)
    """,
    "declaratie": """
        bericht_id VARCHAR NOT NULL,
        regel INTEGER NOT NULL,
        declaratienummer VARCHAR,
        toewijzing_id VARCHAR NOT NULL,
        wet VARCHAR NOT NULL,
        gemeentecode VARCHAR NOT NULL,
        persoon_id VARCHAR NOT NULL,
        aanbieder VARCHAR NOT NULL,
        productcategorie VARCHAR,
        productcode VARCHAR,
        periode_begin DATE NOT NULL,
        periode_eind DATE NOT NULL,
        volume BIGINT,
        eenheid VARCHAR,
        tarief_cent BIGINT,
        bedrag_cent BIGINT NOT NULL,      -- credit lines negative
        referentienummer VARCHAR,
        vorig_referentienummer VARCHAR,
        dagtekening DATE NOT NULL,
        lading_id BIGINT NOT NULL,
        PRIMARY KEY (bericht_id, regel)
    """,
}

# Tables whose rows a reader stages; the loader merges them (see warehouse/load.py).
STAGED = (
    "bericht",
    "persoon",
    "verblijf",
    "gebied",
    "grens",
    "verzoek",
    "toewijzing",
    "levering",
    "declaratie",
    "voorziening",
)


def column_types(table: str) -> dict[str, str]:
    """Column name -> SQL type of a canonical table, in order (parsed from the DDL above)."""
    types: dict[str, str] = {}
    for line in TABLES[table].splitlines():
        line = line.split("--")[0].strip()
        if not line or line.startswith("PRIMARY KEY"):
            continue
        name, sql_type = line.split()[:2]
        types[name] = sql_type.rstrip(",")
    return types


def columns(table: str) -> list[str]:
    """Column names of a canonical table, in order."""
    return list(column_types(table))


def create_all(con: object) -> None:
    """Create the canonical tables if they are missing, and add columns a newer version
    introduced (idempotent).

    New columns are only ever appended and nullable, so a warehouse made by an older
    version keeps working without a rebuild; writers insert by column name.
    """
    present = {
        (str(t), str(c))
        for t, c in con.execute(  # type: ignore[attr-defined]
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        ).fetchall()
    }
    for name, ddl in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({ddl})")  # type: ignore[attr-defined]
        if not any(t == name for t, _ in present):
            continue
        for column, sql_type in column_types(name).items():
            if (name, column) not in present:
                con.execute(f"ALTER TABLE {name} ADD COLUMN {column} {sql_type}")  # type: ignore[attr-defined]
