"""The teaching notebooks: paired (.py ↔ .ipynb), executed, and their plots rendered.

Plots go through :func:`succinct.viz.show` (a ``display_data`` output in Jupyter), never
as a cell's bare value (an ``execute_result``), which a ``.py`` run as a script would drop;
one notebook is also run as a script, headless, and must save its plots as PNG files."""

import base64
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbclient
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.py"))
PNG = b"\x89PNG\r\n\x1a\n"


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_plots(path):
    paired = path.with_suffix(".ipynb")
    assert paired.exists(), f"{paired.name} is missing: run jupytext --sync {path}"
    nb = jupytext.read(path)
    twin = jupytext.read(paired)
    assert [(c.cell_type, c.source) for c in nb.cells] == \
        [(c.cell_type, c.source) for c in twin.cells], f"{paired.name} is out of sync"
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [base64.b64decode(o.data["image/png"]) for o in outputs
              if "image/png" in o.get("data", {})]
    assert images, f"{path.name} shows no plot"
    assert all(img.startswith(PNG) and len(img) > 2000 for img in images)
    bare = [o for o in outputs if o.output_type == "execute_result"
            and "image/png" in o.get("data", {})]
    assert not bare, (f"{path.name}: {len(bare)} plot(s) left as a cell's value, which a "
                      "script run drops: pass the figure to succinct.viz.show")


def test_a_notebook_run_as_a_script_saves_its_plots(tmp_path):
    """``python notebooks/01_uhat_by_hand.py`` with no display: every plot it shows is
    saved under ``$SUCCINCT_FIGURES`` and its path printed. Planted: a ``show`` that
    does nothing outside Jupyter fails it."""
    script = NOTEBOOKS[0]
    env = {**os.environ, "MPLBACKEND": "agg", "SUCCINCT_FIGURES": str(tmp_path),
           "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([sys.executable, script.name], cwd=script.parent, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    saved = sorted(tmp_path.glob(f"{script.stem}-*.png"))
    assert saved and all(f.read_bytes().startswith(PNG) for f in saved), done.stdout[-2000:]
    assert f"figure saved to {saved[0]}" in done.stdout


# The paper's results the course states, each with the claim module that checks it.
RESULTS = {
    "Prop 1": (r"Prop(osition)?\.?\s*1\b", "prop1_rnn_automaton"),
    "Lemma 8": (r"Lemma\s*8\b", "lemma8_tiling"),
    "Lemma 9": (r"Lemma\s*9\b", "lemma9_brasp_to_uhat"),
    "Prop 16": (r"Prop(osition)?\.?\s*16\b", "prop16_ltl_to_uhat"),
    "Thm 15": (r"(Thm|Theorem)\.?\s*15\b", "thm15_ltl_lower_bound"),
    "Thm 17": (r"(Thm|Theorem)\.?\s*17\b", "thm17_dfa_doubly_exponential"),
    "Cor 18": (r"(Cor|Corollary)\.?\s*18\b", "cor18_rnn_lower_bound"),
}


@functools.cache
def _cells(path: Path) -> tuple[tuple[str, str], ...]:
    """``(cell type, source)`` of a notebook's cells, read once for all results."""
    return tuple((c.cell_type, c.source) for c in jupytext.read(path).cells)


@pytest.mark.parametrize("result", RESULTS)
def test_each_result_is_stated_next_to_the_cell_that_checks_it(result):
    """Some notebook runs the result's claim module (``proofs_check.load("…")``), the
    markdown just before that cell states the result by name, and the notebook cites the
    paper (arXiv 2510.19315). Planted: "Lemma 8" taken out of the markdown before its
    check in notebook 05 fails it."""
    statement, module = RESULTS[result]
    call = re.compile(rf"load\(\s*[\"']{module}[\"']\s*\)")
    found = []
    for path in NOTEBOOKS:
        cells = _cells(path)
        cited = any("2510.19315" in source for kind, source in cells if kind == "markdown")
        text = ""  # the markdown since the last code cell
        for kind, source in cells:
            if kind == "markdown":
                text += source
                continue
            if call.search(source):
                found.append(path.name)
                if re.search(statement, text) and cited:
                    return
            text = ""
    assert not found, (f"{result}: checked in {found}, but the markdown before the check "
                       f"does not state it (or the notebook does not cite arXiv 2510.19315)")
    pytest.fail(f"{result}: no notebook calls proofs_check.load({module!r})")
