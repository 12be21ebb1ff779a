"""``python -m succinct`` runs the CLI."""

from succinct.cli import main

main()
