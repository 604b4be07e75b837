"""How process models scale: checks, Mermaid flowchart and process page for one large process.

Builds CentreCall's register plus a synthetic process of N operations (a chain in which every
third operation has a second, OR-synchronised trigger and every operation two emission rules and
four data items) linked from a synthetic activity, then times the checks (``load_register``),
the Mermaid source (``mermaid.process_flowchart``) and the process page, and prints the size of
the diagram source against Mermaid's default ``maxTextSize`` (50,000 characters), beyond which the
browser shows an error instead of the diagram::

    .venv/bin/python benchmarks/processes.py               # 25, 50, 100, 200 operations
    .venv/bin/python benchmarks/processes.py -n 400 --repeat 5

Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from export import timed  # noqa: E402 - benchmarks/export.py: the median of repeated runs

from generator.lint.runner import load_register  # noqa: E402
from generator.model.process import ProcessModel  # noqa: E402
from generator.render import mermaid  # noqa: E402
from generator.site import (
    pages,  # noqa: E402
    processes,  # noqa: E402
)

MERMAID_MAX_TEXT = 50_000
ITEMS = [f"donnée {i}" for i in range(20)]


def synthetic_process(n: int) -> dict[str, Any]:
    actors = [{"id": f"acteur-{a}", "name": f"Acteur {a}", "kind": "internal"} for a in range(4)]
    events = [{"id": "depart", "name": "Chaque lundi", "kind": "time"}]
    events += [{"id": f"e{i}", "name": f"Événement {i}", "kind": "internal"} for i in range(n - 1)]
    results = [{"id": f"r{i}", "name": f"Résultat {i}"} for i in range(n)] + [{"id": "fin", "name": "Fin"}]
    operations = []
    for i in range(n):
        triggers = ["depart"] if i == 0 else [f"e{i - 1}"] + ([f"e{i - 3}"] if i % 3 == 0 and i >= 3 else [])
        op: dict[str, Any] = {
            "id": f"op{i}", "name": f"Opération numéro {i} du processus", "actor": f"acteur-{i % 4}",
            "nature": ("manual", "conversational", "automatic")[i % 3], "timing": "Immédiatement",
            "tool": "Logiciel", "triggers": triggers,
            "emissions": [{"condition": "Cas nominal", "to": f"e{i}" if i < n - 1 else "fin"},
                          {"condition": "Sinon", "to": f"r{i}"}],
            "data": [{"item": ITEMS[(i + k) % len(ITEMS)], "operations": ["consultation", "use"]} for k in range(4)],
        }
        if len(triggers) > 1:
            op["synchronisation"] = "or"
        operations.append(op)
    return {"id": "synthetique", "name": "Processus synthétique", "actors": actors, "events": events,
            "results": results, "operations": operations}


def make_register(root: Path, n: int) -> None:
    shutil.copytree(REPO / "register", root / "register")
    shutil.copytree(REPO / "processes", root / "processes")
    (root / "processes" / "synthetique.yaml").write_text(
        yaml.safe_dump(synthetic_process(n), allow_unicode=True, sort_keys=False), encoding="utf-8")
    sheet = yaml.safe_load((REPO / "register" / "activities" / "formation-operateurs.yaml").read_text(encoding="utf-8"))
    sheet.update(id="synthetique", ref="BENCH-1", name="Activité synthétique", process="synthetique")
    sheet["data_categories"][0]["items"] = ITEMS
    sheet["data_categories"] = sheet["data_categories"][:1]
    (root / "register" / "activities" / "synthetique.yaml").write_text(
        yaml.safe_dump(sheet, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, action="append", help="operations (repeatable; default 25 50 100 200)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'operations':>10} {'checks ms':>10} {'problems':>9} {'diagram ms':>11} {'diagram chars':>14} "
          f"{'% of Mermaid max':>17} {'page ms':>8}")
    for n in args.n or [25, 50, 100, 200]:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            make_register(root, n)
            check_s, reg = timed(lambda: load_register(root), args.repeat)
            problems = [d for d in reg.diagnostics if "synthetique" in d.file]
            model = ProcessModel.from_data(reg.process_data()["synthetique"])
            diagram_s, source = timed(lambda: mermaid.process_flowchart(
                model, "fr", org_name=str(reg.org.get("name")), parties=reg.parties()), args.repeat)
            page_s, _ = timed(lambda: processes.process_pages(pages.Context(reg, "fr")), args.repeat)
            print(f"{n:>10} {check_s * 1000:>10.1f} {len(problems):>9} {diagram_s * 1000:>11.1f} {len(source):>14} "
                  f"{100 * len(source) / MERMAID_MAX_TEXT:>16.0f}% {page_s * 1000:>8.1f}")


if __name__ == "__main__":
    main()
