"""Dependency directions: succinct never imports constructions; proofs_check and
notebooks use the public packages only."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _imports(path: pathlib.Path) -> set[str]:
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
        bad = _imports(path) & {"constructions", "proofs_check", "tests"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_constructions_do_not_import_proofs_or_tests():
    for path in (ROOT / "constructions").rglob("*.py"):
        bad = _imports(path) & {"proofs_check", "tests"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
