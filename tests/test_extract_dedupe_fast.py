"""dedupe_chars' array pre-check (cell_text._no_repeats): where it says a page has no twins,
checking glyph by glyph must keep every glyph too; where there are twins it must say so."""
import random

import pytest

from extract import cell_text


def glyphs(rng, n, twins):
    out = []
    for _ in range(n):
        out.append({"text": rng.choice("0123456789,.万元合计"), "x0": rng.uniform(0, 590),
                    "top": rng.uniform(0, 840), "x1": 0.0, "bottom": 0.0})
    for _ in range(twins if out else 0):  # fake bold: the same glyph again within the tolerance
        ch = rng.choice(out)
        out.append({**ch, "x0": ch["x0"] + rng.uniform(-1, 1), "top": ch["top"] + rng.uniform(-1, 1)})
    rng.shuffle(out)
    return out


@pytest.mark.parametrize("seed", range(60))
def test_the_array_check_never_changes_what_is_kept(seed, monkeypatch):
    rng = random.Random(seed)
    chars = glyphs(rng, rng.choice([0, 1, 5, 200, 2000]), twins=rng.choice([0, 0, 1, 5]))
    tolerance = rng.choice([1.0, 0.3, 2.5])
    fast = cell_text.dedupe_chars(chars, tolerance)
    monkeypatch.setattr(cell_text, "_no_repeats", lambda chars, cell: False)
    slow = cell_text.dedupe_chars(chars, tolerance)
    assert fast == slow


def test_twins_and_odd_texts_are_left_to_the_glyph_by_glyph_check():
    a = {"text": "1", "x0": 10.0, "top": 10.0}
    assert cell_text._no_repeats([a, {**a, "x0": 20.0}], 2.0)
    assert not cell_text._no_repeats([a, {**a, "x0": 10.9, "top": 9.2}], 2.0)  # a neighbouring cell
    assert not cell_text._no_repeats([a, {**a, "x0": 10.5}], 2.0)  # the same cell
    assert not cell_text._no_repeats([a, {**a, "text": "fi"}], 2.0)  # a ligature
    assert not cell_text._no_repeats([a, {**a, "x0": float("nan")}], 2.0)


@pytest.mark.parametrize("dx, dy", [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy])
def test_a_twin_in_any_of_the_eight_neighbouring_cells_is_seen(dx, dy):
    """The check looks four ways (right, down, down-right, up-right): the other four are the
    same pairs seen from the other glyph, whichever of the two comes first."""
    a = {"text": "1", "x0": 10.5, "top": 10.5}  # the middle of the grid cell (5, 5) of 2 points
    twin = {**a, "x0": a["x0"] + 2 * dx, "top": a["top"] + 2 * dy}
    assert not cell_text._no_repeats([a, twin], 2.0)
    assert not cell_text._no_repeats([twin, a], 2.0)
    assert cell_text._no_repeats([a, {**twin, "x0": a["x0"] + 4 * dx, "top": a["top"] + 4 * dy}], 2.0)
