"""Further CLI commands, one module each, discovered at start-up.

A module here does ``from succinct.cli.app import app`` and decorates its commands with
``@app.command()``; nothing else needs editing.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
