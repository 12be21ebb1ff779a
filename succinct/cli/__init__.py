"""The ``succinct`` command line: the typer app and its commands."""
