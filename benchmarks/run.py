"""The benchmark of ropa: every command at several register sizes, side by side with anchors.

Generates deterministic synthetic registers (benchmarks/synth.py) and measures each command in a
fresh subprocess, so that the peak resident memory is that command's own: wall time (the median
of --repeat runs) and peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a small wrapper).
Anchors: reading the same files with PyYAML's C loader (the floor of any validation),
check-jsonschema with our schemas on the same files, and a plain ``mkdocs build`` (same theme,
no ropa plugin) of as many hand-written pages of the same size::

    .venv/bin/python benchmarks/run.py                        # sizes 100 and 1,000
    .venv/bin/python benchmarks/run.py --sizes 100,1000,10000 --json figures.json
    .venv/bin/python benchmarks/run.py --only validate,export --sizes 10000
    .venv/bin/python benchmarks/run.py --diff                 # adds `ropa diff` in a git repository
    .venv/bin/python benchmarks/run.py --only table --sizes 1000,10000  # the register table in Chromium
    .venv/bin/python benchmarks/run.py processes              # one process of 25 ... 200 operations

Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

import synth

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
MIB = 2**20
MERMAID_MAX_TEXT = 50_000  # Mermaid's default maxTextSize

# Runs the commands given as JSON one after the other; prints their wall time, their CPU time
# (user + sys, their child processes included), the peak RSS of the largest of them (KiB on
# Linux) and what they printed.
WRAPPER = """
import json, resource, subprocess, sys, time
spec = json.loads(sys.stdin.read())
runs = []
start = time.perf_counter()
for cmd in spec["cmds"]:
    done = subprocess.run(cmd, cwd=spec["cwd"], capture_output=True, text=True)
    runs.append({"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr[-3000:]})
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kib": usage.ru_maxrss,
                  "runs": runs}))
"""

# Page generation alone: read and check the register, then time pages.generate.
PAGES = """
import json, re, sys, time
from pathlib import Path
from generator.lint.runner import load_register
from generator.site.pages import generate
reg = load_register(Path(sys.argv[1]))
start = time.perf_counter()
pages = generate(reg, "fr")
seconds = time.perf_counter() - start
fences = {k: max(len(b) for b in re.findall(r"```mermaid\\n(.*?)```", v, re.S))
          for k, v in pages.items() if "```mermaid" in v}
print(json.dumps({"generate_s": seconds, "pages": len(pages),
                  "bytes": sum(len(v.encode("utf-8")) for v in pages.values()), "mermaid": fences}))
"""

# The floor: every YAML file of the register read with PyYAML's C loader, nothing else.
FLOOR = """
import sys, yaml
from pathlib import Path
root = Path(sys.argv[1])
for path in sorted([*root.glob("register/**/*.yaml"), *root.glob("processes/*.yaml")]):
    with open(path, "rb") as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""

MEASURES = ("validate", "validate-one", "validate-one-cold", "pages", "build", "xlsx", "xlsx-jobs2", "csv",
            "csv-category", "json", "floor", "check-jsonschema", "mkdocs", "table")
GROUPS = {"export": ("xlsx", "xlsx-jobs2", "csv", "csv-category", "json"), "anchors": ("floor", "check-jsonschema", "mkdocs")}
LABELS = {
    "validate": "ropa validate (whole register)",
    "validate-one": "ropa validate FILE (pre-commit hook)",
    "validate-one-cold": "ropa validate FILE, no cache (first run)",
    "pages": "page generation (load + generate)",
    "build": "ropa build",
    "xlsx": "ropa export --format xlsx",
    "xlsx-jobs2": "ropa export --format xlsx --jobs 2 (peak: its largest process)",
    "csv": "ropa export --format csv",
    "csv-category": "ropa export csv --per data-category",
    "json": "ropa export --format json",
    "diff": "ropa diff HEAD~1 HEAD (1 sheet in 10)",
    "floor": "anchor: PyYAML C loader, same files",
    "check-jsonschema": "anchor: check-jsonschema, same files",
    "mkdocs": "anchor: plain mkdocs build, as many pages",
    "table": "register table in Chromium (benchmarks/table_site.py)",
}


