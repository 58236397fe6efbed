"""The stages' import graph: extract → normalize → validate → pipeline, each importing only itself and
earlier stages, and no module importing (however indirectly) a module that imports it.

Every module of the four stage packages is parsed with `ast`, and every import is read, those inside
functions and `if TYPE_CHECKING:` blocks too: an import hidden in a function still closes a circle,
it only defers it. `from pkg import name` is an edge to `pkg.name` when that is a module, else to
`pkg` (its __init__); `import a.b.c` is an edge to `a.b.c`. Parent packages a module passes through
are not edges (every module of `extract/` would otherwise be in a circle with `extract/__init__`).

An edge that is known and owned by someone else goes in ALLOWED, naming the owner and why; the test
fails on every other edge that closes a circle or points upward.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("extract", "normalize", "validate", "pipeline")  # each may import only those before it

# (importer, imported) → "owner: reason". Empty: no known circle or upward import is left.
ALLOWED: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_modules() -> dict[str, Path]:
    return {module_name(p): p for stage in STAGES for p in sorted((ROOT / stage).rglob("*.py"))}


def _known(name: str, modules: set[str]) -> str | None:
    """`name` if it is a stage module, else the nearest stage package holding it (None: not ours)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, source: str, modules: set[str], is_package: bool = False) -> dict[str, int]:
    """The stage modules the module `name` imports anywhere in `source` → line of the first import."""
    package = name if is_package else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [_known(a.name, modules) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..pkg import y
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else _known(base, modules)
                       for a in node.names]
        else:
            continue
        for t in targets:
            if t and t != name:
                found[t] = min(found.get(t, node.lineno), node.lineno)
    return found


def import_graph() -> dict[tuple[str, str], str]:
    """(importer, imported) → "path:line" of every import between stage modules."""
    modules = stage_modules()
    edges = {}
    for name, path in modules.items():
        found = imports_of(name, path.read_text(encoding="utf-8"), set(modules), path.name == "__init__.py")
        for target, line in found.items():
            edges[(name, target)] = f"{path.relative_to(ROOT)}:{line}"
    return edges


def circles(edges) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's, iterative)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def _stage(module: str) -> int:
    return STAGES.index(module.split(".")[0])


def test_the_walker_reads_imports_inside_functions_and_relative_ones():
    modules = {"pipeline", "pipeline.run", "pipeline.dask_executor", "pipeline.executors",
               "extract", "extract.model", "extract.ocr", "extract.ocr.page"}
    source = ("from pipeline import executors\n"
              "def f():\n"
              "    from pipeline.dask_executor import run_on_cluster\n"
              "    import extract.model\n"
              "    from . import settings\n"
              "import numpy\n")
    assert imports_of("pipeline.run", source, modules) == {
        "pipeline.executors": 1, "pipeline.dask_executor": 3, "extract.model": 4, "pipeline": 5}
    assert imports_of("extract.ocr", "from .page import read\nfrom .. import model\n", modules,
                      is_package=True) == {"extract.ocr.page": 1, "extract.model": 2}


def test_the_circle_finder_finds_a_circle_and_only_that():
    edges = {("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("x", "y"), ("y", "x")}
    assert sorted(circles(edges)) == [["a", "b", "c"], ["x", "y"]]
    assert circles({("a", "b"), ("b", "c"), ("a", "c")}) == []


def test_the_graph_holds_the_stages_and_an_import_made_inside_a_function():
    edges = import_graph()
    assert {a.split(".")[0] for a, _ in edges} == set(STAGES)
    # pipeline/run.py imports the Dask executor inside a function (dask is an optional extra)
    assert ("pipeline.run", "pipeline.dask_executor") in edges


def test_no_stage_imports_a_later_stage():
    upward = [f"{where}: {a} imports {b}" for (a, b), where in sorted(import_graph().items())
              if _stage(b) > _stage(a) and (a, b) not in ALLOWED]
    assert upward == [], "\n".join(upward)


def test_no_module_imports_its_own_importer():
    edges = {e: where for e, where in import_graph().items() if e not in ALLOWED}
    found = []
    for component in circles(edges):
        inside = set(component)
        found.append(" ↔ ".join(component) + ": " + "; ".join(
            f"{where} {a} → {b}" for (a, b), where in sorted(edges.items()) if a in inside and b in inside))
    assert found == [], "\n".join(found)


def test_every_allowed_edge_is_still_there():
    """An edge allowed once and since removed must leave ALLOWED too, so it cannot come back unseen."""
    gone = [f"{a} → {b} ({why})" for (a, b), why in ALLOWED.items() if (a, b) not in import_graph()]
    assert gone == [], "\n".join(gone)
