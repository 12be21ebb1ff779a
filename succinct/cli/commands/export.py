"""``succinct export`` and ``succinct load``: a model to files, and back.

::

    succinct export FAMILY -p KEY=VALUE ... --model MODEL --out FILE
    succinct load FILE [WORD...] [--json]

``export`` writes ``FILE.safetensors`` (weights) and ``FILE.json`` (the manifest, with
SHA-256 digests of the weights and of itself) for a UHAT or an RNN, ``FILE.json`` alone
for a B-RASP program or a DFA (:mod:`succinct.export`). ``load`` reads them back, the
weights from beside the manifest with the same stem (so a pair may be moved and renamed
together), checks every entry, both digests and every array, and decides the words, or
prints the model when no word is given. A refused file is one ``error:`` line, exit 2.
"""

from __future__ import annotations

import typer

from succinct.cli.app import (
    PARAM,
    WORDS_HELP,
    _friendly,
    _read_words,
    app,
    check_words,
    chosen_model,
    model_option,
    names_words,
    print_decisions,
)
from succinct.export import load, save
from succinct.registry import get_family, parse_params


@app.command("export")
@_friendly
def export_command(
    family: str,
    params: list[str] = PARAM,
    model: str | None = model_option("which model to write"),
    out: str = typer.Option(..., "--out", "-o", help="file stem (.safetensors + .json)"),
) -> None:
    """Write one model of a family: safetensors weights plus a JSON manifest.

    The manifest holds the labels, layer kinds, masks, tie-breaks, Boolean
    coordinates, alphabet, acceptance position (RNN: activation and precision), the
    counted sizes, the size formulas and SHA-256 digests of the weights and of itself.

    Example: succinct export dyck -p k=2 -p D=3 --model uhat --out dyck_uhat
    """
    fam = get_family(family)
    raw = parse_params(params)
    resolved = fam.resolve(raw)
    model = chosen_model(fam, model)
    built = fam.build(model, raw)
    info = {"family": family, "params": resolved, "model": model}
    if fam.sizes is not None:
        entry = fam.sizes(resolved).get(model, {})
        if isinstance(entry, dict) and entry.get("formulas"):
            info["family_formulas"] = entry["formulas"]
    for path in save(built, out, info=info):
        typer.echo(str(path))


@app.command("load")
@_friendly
def load_command(
    file: str = typer.Argument(..., help="the .json manifest, the .safetensors file or stem"),
    words: list[str] = typer.Argument(None, help=WORDS_HELP),
    as_json: bool = typer.Option(False, "--json", help="print a JSON list"),
) -> None:
    """Read a model written by `succinct export`; decide words (or print the model).

    The weights are read from beside the manifest (same stem). Every manifest entry,
    the two SHA-256 digests and every array are checked; an edited or truncated file
    is refused with one line naming the entry.

    Output as for accepts: WORD<TAB>accept / WORD<TAB>reject per line for words from
    stdin ('-') or several words, the bare answer for one word argument, or --json.

    Example: succinct load dyck_uhat.json "(())" "(()"
    """
    model = load(file)
    if not words:
        typer.echo(str(model))
        return
    read = _read_words(words)
    check_words(model.alphabet, read)
    print_decisions(model, read, as_json, names_words(words))
