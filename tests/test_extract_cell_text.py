"""Cell text repair, fake-bold removal and settings validation (plain data, one real page)."""
import pdfplumber
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pdfplumber.utils import dedupe_chars as plumber_dedupe_chars

from conftest import corpus_pdf
from extract.cell_text import cell_text, dedupe_chars, group_lines, is_cjk, join_lines, repair, tighten
from extract.settings import ExtractSettings


def glyphs(text, x0, top, size=12.0, step=None, gap=0.0):
    step = step or size
    out = []
    for i, ch in enumerate(text):
        x = x0 + i * (step + gap)
        out.append({"text": ch, "x0": x, "x1": x + step, "top": top, "bottom": top + size, "size": size})
    return out


def test_spaces_between_cjk_removed_latin_and_numbers_kept():
    assert repair("敬 老 院") == "敬老院"
    assert repair("（ 一 ） 履职 完成 情况") == "（一）履职完成情况"
    assert repair("上海市 XX 局 2024 年度") == "上海市 XX 局 2024 年度"
    assert repair("15 万人次  ≥ 80 %") == "15 万人次 ≥ 80 %"
    assert repair("Noto  Serif\nCJK") == "Noto Serif CJK"


def test_line_breaks_inside_cell_joined():
    assert join_lines(["改善补助对象生活水", "平"]) == "改善补助对象生活水平"
    assert join_lines(["对附属单位", "补", "助支出"]) == "对附属单位补助支出"
    assert join_lines(["annual", "target"]) == "annual target"
    assert join_lines(["录用启航人员补贴 2", "0 人"]) == "录用启航人员补贴 20 人"  # number cut by the cell edge
    assert join_lines(["就业困难人员补贴 110 ", "人"]) == "就业困难人员补贴 110 人"  # space glyph at the break kept
    assert join_lines(["", "合计", ""]) == "合计"


def test_letter_spaced_glyphs_and_lower_digits_make_one_line():
    # 敬 老 院 printed with 8 pt gaps; digits 4.8 pt lower, as Times New Roman sits beside FangSong
    chars = glyphs("敬老院", 100, 100, gap=8) + glyphs("2024", 160, 104.8, size=12, step=6)
    assert len(group_lines(chars)) == 1
    assert cell_text(chars, space_gap=3.0) == "敬老院 2024"


def test_two_lines_in_a_cell():
    chars = glyphs("本年支出合", 10, 100) + glyphs("计", 10, 114)
    assert [len(line) for line in group_lines(chars)] == [5, 1]
    assert cell_text(chars, space_gap=3.0) == "本年支出合计"


@pytest.mark.parametrize("field,value", [("snap_tolerance", -1), ("caption_window", "90"), ("unruled_min_cols", 1), ("page_margin_ratio", 0.6)])
def test_settings_validate_themselves(field, value):
    with pytest.raises((TypeError, ValueError), match=field):
        ExtractSettings(**{field: value})


def test_settings_are_frozen():
    s = ExtractSettings()
    with pytest.raises(AttributeError):
        s.snap_tolerance = 1.0  # type: ignore[misc]


def test_fake_bold_glyphs_printed_twice_become_one():
    title = glyphs("绩效自评报告", 100, 50)
    doubled = [g for ch in title for g in (ch, {**ch, "x0": ch["x0"] + 0.4, "x1": ch["x1"] + 0.4, "top": ch["top"] + 0.3})]
    again = glyphs("绩效", 100, 80)  # the same text on the next line is not a duplicate
    assert dedupe_chars(doubled + again, 1.0) == title + again


def test_dedupe_agrees_with_pdfplumber_on_a_real_page_made_fake_bold():
    with pdfplumber.open(corpus_pdf("putuo-2024-finance-bureau-final-accounts.pdf")) as pdf:
        page = pdf.pages[9]
        chars = page.chars
        page.close()
    bold = [c for ch in chars for c in (ch, {**ch, "x0": ch["x0"] + 0.5, "doctop": ch["doctop"] + 0.2, "top": ch["top"] + 0.2})]
    assert len(chars) > 300
    assert dedupe_chars(bold, 1.0) == plumber_dedupe_chars(bold, 1.0) == chars


_glyph = st.fixed_dictionaries({"text": st.sampled_from("ab"), "x0": st.floats(0, 8), "top": st.floats(0, 8)})


@given(st.lists(_glyph, max_size=40), st.sampled_from([0.0, 0.3, 1.0, 2.5]))
def test_dedupe_keeps_what_comparing_every_pair_keeps(chars, tolerance):
    kept = []
    for ch in chars:  # the definition, quadratic: a glyph repeating a kept one within tolerance goes
        if not any(k["text"] == ch["text"] and abs(k["x0"] - ch["x0"]) <= tolerance
                   and abs(k["top"] - ch["top"]) <= tolerance for k in kept):
            kept.append(ch)
    assert dedupe_chars(chars, tolerance) == kept


def test_tighten_drops_only_spaces_beside_cjk():
    assert tighten("完成 600 人次加班费发放，完成 57 人") == "完成600人次加班费发放，完成57人"
    assert tighten("2024 年 10 月底前") == "2024年10月底前"
    assert tighten("11 项（就业困难人员补贴 110 人）") == "11项（就业困难人员补贴110人）"
    assert tighten("≥ 90 %") == "≥ 90 %"  # no CJK: as typed
    assert tighten("Noto Serif 字体") == "Noto Serif字体"


@given(st.text(alphabet=st.sampled_from(list("完成人次项 ab12%≥（），\n\t")), max_size=40))
def test_tighten_keeps_every_other_character_and_is_idempotent(text):
    out = tighten(text)
    assert "".join(out.split()) == "".join(text.split())
    assert tighten(out) == out
    assert not any(ch.isspace() and (is_cjk(out[i - 1:i]) or is_cjk(out[i + 1:i + 2])) for i, ch in enumerate(out))


def test_lower_set_punctuation_of_another_font_joins_its_own_line():
    """重庆 sets ASCII `(` `)` 7.75 pt below the Han text beside them; where the name wraps right
    after `(`, its box overlaps the wrapped line more than its own. Read as printed."""
    import pdfplumber
    from conftest import corpus_pdf
    from extract.cell_text import cell_lines
    with pdfplumber.open(corpus_pdf("real/chongqing-2026-meteorological-bureau-budget.pdf")) as pdf:
        page = pdf.pages[21]
        chars = [c for c in page.chars if 325 < c["top"] < 350 and 430 < c["x0"] < 600]
        lines = ["".join(c["text"] for c in line) for line in cell_lines(chars)]
        assert lines == ["观测系统业务可用性(国家地面", "站)"]
    # the enumerations of its 收支总表 (一、 / (一)) keep their punctuation in front
    from extract import read_document
    doc = read_document(corpus_pdf("real/chongqing-2026-meteorological-bureau-budget.pdf"))
    texts = {c.text for t in doc.tables if t.page_start == 11 for c in t.cells}
    assert {"(一)一般公共预算资金", "一、本年收入", "二、上年结转"} <= texts
