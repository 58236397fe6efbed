"""A merged cell cut by a page break prints its text on one page: the empty part opening the next
page continues it. An empty cell of a record that starts on the new page does not (北京 p. 30: the
next project's blank 其他资金 once took 3.350000, the 其他资金 of the project above the break)."""
from __future__ import annotations

from extract.settings import DEFAULT
from extract.stitch import append_piece
from tables import make_table

HEADER = ["项目名称", "项目总额", "其他资金", "三级指标"]
BEFORE = [HEADER, ["A项目", "81.525", "3.350", "调查户数"], ["", "", "", "合格率"]]
BEFORE_SPANS = {(1, 0): (2, 1), (1, 1): (2, 1), (1, 2): (2, 1)}


def stitched(first_row):
    table = make_table(BEFORE, spans=BEFORE_SPANS, page=1)
    piece = make_table([first_row, ["", "", "", "满意度"]], spans={(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1)},
                       page=2)
    return append_piece(table, piece, DEFAULT).text_grid()


def test_the_cut_part_of_a_merged_cell_continues_its_label():
    grid = stitched(["", "", "", "及时率"])
    assert grid[3][0] == "A项目"


def test_a_new_records_empty_cell_stays_empty():
    grid = stitched(["B项目", "66.486", "", "及时率"])
    assert grid[3][:3] == ["B项目", "66.486", ""]


def test_an_amount_is_never_carried_over_the_break():
    """The cut part of a merged amount cell stays blank: the amount is printed once, above the
    break, and a copy would be read as a second amount (北京 p. 28 under 103.984764)."""
    grid = stitched(["", "", "", "及时率"])
    assert grid[3][:3] == ["A项目", "", ""]
