"""mkdocs hooks of the documentation site (``mkdocs.yml`` names this file).

* The home page is the README, with its ``docs/`` links made relative to the site, so the
  guide has one source.
* The course's syllabus, ``notebooks/README.md``, is the page ``notebooks/``.
* The notebooks (``notebooks/*.ipynb``, paired with their ``.py`` by jupytext) are added as
  pages; mkdocs-jupyter executes them as it renders them, so the pages show current
  outputs. ``SUCCINCT_DOCS_EXECUTE_ONLY=GLOB`` (e.g. ``01_*``) executes only the notebooks
  whose file name matches, and renders the others as committed (without outputs): the
  tests' build executes one, since ``tests/test_notebooks.py`` executes them all.
* ``<!-- cli-reference -->`` in a page is replaced by every command's ``--help``, taken from
  the installed command line, so the reference cannot drift from the code.
* ``<!-- public-names -->`` is replaced by a table of ``succinct.__all__``: every name
  with the first sentence of its docstring, linked to where the API reference documents
  it (read statically by griffe, as mkdocstrings reads it).
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
EXECUTE_ONLY_ENV = "SUCCINCT_DOCS_EXECUTE_ONLY"
CLI_MARKER = "<!-- cli-reference -->"
NAMES_MARKER = "<!-- public-names -->"


def readme_page() -> str:
    """The README as the home page: links into ``docs/`` lose that prefix, links to the
    notebooks' ``.py`` files point at their rendered pages, and escaped bars in code
    spans lose their backslash."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = re.sub(r"\]\(docs/", "](", text)
    text = re.sub(r"\]\((notebooks/[^)\s]+)\.py\)", r"](\1.ipynb)", text)
    # GitHub needs `φ \| ψ` for a bar in a code span in a table; Python-Markdown reads
    # the bar there as text and would show the backslash
    return re.sub(r"`[^`\n]*`", lambda m: m.group(0).replace("\\|", "|"), text)


def notebooks() -> list[Path]:
    """The course's notebooks, in order."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def on_config(config):
    """Under ``SUCCINCT_DOCS_EXECUTE_ONLY``, mkdocs-jupyter skips executing the other
    notebooks (its ``execute_ignore`` list, which its YAML cannot take from the
    environment)."""
    only = os.environ.get(EXECUTE_ONLY_ENV)
    if only:
        plugin = config["plugins"]["mkdocs-jupyter"]
        plugin.config["execute_ignore"] = [f"notebooks/{nb.name}" for nb in notebooks()
                                           if not fnmatch.fnmatch(nb.name, only)]
    return config


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files: Files, config) -> Files:
    files.append(File.generated(config, "index.md", content=readme_page()))
    files.append(File("notebooks/README.md", src_dir=str(ROOT), dest_dir=config["site_dir"],
                      use_directory_urls=config["use_directory_urls"]))
    for nb in notebooks():
        files.append(File(f"notebooks/{nb.name}", src_dir=str(ROOT), dest_dir=config["site_dir"],
                          use_directory_urls=config["use_directory_urls"]))
    return files


def cli_reference() -> str:
    """``succinct --help`` and ``succinct COMMAND --help`` for every command, as text."""
    import typer.main
    from typer.testing import CliRunner

    import succinct.cli.commands  # noqa: F401  (registers every command on ``app``)
    from succinct.cli.app import app

    env = {"COLUMNS": "96", "NO_COLOR": "1", "TERM": "dumb"}
    runner = CliRunner()
    out = []
    names = list(typer.main.get_command(app).commands)
    for args in [[]] + [[name] for name in names]:
        result = runner.invoke(app, [*args, "--help"], env=env, prog_name="succinct")
        if result.exit_code != 0:
            raise RuntimeError(f"succinct {' '.join(args)} --help failed: {result.output}")
        help_text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        title = f"succinct {args[0]}" if args else "succinct"
        out.append(f"### `{title}`\n\n```text\n{help_text.strip()}\n```\n")
    return "\n".join(out)


def public_names() -> str:
    """``succinct.__all__`` as a Markdown table. A name whose object has a docstring links
    to it; one without (a constant such as ``TRUE``) links to its module, since the API
    reference shows only documented objects."""
    import griffe

    package = griffe.load("succinct", search_paths=[str(ROOT)])
    rows = ["| name | defined in | what it is |", "|---|---|---|"]
    for name in package.exports or []:
        member = package[name]
        if member.is_module:  # a name shared with a submodule (succinct.verify): the
            member = member[name]  # package exports the module's function of that name
        target = member.final_target if member.is_alias else member
        documented = target if target.docstring else target.module
        summary = ""
        if target.docstring:
            first = " ".join(target.docstring.value.split("\n\n")[0].split())
            first = re.sub(r":\w+:`", "`", first).replace("``", "`")  # :func:`x` → `x`
            summary = re.split(r"(?<=\.)\s", first)[0]
        rows.append(f"| [`{name}`][{documented.path}] | `{target.path}` | {summary} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if CLI_MARKER in markdown:
        markdown = markdown.replace(CLI_MARKER, cli_reference())
    if NAMES_MARKER in markdown:
        markdown = markdown.replace(NAMES_MARKER, public_names())
    return markdown
