"""``ropa import FILE``: the register a DPO keeps in a spreadsheet (the CNIL model in XLSX or ODS,
or a ``ropa export`` in XLSX, CSV or JSON), written as the register's YAML files.

Writes ``register/organization.yaml`` when absent, one ``register/activities/<id>.yaml`` per
activity, ``processes/<id>.yaml`` for the process models a JSON export carries. An existing file
is never overwritten: it is left as it is, and the summary says so. ``--dry-run`` writes
nothing but still shows the summary and what ``ropa validate`` would say of the result.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import shapes, vocab
from generator.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, command_parser, root_argument, text
from generator.importer import (
    FORMATS,
    MAX_BYTES,
    Entry,
    ImportProblem,
    Notice,
    Source,
    Where,
    detect_format,
    message,
)
from generator.load.layout import (
    ACTIVITIES,
    ORGANIZATION,
    PROCESSES,
    SOURCE_FOLDERS,
    display_path,
)
from generator.render import i18n
from generator.render.escape import terminal

# Building the parser imports this module: the readers (openpyxl, python-calamine), the writer
# and the validator are imported by the functions that use them, so that ``ropa --help`` and
# ``ropa validate`` stay light.


def add_parser(sub: argparse._SubParsersAction, name: str, lang: str = i18n.DEFAULT_LANG) -> None:  # type: ignore[type-arg]
    p = command_parser(sub, name, lang)
    p.add_argument("file", type=Path, metavar="FILE", help=text("import.file", lang))
    root_argument(p, lang)
    p.add_argument("--format", choices=FORMATS, help=text("import.format", lang))
    p.add_argument("--dry-run", action="store_true", help=text("import.dry_run", lang))
    p.add_argument("--lang", choices=vocab.LANGUAGES, help=text("lang.messages", lang))


def read_source(path: Path, fmt: str, display: str, lang: str) -> Source:
    from generator.importer import cnil, csv_source, json_source, ods, xlsx

    if fmt == "json":
        return json_source.read(path, display, lang)
    if fmt == "csv":
        return csv_source.read(path, display, lang)
    if path.stat().st_size > MAX_BYTES:
        raise ImportProblem(Where(display), "too_large", size=path.stat().st_size, limit=MAX_BYTES)
    book = xlsx.read(path, display) if fmt == "xlsx" else ods.read(path, display)
    try:
        if not book.sheets:
            raise ImportProblem(Where(display), "no_sheet")
        return cnil.read(book, lang)
    finally:
        book.close()


@dataclass
class Planned:
    entry: Entry
    target: Path
    text: str
    mapped: int
    todo: int
    exists: bool


def count(data: Any) -> tuple[int, int]:
    """(values mapped, values left to complete) of a file's data."""
    from generator.lint.review_rules import placeholders

    marks = placeholders()
    mapped = todo = 0
    for _, value in shapes.walk_strings(data):
        if any(m in value for m in marks):
            todo += 1
        else:
            mapped += 1
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            mapped += 1
    return mapped, todo


def target_of(root: Path, entry: Entry) -> Path:
    if entry.kind == "organization":
        return root / ORGANIZATION
    folder = ACTIVITIES if entry.kind == "activity" else PROCESSES
    return root / folder / f"{entry.data['id']}.yaml"


