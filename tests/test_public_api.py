"""The README, the docs and the notebooks import only public names.

A public name is one in ``succinct.__all__`` or in the ``__all__`` of a module listed in
``succinct.PUBLIC_MODULES`` or of a family module of ``constructions`` (the package
docstring of ``succinct`` says so), or of ``proofs_check`` (``load``, ``claim_modules``),
or a claim module's ``check``. The imports are read with :mod:`ast` from the Python
code blocks of ``README.md`` and ``docs/*.md``, from ``notebooks/*.py`` (the jupytext
sources of the notebooks), from the exercises' solutions ``notebooks/solutions/*.py`` and
from the exercises of the course, ``course/*.py``; a module imported whole (``from
constructions import composition``) is followed to the attributes read from it (``composition.m``).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import pathlib
import re
import subprocess
import sys
import types
from collections.abc import Iterator

import pytest

import succinct

ROOT = pathlib.Path(__file__).resolve().parents[1]
OURS = ("succinct", "constructions", "proofs_check")


def _sources() -> Iterator[tuple[str, str]]:
    """``(where, python source)`` of every code block and notebook checked."""
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
        for i, block in enumerate(blocks):
            yield f"{page.relative_to(ROOT)} (python block {i + 1})", block
    for notebook in sorted([*(ROOT / "notebooks").glob("*.py"),
                            *(ROOT / "notebooks" / "solutions").glob("*.py"),
                            *(ROOT / "course").glob("*.py")]):
        yield str(notebook.relative_to(ROOT)), notebook.read_text(encoding="utf-8")


def _claim_module(name: str) -> bool:
    """A claim module of ``proofs_check`` (its public name is ``check``)."""
    return (name.startswith("proofs_check.") and name.count(".") == 1
            and not name.split(".")[1].startswith("_"))


def _public_module(name: str) -> bool:
    return (name in ("succinct", "proofs_check") or name in succinct.PUBLIC_MODULES
            or (name.startswith("constructions.") and name.count(".") == 1)
            or _claim_module(name))


def _public(module: types.ModuleType, name: str) -> bool:
    if _claim_module(module.__name__):
        return name == "check" or name in getattr(module, "__all__", ())
    return _public_module(module.__name__) and name in getattr(module, "__all__", ())


def private_imports(source: str) -> list[str]:
    """``module.name`` for every name the source imports (or reads from a module it
    imports) from succinct or constructions that is not public."""
    tree = ast.parse(source)
    bad: list[str] = []
    modules: dict[str, types.ModuleType] = {}  # local name → module imported whole
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in OURS:
                    if not _public_module(alias.name):
                        bad.append(alias.name)
                    modules[alias.asname or alias.name] = importlib.import_module(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in OURS:
                continue
            module = importlib.import_module(node.module)
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if (value is None and hasattr(module, "__path__")
                        and importlib.util.find_spec(f"{node.module}.{alias.name}")):
                    value = importlib.import_module(f"{node.module}.{alias.name}")  # submodule
                if isinstance(value, types.ModuleType):
                    if not _public_module(value.__name__):
                        bad.append(value.__name__)
                    modules[alias.asname or alias.name] = value
                elif not _public(module, alias.name):
                    bad.append(f"{node.module}.{alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            module = modules[node.value.id]
            if not _public(module, node.attr):
                bad.append(f"{module.__name__}.{node.attr}")
    return sorted(set(bad))


SOURCES = list(_sources())


@pytest.mark.parametrize("where,source", SOURCES, ids=[w for w, _ in SOURCES])
def test_documented_code_imports_only_public_names(where, source):
    """Planted: ``verify`` dropped from ``succinct._LAZY``/``__all__`` → the README's
    ``from succinct import verify`` is reported (before issue 17 it was not exported);
    ``k`` dropped from ``constructions.composition.__all__`` → notebook 08's
    ``composition.k`` is reported."""
    assert private_imports(source) == [], where


def test_the_checker_sees_a_private_import():
    """The checker itself: an internal module, a name outside ``__all__`` and an
    attribute read through a module alias are each reported."""
    source = ("from succinct.exact.dispatch import exact_dfa\n"
              "from succinct.atlas import MEMBERS_CHECKED\n"
              "from succinct import Alphabet, verify\n"
              "from constructions import composition\n"
              "composition.sp\n"
              "import proofs_check\n"
              "proofs_check.load('prop1_rnn_automaton').check()\n"
              "from proofs_check import _dc, thm17_dfa_doubly_exponential as t17\n"
              "t17.check(); t17.dfa_states(1)\n")
    assert private_imports(source) == [
        "constructions.composition.sp", "proofs_check._dc",
        "proofs_check.thm17_dfa_doubly_exponential.dfa_states",
        "succinct.atlas.MEMBERS_CHECKED", "succinct.exact.dispatch.exact_dfa"]


def test_public_modules_exist_and_export_what_they_list():
    for name in succinct.PUBLIC_MODULES:
        module = importlib.import_module(name)
        assert module.__all__, name
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert not missing, (name, missing)


def test_verify_and_step_machine_are_top_level():
    """``from succinct import verify`` is the function, also when the submodule
    ``succinct.verify`` was imported first (the import system binds a submodule over the
    package attribute of its name unless the package refuses), checked in a fresh
    interpreter so that the order of imports is that one. Planted: the ``_Package``
    class not installed → ``verify`` is the module there and not callable; ``verify``
    dropped from ``_LAZY`` → the import fails."""
    probe = ("import succinct.verify, succinct.recognizer\n"
             "from succinct import StepMachine, verify\n"
             "import sys\n"
             "assert verify is sys.modules['succinct.verify'].verify, verify\n"
             "assert StepMachine is succinct.recognizer.StepMachine\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu"},
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
