"""One vocabulary, guarded (issue 23): header words are spelled in normalize/vocab.py only. A
Han-character string literal anywhere else in normalize/ or validate/ fails this test unless its
file is on the allowlist below, which names who clears it; an allowlisted file that no longer
spells any is reported too, so the list only shrinks."""
from __future__ import annotations

import ast
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
HAN = regex.compile(r"\p{Han}")
# file → who moves its literals into vocab.py (docstrings and comments are not literals here)
ALLOWED: dict[str, str] = {
    "normalize/values.py": "performance (value grammar: units and comparison words, not header words)",
    "normalize/families/performance.py": "performance (national 二级 → 一级 table, footnote and whole-unit words)",
    "normalize/families/packed.py": "performance (the unit value 元 of budget_lines, a contract value)",
    "normalize/amounts.py": "budget tables",
    "normalize/anatomy.py": "budget tables (小计 / 合计)",
    "normalize/families/budget_table.py": "budget tables",
    "normalize/headlines.py": "budget tables",
    "normalize/table_headers.py": "budget tables",
    "normalize/report_meta.py": "budget tables",
    "normalize/document.py": "budget tables (prose amounts)",
    "validate/": "validate owners: every module of validate/ until cleared",
}


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
            and HAN.search(n.value)]


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
