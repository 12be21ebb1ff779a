"""Dependency directions of the package, computed from the source with :mod:`ast`.

Rules (issue 10, item 5):

* succinct never imports constructions, proofs_check or tests; constructions never import
  proofs_check or tests; proofs_check and notebooks use the public packages only.
* No import cycles among succinct modules: the strongly connected components of the
  module → module graph are single modules. Every import counts: at module level, inside
  functions (a lazy import still closes a cycle) and under ``if TYPE_CHECKING:`` (a type
  is a dependency on its concept).
* ``succinct/automata/`` imports only the standard library, numpy, ``succinct.words`` and
  ``succinct.sizes`` (a base module of numpy and sympy: a DFA reports its own size).
* Every arrow goes to the same or a lower layer of :data:`LAYERS`; in particular models
  import no programs, compiler, exact or consumer module.
* Only ``succinct/cli/`` imports typer, rich or tqdm, and only ``succinct/viz.py``
  imports matplotlib (:data:`ONLY_IN`).
* No imports inside functions, except where a comment says why, in one of two forms,
  written after the import on its line (or on any line of a parenthesised import) or in
  the comment lines just above it::

      import tracr  # optional: the [tracr] extra is not installed by default
      # lazy: importing the command modules registers their commands on the app,
      # so it runs after the app is built
      import succinct.cli.commands

  ``optional:`` is for an extra that may be absent, ``lazy:`` for deliberate late
  loading; the tag is followed by the reason.

Arrows: ``import a.b`` is an arrow to the module ``a.b``; ``from a import b`` is an arrow
to the module ``a.b`` when ``b`` is a module, else to ``a``; relative imports are resolved
against the importing module's package. A package's ``__init__.py`` is the node named by
the package. Importing ``a.b`` also runs ``a/__init__.py``; that implicit arrow is not
counted (otherwise the facade ``succinct/__init__.py`` would close a cycle with every
module it re-exports).

The helpers are reusable: ``python tests/test_layering.py [ROOT]`` prints the numbers of
:func:`measure` for the tree at ROOT (default: this checkout).
"""

from __future__ import annotations

import ast
import pathlib
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = "succinct"

# Layers from the bottom up: a module may import modules of its own layer or lower ones.
# An entry names a module or a folder (covering everything inside it); the entry
# "succinct" is the package facade, succinct/__init__.py, alone.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("words and sizes", ("succinct.words", "succinct.sizes")),
    ("coordinates and automata", ("succinct.coords", "succinct.automata")),
    ("recognizers", ("succinct.recognizer",)),
    ("programs", ("succinct.programs",)),
    ("models", ("succinct.models",)),
    ("compiler", ("succinct.compiler",)),
    ("exact", ("succinct.exact",)),
    ("consumers", ("succinct.verify", "succinct.registry", "succinct.verdicts",
                   "succinct.export", "succinct.interop", "succinct.viz", "succinct.atlas",
                   "succinct.demo", "succinct.testing", "succinct.learn", "succinct.teach",
                   "succinct")),
    ("cli", ("succinct.cli", "succinct.__main__")),
)

# Third-party packages that only some parts of succinct may import.
ONLY_IN: Mapping[str, tuple[str, ...]] = {
    "typer": ("succinct.cli",),
    "rich": ("succinct.cli",),
    "tqdm": ("succinct.cli",),
    "matplotlib": ("succinct.viz",),
}

# sizes is a base module (numpy and sympy only): a DFA reports its own size.
AUTOMATA_MAY_IMPORT = ("numpy", "succinct.words", "succinct.sizes", "succinct.automata")

WHY = re.compile(r"#.*\b(lazy|optional):\s*\S")


@dataclass(frozen=True)
class Import:
    """One imported name, resolved: ``target`` is a dotted succinct module, or the
    top-level name of anything else (``numpy``, ``jax``, ``typer``, …)."""

    path: pathlib.Path  # the importing file
    source: str  # the importing module, dotted
    target: str
    line: int
    in_function: bool
    type_only: bool  # under ``if TYPE_CHECKING:``
    why: bool  # carries a ``# lazy: …`` or ``# optional: …`` comment

    @property
    def internal(self) -> bool:
        return internal(self.target)

    def where(self, root: pathlib.Path = ROOT) -> str:
        return f"{self.path.relative_to(root)}:{self.line}"


