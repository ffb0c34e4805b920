"""Reply-message quality per party: how many messages were rejected, how late returns came.

The chain monitor's cases (``kw_geval``) hold one row per return message for the four
reply measures of ``regels.yaml``; this view folds them per provider and per municipality,
because a rejection says something about the *sender* of the rejected message and a late
return about the party that had to answer (OP090: within 3 working days):

* a provider's row: the share of its messages the municipality rejected (``retourcode``)
  and its own late returns on the municipality's messages (``retour_laat_aanbieder``);
* a municipality's row: the share of its messages providers rejected
  (``retourcode_gemeente``) and its own late returns (``retour_laat``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

MEASURES = ("retourcode", "retourcode_gemeente", "retour_laat", "retour_laat_aanbieder")

_PER_PARTY = """
SELECT 'aanbieder' AS partij, aanbieder AS code,
       CAST(count_if(maatregel = 'retourcode') AS BIGINT) AS berichten,
       CAST(count_if(maatregel = 'retourcode' AND fout) AS BIGINT) AS afgekeurd,
       CAST(count_if(maatregel = 'retour_laat_aanbieder') AS BIGINT) AS retouren,
       CAST(count_if(maatregel = 'retour_laat_aanbieder' AND fout) AS BIGINT) AS retouren_laat
FROM {cases} WHERE maatregel IN ('retourcode', 'retour_laat_aanbieder') GROUP BY ALL
UNION ALL
SELECT 'gemeente', gemeentecode,
       CAST(count_if(maatregel = 'retourcode_gemeente') AS BIGINT),
       CAST(count_if(maatregel = 'retourcode_gemeente' AND fout) AS BIGINT),
       CAST(count_if(maatregel = 'retour_laat') AS BIGINT),
       CAST(count_if(maatregel = 'retour_laat' AND fout) AS BIGINT)
FROM {cases} WHERE maatregel IN ('retourcode_gemeente', 'retour_laat') GROUP BY ALL
ORDER BY partij, code
"""


def reply_quality(con: duckdb.DuckDBPyConnection, cases: str) -> pd.DataFrame:
    """Per party (``partij`` aanbieder|gemeente, ``code``): messages answered, rejected and
    the share, returns sent and how many were late, from the monitor's TEMP ``cases``."""
    frame = con.execute(_PER_PARTY.format(cases=cases)).df()
    frame["aandeel_afgekeurd"] = frame["afgekeurd"] / frame["berichten"].where(
        frame["berichten"] > 0
    )
    frame["aandeel_laat"] = frame["retouren_laat"] / frame["retouren"].where(frame["retouren"] > 0)
    return frame


__all__ = ["MEASURES", "reply_quality"]
