"""Counts computed on demand behind a published figure, protected like the publication.

"Klopt dit getal?" and reconciliation (``analysis.herleiding``, ``analysis.reconcile``) look
deeper than a stored publication: the parts of one figure, the reasons for a difference.
Their counts leave through this module, under the installation's rule, so only the
publication layer calls the disclosure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stuurdata.privacy.disclosure import ONDERDRUKT, DisclosureRule, protect


@dataclass(frozen=True)
class Onderdeel:
    """One part of a figure: a protected count with what it means."""

    label: str
    aantal: float | None  # None: not shown (too few persons)
    status: str
    deel: bool = False  # a part of the line above it


def protect_parts(
    parts: Sequence[tuple[str, float | None, bool]], rule: DisclosureRule
) -> list[Onderdeel]:
    """Counts of persons under ``rule``; a part whose sibling is hidden is hidden too.

    Parts (``deel``) of the line above them add up to it, so one hidden part would follow
    from the total and the other parts: the smallest other part is then hidden as well.
    """
    frame = pd.DataFrame(
        {
            "teller": [p[1] for p in parts],
            "noemer": np.nan,
            "waarde": [p[1] for p in parts],
            "n": [p[1] for p in parts],
            "soort": "aantal",
        }
    )
    out = protect(frame, rule)
    status = out["status"].tolist()
    siblings = [i for i, p in enumerate(parts) if p[2]]
    hidden = [i for i in siblings if status[i] == ONDERDRUKT]
    if len(hidden) == 1 and len(siblings) > 1:
        others = [i for i in siblings if i not in hidden]
        smallest = min(others, key=lambda i: parts[i][1] or 0)
        status[smallest] = ONDERDRUKT
    return [
        Onderdeel(
            label,
            None if status[i] == ONDERDRUKT else _float(out["teller"].iloc[i]),
            status[i],
            deel,
        )
        for i, (label, _, deel) in enumerate(parts)
    ]


def _float(value: object) -> float | None:
    try:
        missing = bool(pd.isna(value))
    except (TypeError, ValueError):
        missing = False
    return None if missing else float(value)  # type: ignore[arg-type]
