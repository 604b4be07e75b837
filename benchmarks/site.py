"""How fast the register site is generated and built, for a register of N activities.

Generates a synthetic register (CentreCall's sheets copied under new ids, as
benchmarks/validate.py does), then times ``pages.generate`` (the Markdown of every page) and a
whole ``ropa build`` (validation, MkDocs, search index, swap), and prints the site's size::

    .venv/bin/python benchmarks/site.py              # 200 activities
    .venv/bin/python benchmarks/site.py -n 1000 --repeat 1

Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from validate import make_register  # noqa: E402 - benchmarks/validate.py, beside this file

from generator.lint.runner import load_register  # noqa: E402
from generator.site import pages  # noqa: E402


def timed(fn: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--activities", type=int, default=200, help="activities to generate (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the median is printed (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ropa-bench-site-") as tmp:
        root = Path(tmp)
        make_register(root, args.activities)
        shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
        shutil.copytree(REPO / "docs", root / "docs")
        (root / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)

        reg = load_register(root)
        generated = pages.generate(reg, "fr")
        markdown = sum(len(text.encode("utf-8")) for text in generated.values())
        gen_times = timed(lambda: pages.generate(reg, "fr"), args.repeat)

        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ROPA_HISTORY": "off"}
        command = [sys.executable, "-m", "generator", "build", "--root", str(root)]
        build_times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env)
            build_times.append(time.perf_counter() - start)
            if done.returncode != 0:
                print(done.stdout + done.stderr, file=sys.stderr)
                return 1
        site = root / "site"
        html_pages = sum(1 for _ in site.rglob("*.html"))
        site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        index_bytes = (site / "search" / "search_index.json").stat().st_size

    print(f"register: {len(reg.files)} files ({args.activities} activities); {len(generated)} generated pages, "
          f"{markdown / 1024:.0f} KiB of Markdown")
    print(f"pages.generate: median {statistics.median(gen_times):.3f} s over {args.repeat} runs "
          f"({len(generated) / statistics.median(gen_times):.0f} pages/s)")
    print(f"ropa build (process, validation + MkDocs + search index + swap): median "
          f"{statistics.median(build_times):.2f} s over {args.repeat} runs (min {min(build_times):.2f} s)")
    print(f"site: {html_pages} HTML pages, {site_bytes / 2**20:.1f} MiB in all "
          f"(search index {index_bytes / 1024:.0f} KiB, Mermaid script 5.3 MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