def plan(root: Path, source: Source, lang: str, origin: str) -> list[Planned]:
    from generator.importer import writer

    folder = root / PROCESSES
    known_processes = {p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml")} if folder.is_dir() else set()
    known_processes |= {str(e.data.get("id")) for e in source.entries if e.kind == "process"}
    today = shapes.today().isoformat()
    mark = i18n.t("review.placeholder", lang)
    out: list[Planned] = []
    for entry in source.entries:
        process = entry.data.get("process") if entry.kind == "activity" else None
        if process is not None and process not in known_processes:
            del entry.data["process"]
            entry.footer.append(message("comment.process_missing", lang, process=process))
            source.notices.append(Notice(entry.origin, "process_missing", {"process": process}))
        mapped, todo = count(entry.data)
        header = [message("comment.source", lang, where=entry.origin.text(lang) if entry.origin.file else origin,
                          today=today)]
        if todo:
            header.append(message("comment.todo", lang, mark=mark))
        target = target_of(root, entry)
        out.append(Planned(entry, target, writer.render(entry, lang, header), mapped, todo, target.exists()))
    return out


def write(planned: list[Planned]) -> None:
    for item in planned:
        if item.exists:
            continue
        item.target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(item.target, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(item.text)
        except FileExistsError:
            item.exists = True


def validate(root: Path, planned: list[Planned], dry_run: bool) -> tuple[int, int]:
    """(errors, warnings) of ``ropa validate`` on the register as imported (for a dry run, on a
    copy of the register with the planned files added)."""
    from generator.lint.runner import load_register

    if not dry_run:
        reg = load_register(root)
    else:
        with tempfile.TemporaryDirectory(prefix="ropa-import-") as tmp:
            copy = Path(tmp)
            for folder in SOURCE_FOLDERS:
                if (root / folder).is_dir():
                    shutil.copytree(root / folder, copy / folder)
            for item in planned:
                if not item.exists:
                    dest = copy / item.target.relative_to(root)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_text(item.text, encoding="utf-8")
            reg = load_register(copy)
    errors = sum(1 for d in reg.diagnostics if d.severity == "error")
    return errors, len(reg.diagnostics) - errors


def missing_parties(planned: list[Planned], lang: str) -> list[str]:
    """When the organisation file was already there: the parties the imported activities name
    that it does not declare, to add under ``parties:`` by hand."""
    from generator.errors import LoadError
    from generator.load.yamlload import load

    org = next((p for p in planned if p.entry.kind == "organization"), None)
    if org is None or not org.exists:
        return []
    try:
        existing: Any = load(org.target, display_path(org.target)).data
    except LoadError:
        existing = {}
    declared = {p.get("id") for p in (existing or {}).get("parties") or [] if isinstance(p, dict)} if isinstance(
        existing, dict) else set()
    imported = {p["id"]: p for p in org.entry.data.get("parties", [])}
    used: set[str] = set()
    for item in planned:
        if item.entry.kind == "activity" and not item.exists:
            data = item.entry.data
            used.update(str(x) for x in [data.get("controller"), *data.get("processors", []),
                                         *data.get("joint_controllers", [])] if x)
            used.update(str(r["party"]) for r in data.get("recipients", []) if isinstance(r, dict) and r.get("party"))
            used.update(str(t["recipient"]) for t in data.get("transfers", []) if isinstance(t, dict)
                        and t.get("recipient") in imported)
    missing = sorted(used & set(imported) - declared)
    return [message("summary.missing_party", lang, id=i, name=imported[i].get("name"), kind=imported[i].get("kind"),
                    path=display_path(org.target)) for i in missing]


def run(args: argparse.Namespace) -> int:
    root: Path = args.root.resolve()
    from generator.load.language import message_language

    lang: str = message_language(args.root, args.lang)
    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    fmt = detect_format(path, args.format)
    if fmt is None:
        raise UsageError(f"{path}: cannot tell its format from its name; give --format ({', '.join(FORMATS)})")
    display = display_path(path)
    try:
        source = read_source(path, fmt, display, lang)
    except ImportProblem as exc:
        print(terminal(f"ropa import: {exc.text(lang)}"), file=sys.stderr)
        return EXIT_PROBLEMS
    activities = [e for e in source.entries if e.kind == "activity"]
    if not activities:
        for notice in source.notices:
            print(terminal(notice.text(lang)), file=sys.stderr)
        print(terminal(f"ropa import: {Notice(Where(display), 'no_register').text(lang)}"), file=sys.stderr)
        return EXIT_PROBLEMS
    planned = plan(root, source, lang, display)
    for notice in source.notices:  # (a notice quotes the source: a header, a formula, a sheet name)
        print(terminal(notice.text(lang)), file=sys.stderr)
    if not args.dry_run:
        try:
            write(planned)
        except OSError as exc:
            print(terminal(f"ropa import: cannot write under {display_path(root)}: {exc.strerror or exc}"), file=sys.stderr)
            return EXIT_PROBLEMS
    out = sys.stdout
    out.write(terminal(message("summary.head", lang, file=display, format=fmt)) + "\n")
    for item in planned:
        shown = display_path(item.target)
        if item.exists:
            out.write(message("summary.skipped", lang, path=shown) + "\n")
        else:
            out.write(message("summary.file", lang, path=shown, mapped=item.mapped, todo=item.todo) + "\n")
    written = [p for p in planned if not p.exists]
    out.write(
        message(
            "summary.total",
            lang,
            activities=sum(1 for p in written if p.entry.kind == "activity"),
            mapped=sum(p.mapped for p in written),
            todo=sum(p.todo for p in written),
            skipped=len(planned) - len(written),
        )
        + "\n"
    )
    if args.dry_run:
        out.write(message("summary.dry_run", lang) + "\n")
    for line in missing_parties(planned, lang):  # (a party's name, as the source wrote it)
        out.write(terminal(line) + "\n")
    errors, warnings = validate(root, planned, args.dry_run)
    out.write(message("summary.validate", lang, errors=errors, warnings=warnings) + "\n")
    if errors or warnings:
        out.write(message("summary.validate_hint", lang) + "\n")
    return EXIT_OK
