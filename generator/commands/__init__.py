"""One module per ``ropa`` command: each has ``add_parser(subparsers, name, lang)`` and ``run(args) -> int``."""
