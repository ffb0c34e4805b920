"""CBS grid squares (vierkanten) of 100 m and 500 m on the RD New grid (EPSG:28992).

CBS publishes figures per square ("Statistische gegevens per vierkant"). A square is named by
its lower-left corner in whole hectometres, four digits each, east then north:
``E1205N4487`` is x 120,500-120,600 and y 448,700-448,800. A 500 m square uses the same
notation for its corner, which is then a multiple of 5 hectometres (``E1205N4485``).

At the door an address's coordinates become only its 100 m square; the 500 m square is
derived from that code, so nothing finer than 100 m is ever kept.
"""

from __future__ import annotations

import math
import re

# RD New coordinates of the Netherlands, in metres (land and coastal water, generously).
RD_X = (0.0, 300_000.0)
RD_Y = (300_000.0, 630_000.0)
GROOTTES = (100, 500)
_CODE = re.compile(r"E(\d{4})N(\d{4})")


def in_nederland(x: float, y: float) -> bool:
    """Whether a point lies in the RD range of the Netherlands (bounds included)."""
    return RD_X[0] <= x <= RD_X[1] and RD_Y[0] <= y <= RD_Y[1]


def vierkant_code(x: float, y: float, meter: int = 100) -> str:
    """The code of the ``meter`` (100 or 500) square that contains the point (x, y).

    A point on a square's west or south edge belongs to that square; on its east or north
    edge to the next one (the corner is inclusive, the far edges exclusive). Floor division
    on floats is exact, so an edge is never misplaced by rounding.
    """
    if meter not in GROOTTES:
        raise ValueError(f"Vierkanten zijn 100 of 500 meter, niet {meter}.")
    if not (math.isfinite(x) and math.isfinite(y) and in_nederland(x, y)):
        raise ValueError("Coördinaat ligt buiten het RD-bereik van Nederland.")
    step = meter // 100
    e = int(x // meter) * step
    n = int(y // meter) * step
    return f"E{e:04d}N{n:04d}"


def is_vierkant(code: object) -> bool:
    """Whether ``code`` has the form E####N####."""
    return isinstance(code, str) and _CODE.fullmatch(code) is not None


def hoek(code: str) -> tuple[int, int]:
    """The lower-left corner of a square in metres (RD)."""
    found = _CODE.fullmatch(code)
    if found is None:
        raise ValueError(f"'{code}' is geen vierkantcode zoals E1205N4487.")
    return int(found[1]) * 100, int(found[2]) * 100


def vierkant_500(code: str) -> str:
    """The 500 m square that contains a 100 m square (the corner rounded down to 5 hm)."""
    x, y = hoek(code)
    e, n = x // 500 * 5, y // 500 * 5
    return f"E{e:04d}N{n:04d}"
