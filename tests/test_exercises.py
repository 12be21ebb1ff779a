"""The course's exercises (``course/``) against their solutions (``notebooks/solutions/``).

Every exercise of :data:`course.EXERCISES` must

* accept its solution (``SOLUTIONS[name]()``) and reject its planted wrong answer
  (``WRONG[name]()``), through the public ``check_exercise``;
* be asked in its notebook: the notebook's source calls ``check_exercise("NAME", …)``;

and every notebook of the course has at least two exercises. The solutions modules are
read from their files (they are not a package: students open them next to the notebooks).
"""

from __future__ import annotations

import importlib.util
import pathlib
import re
from types import ModuleType

import pytest

import course
from succinct.teach import check_exercise, exercises

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))}
SOLUTIONS = ROOT / "notebooks" / "solutions"
NAMES = [ex.name for ex in course.EXERCISES]


def _solutions(notebook: str) -> ModuleType:
    path = SOLUTIONS / f"nb{notebook}.py"
    assert path.exists(), f"no solutions for notebook {notebook}: {path.relative_to(ROOT)}"
    spec = importlib.util.spec_from_file_location(f"solutions_nb{notebook}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_has_two_exercises_and_each_is_asked_in_it():
    by_notebook: dict[str, list[str]] = {nb: [] for nb in NOTEBOOKS}
    for ex in course.EXERCISES:
        assert ex.notebook in NOTEBOOKS, f"{ex.name}: no notebook {ex.notebook}"
        by_notebook[ex.notebook].append(ex.name)
    few = {nb: names for nb, names in by_notebook.items() if len(names) < 2}
    assert not few, f"notebooks with fewer than two exercises: {few}"
    for ex in course.EXERCISES:
        source = NOTEBOOKS[ex.notebook].read_text(encoding="utf-8")
        assert re.search(rf"check_exercise\(\s*[\"']{re.escape(ex.name)}[\"']", source), \
            f"{ex.name} is never asked in {NOTEBOOKS[ex.notebook].name}"


def test_the_entry_point_finds_the_course():
    assert [ex.name for ex in exercises() if ex in course.EXERCISES] == sorted(NAMES)


def test_solutions_cover_exactly_the_exercises():
    for nb in sorted({ex.notebook for ex in course.EXERCISES}):
        module = _solutions(nb)
        mine = {ex.name for ex in course.EXERCISES if ex.notebook == nb}
        assert set(module.SOLUTIONS) == mine, f"nb{nb}: solutions {sorted(module.SOLUTIONS)}"
        assert set(module.WRONG) == mine, f"nb{nb}: wrong answers {sorted(module.WRONG)}"


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes(name):
    feedback = check_exercise(name, _solutions(name[:2]).SOLUTIONS[name]())
    assert feedback.ok, str(feedback)
    assert str(feedback).startswith(f"✓ {name}: ")


@pytest.mark.parametrize("name", NAMES)
def test_the_wrong_answer_is_rejected_with_a_reason(name):
    feedback = check_exercise(name, _solutions(name[:2]).WRONG[name]())
    assert not feedback.ok, f"{name}: the planted wrong answer passed: {feedback}"
    assert str(feedback).startswith(f"✗ {name}: ") and len(feedback.message) > 10


@pytest.mark.parametrize("name", NAMES)
def test_no_answer_yet_runs(name):
    feedback = check_exercise(name, None)
    assert not feedback.ok and feedback.message.startswith("no answer yet.")
