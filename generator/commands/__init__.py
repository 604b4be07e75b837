"""One module per ``ropa`` command: each has ``add_parser(subparsers)`` and ``run(args) -> int``."""