def env() -> dict[str, str]:
    # Python's bytecode cache as an installed ropa has it (pip compiles it): without it (a shell
    # with PYTHONDONTWRITEBYTECODE) every command compiles the package again, 0.1-0.2 s of the hook.
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited, "ROPA_TODAY": synth.TODAY, "ROPA_HISTORY": "off", "NO_MKDOCS_2_WARNING": "1"}


def compile_package() -> None:
    """Python's bytecode of the package, written before anything is timed, as pip writes it on
    install. Without it the first command measured (``ropa validate`` at the first size) compiled
    every module it imports, about 1 s of CPU, and the next ones found the bytecode written: the
    first size looked slower than the others for nothing of its own. (A developer's checkout has
    no bytecode of what just changed: the tests run with PYTHONDONTWRITEBYTECODE.)"""
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "generator")], env=env(), check=True,
                   capture_output=True)


def measure(cmds: list[list[str]], cwd: Path, repeat: int) -> dict[str, Any]:
    """Run ``cmds`` in a fresh wrapper ``repeat`` times: median wall and CPU time (user + sys of
    the commands), peak RSS, last output."""
    results = []
    for _ in range(repeat):
        # the commands on stdin: check-jsonschema's 10,000 files are past the length of one argument
        done = subprocess.run([PY, "-c", WRAPPER], input=json.dumps({"cmds": cmds, "cwd": str(cwd)}),
                              capture_output=True, text=True, env=env(), check=True)
        results.append(json.loads(done.stdout))
    last = results[-1]
    failed = [r for r in last["runs"] if r["rc"] != 0]
    return {
        "seconds": statistics.median(r["wall"] for r in results),
        "cpu_seconds": statistics.median(r["cpu"] for r in results),
        "peak_mib": max(r["peak_kib"] for r in results) / 1024,
        "ok": not failed,
        "error": (failed[0]["stdout"][-1500:] + failed[0]["stderr"]) if failed else None,
        "stdout": last["runs"][-1]["stdout"],
    }


def cli(*args: str) -> list[str]:
    return [PY, "-m", "generator", *args]


def register_files(root: Path) -> list[Path]:
    return sorted([*root.glob("register/**/*.yaml"), *root.glob("processes/*.yaml")])


