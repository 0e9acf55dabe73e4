"""``python -m pinpoint`` runs the CLI."""

from pinpoint.cli import main

main()
