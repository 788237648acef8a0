"""`python -m entrypoints.cli`: the same command line as the `hexashop` script."""

from entrypoints.cli.main import main

main()
