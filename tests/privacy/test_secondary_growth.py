"""Secondary suppression on large tables: the work per primary cell stays local.

A cube for a primary cell looks only at the cells its directions touch (``Tree.reach``), so
a table of many separate roots (households per grid square) costs as much per cell as a
small one; these tests pin what that shortcut must keep: the same directions, the same
suppressed cells.
"""

from __future__ import annotations

import pandas as pd

from stuurdata.privacy.secondary import Tree, area_parent, secondary_mask


def _areas() -> list[str]:
    codes = ["GM9901"]
    for w in range(1, 4):
        codes.append(f"WK9901{w:02d}")
        codes += [f"BU9901{w:02d}{b:02d}" for b in range(1, 4)]
    return codes


def test_reach_is_every_node_of_the_directions_once():
    tree = Tree(_areas(), area_parent)
    for node in tree.parent:
        if node.startswith("~"):
            continue
        reach = tree.reach(node)
        assert len(reach) == len(set(reach))
        assert set(reach) == {n for vec in tree.vectors(node) for n in vec}


def test_a_lone_root_reaches_only_itself():
    tree = Tree(["E1450N4350", "E1450N4351", "E1450N4352"], area_parent)
    assert tree.reach("E1450N4351") == ["E1450N4351"]


def _squares(n: int) -> tuple[pd.DataFrame, pd.Series]:
    """Households per grid square: no square lies in another, so there is no total."""
    codes = [f"E{1400 + i % 50}N{4300 + i // 50}" for i in range(n)]
    values = [3 if i % 3 == 0 else 25 for i in range(n)]
    frame = pd.DataFrame(
        {
            "indicator": "stapeling_vierkant_huishoudens",
            "niveau": "vierkant",
            "gebiedscode": codes,
            "periodesoort": "jaar",
            "periode": "2025",
            "categorie": "",
            "teller": values,
            "noemer": None,
            "waarde": values,
        }
    )
    return frame, frame["teller"].lt(10)


def test_grid_squares_hide_only_their_small_cells():
    frame, primary = _squares(600)
    kinds = pd.Series("aantal", index=frame.index)
    extra = secondary_mask(frame, primary, kinds)
    # Nothing adds up over squares, so nothing can be recovered: no secondary cell.
    assert not extra.any()
    assert int(primary.sum()) == 200
