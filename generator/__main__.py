from __future__ import annotations

import os
import sys

# ``python -m generator`` puts the working directory first on ``sys.path``: a register
# repository's folder named like a library that a run imports (``yaml/``, ``pymdownx/``, a
# Markdown extension) would be run in its place. This package is imported already; nothing
# else is taken from there.


def _working_directory_first() -> bool:
    try:
        return bool(sys.path) and os.path.abspath(sys.path[0] or os.curdir) == os.getcwd()
    except OSError:  # the working directory is gone: nothing can be imported from it
        return False


if not sys.flags.safe_path and _working_directory_first():
    del sys.path[0]

from generator.cli import main  # after the working directory has left sys.path

sys.exit(main())
