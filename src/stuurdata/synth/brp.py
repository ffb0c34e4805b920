"""Write the BRP extract: one row per residence period, in the column order readers expect.

The last two columns are the RD coordinates of the address (``geography.py``), as a
municipality gets them by joining the BRP address with the BAG verblijfsobject.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stuurdata.synth.areas import Areas
from stuurdata.synth.geography import Geography
from stuurdata.synth.population import NEVER, Population

BRP_HEADER = (
    "bsn;geboortedatum;geslacht;gemeentecode;wijkcode;buurtcode;postcode;huisnummer;"
    "huishouden;datum_vestiging;datum_vertrek;datum_overlijden;rd_x;rd_y"
)
_GESLACHT = np.array(["M", "V", "O"])


def iso(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 as ISO date strings; NEVER becomes an empty string."""
    days = np.asarray(days, dtype=np.int64)
    out = np.datetime_as_string(np.minimum(days, 2_000_000).astype("datetime64[D]"), unit="D")
    return np.where(days >= NEVER, "", out)


def write_brp(
    path: Path,
    pop: Population,
    areas: Areas,
    bsn: np.ndarray,
    postcode: np.ndarray,
    huisnr: np.ndarray,
    t0: int,
    t_end: int,
    geo: Geography,
    chunk: int = 200_000,
) -> int:
    """Write the extract for everyone living there at some time in [t0, t_end); row count."""
    present = (pop.start < t_end) & (pop.end > t0)
    persons = np.flatnonzero(present)
    h = pop.hh[persons]
    move = pop.hh_move[h]
    # A second row when the household moved while the person lived with it.
    two = (move > pop.start[persons]) & (move < pop.end[persons]) & (move < t_end)
    after_move = move <= pop.start[persons]
    rows_p = np.concatenate([persons, persons[two]])
    second = np.concatenate([np.zeros(len(persons), bool), np.ones(int(two.sum()), bool)])
    order = np.lexsort((second, rows_p))
    rows_p, second = rows_p[order], second[order]
    first_has_move = np.concatenate([two, np.zeros(int(two.sum()), bool)])[order]
    starts_after = np.concatenate([after_move, np.zeros(int(two.sum()), bool)])[order]
    hh = pop.hh[rows_p]
    in_new = second | starts_after
    buurt = np.where(in_new, pop.hh_buurt2[hh], pop.hh_buurt[hh])
    addr = np.where(in_new, pop.hh_addr2[hh], pop.hh_addr[hh])
    van = np.where(second, pop.hh_move[hh], pop.start[rows_p])
    end = pop.end[rows_p]
    is_last = ~first_has_move
    ended = is_last & (end < t_end)
    vertrek = np.where(
        first_has_move, pop.hh_move[hh], np.where(ended & (pop.end_reason[rows_p] == 2), end, NEVER)
    )
    overlijden = np.where(ended & (pop.end_reason[rows_p] == 1), end, NEVER)
    buurt_codes = np.array(areas.buurt_codes)
    wijk_codes = np.array(areas.wijk_codes)[areas.buurt_wijk]
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(BRP_HEADER + "\n")
        for lo in range(0, len(rows_p), chunk):
            s = slice(lo, lo + chunk)
            rd_x, rd_y = geo.rd_strings(addr[s])
            cols = [
                bsn[rows_p[s]],
                iso(pop.birth[rows_p[s]]),
                _GESLACHT[pop.sex[rows_p[s]]],
                np.full(len(rows_p[s]), areas.gemeentecode),
                wijk_codes[buurt[s]],
                buurt_codes[buurt[s]],
                postcode[addr[s]],
                huisnr[addr[s]].astype(str),
                hh[s].astype(str),
                iso(van[s]),
                iso(vertrek[s]),
                iso(overlijden[s]),
                rd_x,
                rd_y,
            ]
            lines = cols[0].astype(object)
            for c in cols[1:]:
                lines = lines + ";" + c.astype(object)
            f.write("\n".join(lines.tolist()) + "\n")
    return len(rows_p)
