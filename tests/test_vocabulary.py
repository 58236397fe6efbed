"""One vocabulary, guarded (issue 23): header words are spelled in normalize/vocab.py only. A
Han-character string literal anywhere else in normalize/ or validate/ fails this test unless its
file is on the allowlist below, which names who clears it and what is left; an allowlisted file
that no longer spells any is reported too, so the list only shrinks.

Not header vocabulary, so never counted: docstrings; the parts of f-strings (ast.JoinedStr
values: check messages and claims, e.g. f"{where} / 三公经费合计"); and a literal on a line that
ends with the comment `# message` — a plain string that is a sentence for a reviewer (a check's
subject, claim or expected text such as "三公经费 = 因公出国（境）费 + …"), never words matched
against a page. Words the code compares with what a page prints belong in vocab.py, even when
they appear inside a message too."""
from __future__ import annotations

import ast
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
HAN = regex.compile(r"\p{Han}")
MESSAGE = "# message"
# file → who moves its literals into vocab.py, and what is left there
ALLOWED: dict[str, str] = {
    "normalize/values.py": "performance (value grammar: units and comparison words, not header words)",
    "normalize/families/performance.py": "performance (national 二级 → 一级 table, footnote and whole-unit words, "
                                         "分 / 元 units, 分值 / 得分 / 总分 measures)",
    "normalize/families/packed.py": "performance (the unit value 元 of budget_lines, a contract value: vocab.YUAN)",
    "normalize/headlines.py": "budget tables (收入 / 支出 sides, 总计, the measures 执行率 / 全年预算数 / 得分, "
                              "the unit 元: vocab.YUAN, vocab.GRAND_TOTAL_WORD …)",
    "validate/budget_execution.py": "validate owners (资金来源 / 资金结构: vocab.FUNDING_SOURCE_GROUPS, money "
                                    "measures, total words, 元, the 执行率 claim)",
    "validate/comparisons.py": "validate owners (fmt_amount's unit table: vocab.YUAN_PER_UNIT says the same)",
    "validate/forms.py": "validate owners (form measures, grades 优 / 良 / 中 / 差, 总分, claims)",
    "validate/headlines.py": "validate owners (display units 元 / 分)",
    "validate/indicators.py": "validate owners (二级 indicator names and the words that fit each)",
    "validate/prose_checks.py": "validate owners (the prose grammar of figures and their subjects)",
    "validate/settings.py": "validate owners (the default placeholder pattern 某某 / xx局, a setting)",
}


def _literals(path: Path) -> list[tuple[int, str]]:
    """Han string literals of the file: docstrings, f-string parts and `# message` lines left out."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    f_parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    skip = docstrings | f_parts
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
            and HAN.search(n.value) and not lines[n.lineno - 1].rstrip().endswith(MESSAGE)]


def _allowed(rel: str) -> bool:
    return any(rel == k or (k.endswith("/") and rel.startswith(k)) for k in ALLOWED)


def test_han_header_literals_live_in_vocab_only():
    offenders = []
    for folder in ("normalize", "validate"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "normalize/vocab.py" or _allowed(rel):
                continue
            offenders += [f"{rel}:{line}: {text[:30]!r}" for line, text in _literals(path)]
    assert not offenders, "Han literals outside normalize/vocab.py:\n" + "\n".join(offenders)


def test_the_allowlist_only_shrinks():
    stale = [k for k in ALLOWED if not k.endswith("/") and (ROOT / k).exists() and not _literals(ROOT / k)]
    assert not stale, f"no Han literals left: remove from ALLOWED: {stale}"