def prepare(root: Path, size: int) -> None:
    """A synthetic register of ``size`` sheets, with the project's site configuration."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    synth.make_register(root, size)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    if (REPO / "node_modules").is_dir():
        (root / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)


def check_jsonschema_cmds(root: Path) -> list[list[str]] | str:
    """check-jsonschema on every file with its schema, or why it cannot run. Our schemas' $id
    (https://ropa.example/...) does not resolve: --base-uri makes their $ref local files."""
    exe = Path(PY).with_name("check-jsonschema")
    if not exe.exists():
        return "check-jsonschema is not installed in this environment (pip install -e '.[test]')"
    groups = {
        "activity": sorted((root / "register" / "activities").glob("*.yaml")),
        "organization": [root / "register" / "organization.yaml"],
        "process": sorted((root / "processes").glob("*.yaml")),
    }
    cmds = []
    for name, files in groups.items():
        if files:
            schema = REPO / "schema" / f"{name}.schema.json"
            cmds.append([str(exe), "--schemafile", str(schema), "--base-uri", schema.as_uri(),
                         *[str(f.relative_to(root)) for f in files]])  # run in ``root``
    return cmds


NAV_PAGES = 10  # the pages in ropa's navigation, about


def plain_mkdocs_project(folder: Path, pages: int, page_bytes: int) -> None:
    """A MkDocs project with the same theme and extensions and no ropa plugin, holding ``pages``
    hand-written Markdown pages of about ``page_bytes`` bytes, under folders as ropa's are, with
    a navigation of ``NAV_PAGES`` pages as ropa's site has."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^  - ropa\n", "", config, flags=re.M)
    # the navigation ropa's site has (generator/data/nav.yaml): the home page and a few others,
    # not every sheet (MkDocs' default navigation would list every page on every page)
    nav = "".join(f"  - activites/fiche-{i:05d}.md\n" for i in range(1, min(pages, NAV_PAGES)))
    config += f"\nnav:\n  - index.md\n{nav}not_in_nav: |\n  /activites/\n"
    (folder / "docs").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    paragraph = ("Le traitement est mis en œuvre par le service concerné, qui veille à ne collecter que "
                 "les données nécessaires et à les conserver pendant la durée prévue. ")
    row = "| Identité | Nom, prénom, téléphone | 1 an à compter du dernier contact | Suppression |\n"
    for i in range(pages):
        sub = "index.md" if i == 0 else f"activites/fiche-{i:05d}.md"
        path = folder / "docs" / sub
        path.parent.mkdir(parents=True, exist_ok=True)
        parts = [f"# Fiche {i}\n\n", paragraph * 2, "\n\n## Données\n\n",
                 "| Catégorie | Description | Durée | Sort final |\n|---|---|---|---|\n"]
        size = sum(len(p.encode("utf-8")) for p in parts)
        k = 0
        while size < page_bytes:
            piece = row if k % 3 else f"\n\n## Section {k}\n\n{paragraph}\n\n| A | B | C | D |\n|---|---|---|---|\n"
            parts.append(piece)
            size += len(piece.encode("utf-8"))
            k += 1
        path.write_text("".join(parts) + "\n", encoding="utf-8")


def run_size(root: Path, size: int, wanted: set[str], repeat: int, build: bool, with_diff: bool) -> dict[str, Any]:
    print(f"-- {size} activities: generating {root}", file=sys.stderr, flush=True)
    prepare(root, size)
    files = register_files(root)
    res: dict[str, Any] = {
        "activities": size, "files": len(files),
        "yaml_mib": sum(f.stat().st_size for f in files) / MIB,
        "measures": {}, "notes": [],
    }
    m = res["measures"]

    def run(name: str, cmds: list[list[str]]) -> dict[str, Any] | None:
        if name not in wanted:
            return None
        print(f"   {name} ...", file=sys.stderr, flush=True)
        entry = measure(cmds, root, repeat)
        m[name] = entry
        if not entry["ok"]:
            print(f"   {name} FAILED:\n{entry['error']}", file=sys.stderr)
        return entry

    sheets = sorted((root / "register" / "activities").glob("*.yaml"))
    one = sheets[len(sheets) // 2].relative_to(root).as_posix()
    run("validate", [cli("validate", "--root", str(root))])
    run("validate-one-cold", [["env", "ROPA_NO_CACHE=1", *cli("validate", one, "--root", str(root))]])
    # the hook with .ropa-cache/ there: as a whole `ropa validate` (just run) left it, or as the
    # hook leaves it commit after commit
    if "validate-one" in wanted and "validate" not in wanted:
        subprocess.run(cli("validate", one, "--root", str(root)), cwd=root, env=env(), capture_output=True)
    run("validate-one", [cli("validate", one, "--root", str(root))])
    pages = run("pages", [[PY, "-c", PAGES, str(root)]])
    if pages and pages["ok"]:
        info = json.loads(pages["stdout"])
        res["pages"] = {"count": info["pages"], "markdown_mib": info["bytes"] / MIB, "generate_s": info["generate_s"]}
    if build:
        done = run("build", [cli("build", "--root", str(root))])
        site = root / "site"
        if done and done["ok"] and site.is_dir():
            res["site"] = {
                "mib": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / MIB,
                "html_pages": sum(1 for _ in site.rglob("*.html")),
            }
            shutil.rmtree(site)
    out = root.parent / f"exports-{size}"
    out.mkdir(exist_ok=True)
    res["export_mib"] = {}
    for name, extra in (("xlsx", ["--format", "xlsx"]), ("xlsx-jobs2", ["--format", "xlsx", "--jobs", "2"]),
                        ("csv", ["--format", "csv"]),
                        ("csv-category", ["--format", "csv", "--per", "data-category"]),
                        ("json", ["--format", "json"])):
        target = out / f"registre-{name}.{extra[1]}"
        done = run(name, [cli("export", *extra, "--root", str(root), "--output", str(target))])
        if done and target.exists():
            res["export_mib"][name] = target.stat().st_size / MIB
    if with_diff:
        m["diff"] = measure_diff(root, sheets, repeat)
    run("floor", [[PY, "-c", FLOOR, str(root)]])
    if "check-jsonschema" in wanted:
        cmds = check_jsonschema_cmds(root)
        if isinstance(cmds, str):
            res["notes"].append(f"check-jsonschema not run: {cmds}")
        else:
            run("check-jsonschema", cmds)
    if "mkdocs" in wanted and build:
        count = res.get("pages", {}).get("count") or size + 10
        count += sum(1 for _ in (root / "docs").rglob("*.md"))
        page_bytes = int(res["pages"]["markdown_mib"] * MIB / res["pages"]["count"]) if "pages" in res else 9000
        plain = root.parent / f"plain-mkdocs-{size}"
        if plain.exists():
            shutil.rmtree(plain)
        plain_mkdocs_project(plain, count, page_bytes)
        done = measure([[PY, "-m", "mkdocs", "build", "--quiet", "-f", str(plain / "mkdocs.yml")]], plain, repeat)
        m["mkdocs"] = done
        res["plain_mkdocs"] = {"pages": count, "page_bytes": page_bytes}
        shutil.rmtree(plain)
    shutil.rmtree(out)
    if "table" in wanted:
        res["table"] = measure_table(root, repeat)
    return res


def measure_table(root: Path, repeat: int) -> dict[str, Any]:
    """The register page alone (benchmarks/table_site.py) in Chromium: load, filter, sort, page."""
    print("   table ...", file=sys.stderr, flush=True)
    done = subprocess.run([PY, str(REPO / "benchmarks" / "table_site.py"), str(root), "--repeat", str(max(repeat, 3))],
                          capture_output=True, text=True, env=env(), check=False)
    if done.returncode != 0:
        print(f"   table FAILED:\n{done.stdout[-1500:]}{done.stderr[-1500:]}", file=sys.stderr)
        return {"ok": False}
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["ok"] = True
    figures["load_average"] = os.getloadavg()
    return figures


def measure_diff(root: Path, sheets: list[Path], repeat: int) -> dict[str, Any]:
    """``ropa diff HEAD~1 HEAD`` after changing the first retention of one sheet in ten."""
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), "-c", "user.name=Bench", "-c", "user.email=b@bench.example",
                        "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "register", "processes")
    git("commit", "-q", "-m", "register")
    for path in sheets[::10]:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"duration: P\d+[YM]", "duration: P7Y", text, count=1), encoding="utf-8")
    git("commit", "-q", "-am", "retention")
    result = measure([cli("diff", "HEAD~1", "HEAD", "--root", str(root))], root, repeat)
    shutil.rmtree(root / ".git")
    return result


# -- the table --------------------------------------------------------------------------------------


def cell(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "—"
    if not entry["ok"]:
        return "failed"
    return f"{entry['seconds']:.2f} s / {entry['peak_mib']:.0f} MiB"


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str = "seconds") -> str:
    if not a or not b or not a["ok"] or not b["ok"] or not b.get(key) or key not in a:
        return "—"
    value = a[key] / b[key]
    return f"{value:.2f}×" if value < 1 else f"{value:.1f}×"


def _cpu_ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str | None:
    """CPU time (user + sys) of ``a`` and ``b`` and their ratio: the load of a shared machine
    stretches wall times much more than CPU times."""
    if not a or not b or not a["ok"] or not b["ok"] or not b.get("cpu_seconds") or "cpu_seconds" not in a:
        return None
    return f"{a['cpu_seconds']:.1f} / {b['cpu_seconds']:.1f} s = {a['cpu_seconds'] / b['cpu_seconds']:.2f}×"


def _generate(result: dict[str, Any]) -> dict[str, Any] | None:
    """The time of pages.generate alone, as a measure."""
    if "pages" not in result:
        return None
    return {"ok": True, "seconds": result["pages"]["generate_s"], "peak_mib": 0.0}


def table(results: list[dict[str, Any]]) -> str:
    sizes = [r["activities"] for r in results]
    head = ["measure", *[f"{s:,}" for s in sizes]]
    pairs = list(itertools.pairwise(results))
    head += [f"{b['activities']:,}/{a['activities']:,}" for a, b in pairs]
    rows = []
    names = [n for n in (*MEASURES[:8], "diff", *MEASURES[8:]) if any(n in r["measures"] for r in results)]
    for name in names:
        row = [LABELS[name], *[cell(r["measures"].get(name)) for r in results]]
        row += [ratio(b["measures"].get(name), a["measures"].get(name)) for a, b in pairs]
        rows.append(row)

    def info(label: str, fn: Any) -> None:
        values = [fn(r) for r in results]
        if any(v is not None for v in values):
            rows.append([label, *[v or "—" for v in values], *["" for _ in pairs]])

    def table_figures(r: dict[str, Any], keys: tuple[str, ...]) -> str | None:
        t = r.get("table")
        if not t or not t.get("ok"):
            return None if not t else "failed"
        return " / ".join(f"{t[k]:.0f}" if k in t else "—" for k in keys) + " ms"

    info("table page: load / one-line page load", lambda r: table_figures(r, ("load", "floor_load")))
    info("table: filter / clear / sort / again / next page",
         lambda r: table_figures(r, ("filter", "unfilter", "sort", "sort_again", "page")))
    info("table page: HTML / load average", lambda r: f"{r['table']['html_kib'] / 1024:.1f} MiB / "
         f"{r['table']['load_average'][0]:.1f}" if r.get("table", {}).get("ok") else None)
    info("site: size / HTML pages", lambda r: f"{r['site']['mib']:.1f} MiB / {r['site']['html_pages']}" if "site" in r else None)
    info("generated pages / Markdown", lambda r: f"{r['pages']['count']} / {r['pages']['markdown_mib']:.1f} MiB" if "pages" in r else None)
    info("pages.generate alone", lambda r: f"{r['pages']['generate_s']:.2f} s" if "pages" in r else None)
    info("register: files / YAML", lambda r: f"{r['files']} / {r['yaml_mib']:.1f} MiB")
    info("exports: xlsx / csv / json", lambda r: " / ".join(f"{r['export_mib'][k]:.1f}" for k in ("xlsx", "csv", "json") if k in r["export_mib"]) + " MiB"
         if set(r.get("export_mib") or ()) & {"xlsx", "csv", "json"} else None)
    for label, a, b in (("validate ÷ C-loader floor", "validate", "floor"),
                        ("validate ÷ check-jsonschema", "validate", "check-jsonschema"),
                        ("validate FILE ÷ whole validate", "validate-one", "validate"),
                        ("build ÷ plain mkdocs", "build", "mkdocs"),
                        ("pages.generate alone ÷ build", "generate", "build")):
        values = [ratio(_generate(r) if a == "generate" else r["measures"].get(a), r["measures"].get(b))
                  for r in results]
        if any(v != "—" for v in values):
            rows.append([label, *values, *["" for _ in pairs]])
    # the CPU time (user + sys), which the other processes of a shared machine inflate less
    values = [ratio(r["measures"].get("validate"), r["measures"].get("floor"), "cpu_seconds") for r in results]
    if any(v != "—" for v in values):
        rows.append(["validate ÷ floor, CPU time", *values, *["" for _ in pairs]])
    info("ropa build / plain mkdocs: CPU time", lambda r: _cpu_ratio(r["measures"].get("build"), r["measures"].get("mkdocs")))
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *[line(r) for r in rows]]
    return "\n".join(out)


# -- processes: one large process -------------------------------------------------------------------


def processes_command(args: argparse.Namespace) -> int:
    """Checks, diagram and page of one process of N operations, in a register of 10 sheets."""
    print(f"{'operations':>10} {'ropa validate':>18} {'problems':>9} {'diagram chars':>14} "
          f"{'% of Mermaid max':>17} {'page generation':>18}")
    with tempfile.TemporaryDirectory(prefix="ropa-bench-proc-") as tmp:
        for n in [int(x) for x in args.operations.split(",")]:
            root = Path(tmp) / f"p{n}"
            prepare(root, 10)
            synth.add_large_process(root, n)
            check = measure([cli("validate", "--format", "json", "--root", str(root))], root, args.repeat)
            problems = [d for d in json.loads(check["stdout"] or "[]") if "synthetique" in str(d.get("file", d))]
            page = measure([[PY, "-c", PAGES, str(root)]], root, args.repeat)
            info = json.loads(page["stdout"])
            chars = info["mermaid"].get("processus/synthetique.md", 0)
            print(f"{n:>10} {check['seconds']:>7.2f} s {check['peak_mib']:>5.0f} MiB {len(problems):>9} "
                  f"{chars:>14} {100 * chars / MERMAID_MAX_TEXT:>16.0f}% "
                  f"{page['seconds']:>7.2f} s {page['peak_mib']:>5.0f} MiB")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="register sizes, in activities (default 100,1000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measure; the median is shown (default 1)")
    parser.add_argument("--out", type=Path, help="folder for the generated registers (kept; default: a temporary one)")
    parser.add_argument("--only", help=f"comma-separated measures: {', '.join(MEASURES)}; groups: {', '.join(GROUPS)}")
    parser.add_argument("--skip-build-above", type=int, default=1000, metavar="N",
                        help="no ropa build nor plain mkdocs build above N activities (default 1000)")
    parser.add_argument("--diff", action="store_true", help="also time `ropa diff` in a git repository")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    parser.add_argument("--table", type=Path, nargs="+", metavar="FILE",
                        help="measure nothing: print the table of figures written by --json (one or more runs)")
    sub = parser.add_subparsers(dest="command")
    proc = sub.add_parser("processes", help="one process of N operations: checks, diagram size, page")
    proc.add_argument("--operations", default="25,50,100,200", help="operations (default 25,50,100,200)")
    proc.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.command == "processes":
        return processes_command(args)
    if args.table:
        saved = [r for path in args.table for r in json.loads(path.read_text(encoding="utf-8"))]
        print(table(sorted(saved, key=lambda r: int(r["activities"]))))
        return 0

    wanted: set[str] = set()
    for name in (args.only or ",".join(MEASURES)).split(","):
        name = name.strip()
        if name not in MEASURES and name not in GROUPS:
            parser.error(f"unknown measure '{name}' (known: {', '.join((*MEASURES, *GROUPS))})")
        wanted.update(GROUPS.get(name, (name,)))
    sizes = [int(s) for s in args.sizes.split(",")]
    compile_package()
    results = []
    with tempfile.TemporaryDirectory(prefix="ropa-bench-") as tmp:
        base = args.out or Path(tmp)
        for size in sizes:
            res = run_size(base / f"register-{size}", size, wanted, args.repeat,
                           build=size <= args.skip_build_above, with_diff=args.diff)
            results.append(res)
    print(f"ropa benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, median of {args.repeat} run(s), "
          f"ROPA_TODAY={synth.TODAY}")
    print(table(results))
    for r in results:
        for note in r["notes"]:
            print(f"{r['activities']}: {note}")
    if args.json:
        for r in results:
            for entry in r["measures"].values():
                entry.pop("stdout", None)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if all(e["ok"] for r in results for e in r["measures"].values()) and \
        all(r.get("table", {}).get("ok", True) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