def internal(module: str) -> bool:
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def in_scope(module: str, entry: str) -> bool:
    """Whether ``module`` is ``entry`` or lies inside it (``succinct`` alone: the facade)."""
    if entry == PACKAGE:
        return module == PACKAGE
    return module == entry or module.startswith(entry + ".")


def module_name(path: pathlib.Path, root: pathlib.Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: pathlib.Path = ROOT, package: str = PACKAGE) -> dict[str, pathlib.Path]:
    """Every module of ``package`` under ``root``, by dotted name."""
    return {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}


def _resolve(node: ast.ImportFrom, source: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = source.split(".") if is_package else source.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(path: pathlib.Path, root: pathlib.Path, known: Iterable[str]) -> list[Import]:
    """The resolved imports of one file (``known``: the dotted names of its package's
    modules, to tell ``from a import module`` from ``from a import name``)."""
    known = set(known)
    source = module_name(path, root)
    is_package = path.name == "__init__.py"
    text = path.read_text()
    lines = text.splitlines()
    out: list[Import] = []

    def why(node: ast.stmt) -> bool:
        block = lines[node.lineno - 1: node.end_lineno or node.lineno]
        k = node.lineno - 2
        while k >= 0 and lines[k].lstrip().startswith("#"):  # the comment lines just above
            block.append(lines[k])
            k -= 1
        return any(WHY.search(line) for line in block)

    def visit(node: ast.AST, in_function: bool, type_only: bool) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = _resolve(node, source, is_package)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                           for a in node.names]
            for t in dict.fromkeys(targets):
                if not internal(t):
                    t = t.split(".")[0]
                out.append(Import(path, source, t, node.lineno, in_function, type_only,
                                  why(node)))
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function = True
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.body:
                visit(child, in_function, True)
            for child in node.orelse:
                visit(child, in_function, type_only)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, in_function, type_only)

    visit(ast.parse(text), False, False)
    return out


def all_imports(root: pathlib.Path = ROOT, package: str = PACKAGE) -> list[Import]:
    mods = modules(root, package)
    return [imp for path in mods.values() for imp in imports(path, root, mods)]


def graph(imps: Iterable[Import], nodes: Iterable[str]) -> dict[str, set[str]]:
    """module → the succinct modules it imports (self-imports dropped)."""
    g: dict[str, set[str]] = {n: set() for n in nodes}
    for imp in imps:
        if imp.target in g and imp.target != imp.source:
            g[imp.source].add(imp.target)
    return g


def components(g: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan), each sorted; dependencies come first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(g) + 100))
    try:
        for v in sorted(g):
            if v not in index:
                connect(v)
    finally:
        sys.setrecursionlimit(limit)
    return out


def cycles(g: Mapping[str, set[str]]) -> list[list[str]]:
    return [c for c in components(g) if len(c) > 1]


def levels(g: Mapping[str, set[str]]) -> dict[str, int]:
    """Level of each module: 0 when it imports no succinct module, else one more than the
    highest level it imports (a cycle's modules share one level)."""
    comps = components(g)  # dependencies first
    of = {v: i for i, c in enumerate(comps) for v in c}
    level: dict[int, int] = {}
    for i, comp in enumerate(comps):
        deps = {of[w] for v in comp for w in g[v]} - {i}
        level[i] = 1 + max((level[d] for d in deps), default=-1)
    return {v: level[of[v]] for v in g}


def layer_of(module: str) -> int | None:
    found = [(len(e), i) for i, (_, entries) in enumerate(LAYERS) for e in entries
             if in_scope(module, e)]
    return max(found)[1] if found else None


def measure(root: pathlib.Path = ROOT, package: str = PACKAGE) -> dict[str, int]:
    """The numbers of issue 10: modules, top-level modules, folders, import arrows,
    cycles, levels and imports inside functions."""
    mods = modules(root, package)
    imps = all_imports(root, package)
    g = graph(imps, mods)
    top = [m for m, p in mods.items() if p.parent == root / package
           and p.name not in ("__init__.py", "__main__.py")]
    folders = {p.parent for p in mods.values()} - {root / package}
    return {
        "modules": len(mods),
        "top-level modules": len(top),
        "folders": len(folders),
        "import arrows": sum(len(v) for v in g.values()),
        "cycles": len(cycles(g)),
        "modules on cycles": sum(len(c) for c in cycles(g)),
        "levels": 1 + max(levels(g).values(), default=-1),
        "imports inside functions": sum(
            1 for imp in imps if imp.in_function),
        "imports inside functions without a why-comment": sum(
            1 for imp in imps if imp.in_function and not imp.why),
    }


