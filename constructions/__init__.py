"""Language families, one module each; importing this package registers them all.

Each module builds its family's models from ``succinct`` (never the reverse) and calls
:func:`succinct.registry.register`. Modules are discovered, so adding a family means
adding one file here.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
