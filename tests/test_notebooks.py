"""The teaching notebooks: paired (.py ↔ .ipynb), executed, and their plots rendered."""

import base64
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