# ---------------------------------------------------------------------------- the rules


def _external(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_succinct_does_not_import_constructions_or_proofs():
    for path in (ROOT / "succinct").rglob("*.py"):
        bad = _external(path) & {"constructions", "proofs_check", "tests"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_constructions_do_not_import_proofs_or_tests():
    for path in (ROOT / "constructions").rglob("*.py"):
        bad = _external(path) & {"proofs_check", "tests"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_no_import_cycles():
    imps = all_imports()
    g = graph(imps, modules())
    problems = []
    for comp in cycles(g):
        members = set(comp)
        arrows = [f"  {imp.where()}: {imp.source} → {imp.target}"
                  + (" (inside a function)" if imp.in_function else "")
                  + (" (TYPE_CHECKING)" if imp.type_only else "")
                  for imp in imps if imp.source in members and imp.target in members
                  and imp.source != imp.target]
        problems.append(f"cycle among {', '.join(comp)}:\n" + "\n".join(arrows))
    assert not problems, "\n".join(problems)


def test_automata_import_only_numpy_words_and_sizes():
    stdlib = set(sys.stdlib_module_names)
    bad = [f"{imp.where()}: {imp.source} → {imp.target}" for imp in all_imports()
           if in_scope(imp.source, "succinct.automata") and imp.target not in stdlib
           and not any(in_scope(imp.target, ok) for ok in AUTOMATA_MAY_IMPORT)]
    assert not bad, "automata/ may import only the standard library, numpy, " \
        "succinct.words and succinct.sizes:\n" + "\n".join(bad)


def test_every_module_has_a_layer():
    missing = [m for m in modules() if layer_of(m) is None]
    assert not missing, f"modules missing from LAYERS: {missing}"


def test_arrows_go_down_the_layers():
    bad = []
    for imp in all_imports():
        if not imp.internal:
            continue
        src, dst = layer_of(imp.source), layer_of(imp.target)
        if src is not None and dst is not None and dst > src:
            bad.append(f"{imp.where()}: {imp.source} → {imp.target} "
                       f"(layer {LAYERS[src][0]} → higher layer {LAYERS[dst][0]})")
    assert not bad, "imports up the layers:\n" + "\n".join(bad)


def test_only_some_folders_import_some_packages():
    bad = [f"{imp.where()}: {imp.source} → {imp.target} (allowed only in "
           f"{', '.join(ONLY_IN[imp.target])})" for imp in all_imports()
           if imp.target in ONLY_IN
           and not any(in_scope(imp.source, ok) for ok in ONLY_IN[imp.target])]
    assert not bad, "\n".join(bad)


def test_imports_inside_functions_say_why():
    bad = [f"{imp.where()}: {imp.source} → {imp.target}" for imp in all_imports()
           if imp.in_function and not imp.why]
    assert not bad, ("imports inside functions need a '# lazy: …' or '# optional: …' "
                     f"comment (or move them to the top of the module), {len(bad)}:\n"
                     + "\n".join(bad))


if __name__ == "__main__":
    where = pathlib.Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    for key, value in measure(where).items():
        print(f"{key}: {value}")


def test_facade_is_lazy_and_complete():
    """``import succinct`` loads no JAX (the pytest plugin and the CLI's error paths rely
    on it), and every name of ``succinct.__all__`` resolves to the object its module
    defines. Planted: an eager ``from succinct.models.uhat import UHAT`` in the facade
    fails the first check; a misspelt module in ``_LAZY`` fails the second."""
    import subprocess
    import sys

    probe = "import sys, succinct; print('jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
    import importlib

    import succinct

    assert sorted(succinct.__all__) == sorted(succinct._LAZY)
    for name in succinct.__all__:
        module, attribute = succinct._LAZY[name]
        assert getattr(succinct, name) is getattr(importlib.import_module(module), attribute)
