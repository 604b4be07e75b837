"""How fast the pull-request workflow is on a large register: ``ropa diff``, the sheets' git
history, the dashboard's figures, and the pre-commit hook (``ropa validate`` on one file).

Makes a git repository holding a synthetic register of N activities (CentreCall's sheets under new
ids, as ``benchmarks/validate.py`` does), commits it, changes the retention of one sheet in ten,
commits again, then prints timings::

    .venv/bin/python benchmarks/pull_request.py            # 500 activities
    .venv/bin/python benchmarks/pull_request.py -n 2000

Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from validate import make_register

from generator.diff import compare, snapshot
from generator.lint.runner import load_register
from generator.load import git as gitinfo
from generator.model import review


def git(root: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(root),
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=b@bench.example",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli(root: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator", *args, "--root", str(root)],
        cwd=root,
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", "--activities", type=int, default=500, help="activities to generate (default 500)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the median is printed (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ropa-bench-pr-") as tmp:
        root = Path(tmp)
        make_register(root, args.activities)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "register")
        sheets = sorted((root / "register/activities").glob("*.yaml"))
        for path in sheets[::10]:
            text = path.read_text(encoding="utf-8")
            path.write_text(
                text.replace("duration: P1Y", "duration: P3Y", 1).replace(
                    "duration: P5Y", "duration: P6Y", 1
                ),
                encoding="utf-8",
            )
        git(root, "commit", "-q", "-am", "retention")

        def diff() -> list[compare.DocumentChange]:
            old = snapshot.parse_files(gitinfo.read_files(root, "HEAD~1", snapshot.FOLDERS))
            new = snapshot.parse_files(gitinfo.read_files(root, "HEAD", snapshot.FOLDERS))
            return compare.diff(old, new)

        changes = diff()
        t_diff = timed(diff, args.repeat)
        t_histories = timed(lambda: gitinfo.histories(root, sheets), args.repeat)
        sample = sheets[:20]
        start = time.perf_counter()
        for path in sample:
            subprocess.run(
                ["git", "-C", str(root), "log", "--follow", "--format=%H", "--", str(path)],
                capture_output=True,
                check=True,
            )
        t_follow_each = (time.perf_counter() - start) / len(sample)

        reg = load_register(root)
        on = review.today()

        def figures() -> None:
            for a in reg.activity_data():
                review.review_status(a, reg.org, on)
                review.completeness(a)
                review.screening(a)

        t_figures = timed(figures, args.repeat)
        one = sheets[0].relative_to(root).as_posix()
        t_hook = statistics.median(cli(root, "validate", one) for _ in range(args.repeat))
        t_full = statistics.median(cli(root, "validate") for _ in range(args.repeat))
        t_cli_diff = statistics.median(cli(root, "diff", "HEAD~1", "HEAD") for _ in range(args.repeat))

    n = args.activities
    changed = sum(len(c.changes) for c in changes)
    print(
        f"register: {n} activities in git, 2 commits; {len(changes)} sheets changed ({changed} field changes)"
    )
    print(f"semantic diff (read both revisions with git, parse, compare): median {t_diff:.3f} s")
    print(f"ropa diff HEAD~1 HEAD, whole command: median {t_cli_diff:.3f} s")
    print(f"history of all {len(sheets)} sheets from one git log: median {t_histories:.3f} s")
    print(
        f"  vs one `git log --follow` per sheet: {t_follow_each * 1000:.1f} ms each, "
        f"{t_follow_each * len(sheets):.2f} s for all"
    )
    print(
        f"dashboard figures (review, completeness, DPIA screening) for {n} sheets: median {t_figures * 1000:.1f} ms"
    )
    print(f"pre-commit hook, ropa validate on 1 staged file: median {t_hook:.3f} s")
    print(f"ropa validate, whole register: median {t_full:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
