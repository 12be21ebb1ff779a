"""``python -m succinct`` runs the CLI."""

from succinct.cli.app import main

main()
