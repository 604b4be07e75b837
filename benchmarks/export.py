"""How long each export takes, and how large it is, for a large register.

Generates a synthetic register of N activities (CentreCall's sheets copied under new ids and
refs, as benchmarks/validate.py does), then times the normalisation shared by the exports and
each export (XLSX, CSV per activity, CSV per data category, JSON) and prints their sizes::

    .venv/bin/python benchmarks/export.py              # 500 activities
    .venv/bin/python benchmarks/export.py -n 2000 --repeat 1

Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import functools
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, TypeVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from validate import make_register  # noqa: E402

from generator.export import Options, model, render_document  # noqa: E402
from generator.lint.runner import load_register  # noqa: E402

T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The median time of ``repeat`` calls of ``fn``, and its last result."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", "--activities", type=int, default=500, help="activities to generate (default 500)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the median is printed (default 3)")
    parser.add_argument("--lang", default="fr", choices=("fr", "en"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ropa-bench-") as tmp:
        root = Path(tmp)
        make_register(root, args.activities)
        start = time.perf_counter()
        reg = load_register(root)
        loading = time.perf_counter() - start
    if not reg.ok:
        print("the synthetic register is invalid:", *[d.text() for d in reg.diagnostics[:5]], sep="\n")
        return 1

    print(f"register: {len(reg.activities)} activities; load_register {loading:.2f} s (once)")
    normalise_s, doc = timed(lambda: model.normalise(reg, args.lang), args.repeat)
    print(f"{'normalise (shared)':<24} {normalise_s:8.3f} s")
    for label, options in (
        ("xlsx", Options("xlsx", args.lang)),
        ("csv per activity", Options("csv", args.lang)),
        ("csv per data category", Options("csv", args.lang, per="data-category")),
        ("json", Options("json", args.lang)),
    ):
        seconds, data = timed(functools.partial(render_document, doc, options), args.repeat)
        print(
            f"{label:<24} {seconds:8.3f} s  {len(data) / 1024:9.0f} KiB  "
            f"({seconds / len(reg.activities) * 1000:.2f} ms per activity)"
        )
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"median of {args.repeat} runs each; peak resident memory {rss_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
