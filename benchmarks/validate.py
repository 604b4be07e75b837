"""How fast ``load_register`` (what ``ropa validate`` runs) reads and checks a large register.

Generates a synthetic register of N activities by copying CentreCall's sheets under new ids and
refs, then times ``load_register`` and prints files per second and peak memory::

    .venv/bin/python benchmarks/validate.py              # 500 activities
    .venv/bin/python benchmarks/validate.py -n 2000 --repeat 5

Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.lint.runner import load_register  # noqa: E402

_KEYS = re.compile(r"^(id|ref|name): (.*)$", re.M)


def _variant(text: str, n: int) -> tuple[str, str]:
    """A copy of an activity sheet with its id, ref and name made unique by ``n``."""
    ident = ""

    def rename(m: re.Match[str]) -> str:
        nonlocal ident
        key, value = m[1], m[2]
        if key == "id":
            ident = f"{value}-{n:05d}"
            return f"id: {ident}"
        if key == "ref":
            return f"ref: {value}-{n:05d}"
        return f"name: {value} ({n})"

    out = _KEYS.sub(rename, text)
    return ident, out


def make_register(root: Path, activities: int) -> None:
    """CentreCall's organisation and processes, and ``activities`` copies of its sheets."""
    shutil.copytree(REPO / "register", root / "register")
    if (REPO / "processes").is_dir():
        shutil.copytree(REPO / "processes", root / "processes")
    folder = root / "register" / "activities"
    sources = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))]
    for path in folder.glob("*.yaml"):
        path.unlink()
    for n in range(activities):
        ident, text = _variant(sources[n % len(sources)], n)
        (folder / f"{ident}.yaml").write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--activities", type=int, default=500, help="activities to generate (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the median is printed (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ropa-bench-") as tmp:
        root = Path(tmp)
        make_register(root, args.activities)
        total_bytes = sum(p.stat().st_size for p in root.rglob("*.yaml"))

        load_register(root)  # warm-up: imports, schema compilation, data files
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            reg = load_register(root)
            times.append(time.perf_counter() - start)
        files = len(reg.files)
        errors = sum(d.severity == "error" for d in reg.diagnostics)

        tracemalloc.start()
        load_register(root)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    median = statistics.median(times)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(f"register: {files} files ({args.activities} activities), {total_bytes / 1024:.0f} KiB of YAML")
    print(f"diagnostics: {len(reg.diagnostics)} ({errors} errors)")
    print(f"load_register: median {median:.3f} s over {args.repeat} runs "
          f"(min {min(times):.3f} s, max {max(times):.3f} s)")
    print(f"throughput: {files / median:.0f} files/s, {total_bytes / 1024 / median:.0f} KiB/s")
    print(f"peak Python allocations during one run (tracemalloc): {peak / 2**20:.1f} MiB")
    print(f"peak resident memory of the process (ru_maxrss): {rss_mib:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
