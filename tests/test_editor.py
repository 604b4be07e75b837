"""The register in an editor: the real yaml-language-server (the checker of Red Hat's YAML
extension for VS Code, and of other editors through the Language Server Protocol), pinned in
package.json, run as its own process on real files, with the schemas their first line names
(``# yaml-language-server: $schema=...``, README "Adding an activity").

What a DPO sees while typing must agree with what ``ropa validate`` says: nothing underlined in a
valid register, and each schema error of the corpus (tests/invalid/) underlined on the line
ropa reports it."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Runner, arrivals, copy_register

sys.path.insert(0, str(REPO / "benchmarks"))

import synth

SERVER = REPO / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
CORPUS = REPO / "tests" / "invalid" / "activities"
MODELINE = "# yaml-language-server: $schema=../../schema/activity.schema.json\n"
ANSWER_SECONDS = 60

SETTINGS = {"validate": True, "schemaStore": {"enable": False}}
"""The extension's defaults, without the schema store's download (no request leaves the machine)."""

UNDERLINED_BY_ROPA_ONLY = {"schema-unknown-key-flow-comma.yaml"}
"""Cases the editor leaves alone: a key with no value (what a comma inside ``{ }`` leaves of a
cut text) is taken for a key being typed, and not checked against the schema's keys."""

ELSEWHERE = {"schema-not-allowed"}
"""Rules the editor shows on another line than ropa: a JSON Schema ``not`` (``controller`` in a
controller record) is underlined on the whole mapping it applies to, from its first key, with
the editor's own words (« Matches a schema that is not allowed »); ropa names the key."""


class Editor:
    """yaml-language-server over stdio, as an editor starts it: ``diagnostics(path)`` opens the
    file and returns what the server publishes for it (what the editor underlines)."""

    def __init__(self, root: Path) -> None:
        node = shutil.which("node")
        assert node, "Node.js is needed (make setup installs the server with npm)"
        assert SERVER.is_file(), f"{SERVER} is missing: run make setup (npm ci)"
        self.process = subprocess.Popen([node, str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.next_id = 0
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(),
                                    "capabilities": {"workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while header := out.readline():
            if header.startswith(b"Content-Length:"):
                size = int(header.split(b":")[1])
                out.readline()
                body = out.read(size)
                if len(body) < size:  # killed in the middle of a message
                    break
                self.messages.put(json.loads(body))
        self.messages.put(None)

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        self._send({"id": ident, "method": method, "params": params})
        return self._until(lambda m: m.get("id") == ident and "method" not in m)

    def _until(self, wanted: Any) -> dict[str, Any]:
        late = f"yaml-language-server did not answer within {ANSWER_SECONDS} s"
        for message in arrivals(self.messages, ANSWER_SECONDS, lambda: late):
            assert message is not None, "yaml-language-server stopped"
            if message.get("method") == "workspace/configuration":  # the server asks for its settings
                self._send({"id": message["id"], "result": [SETTINGS for _ in message["params"]["items"]]})
            elif wanted(message):
                return message

    def diagnostics(self, path: Path) -> list[dict[str, Any]]:
        uri = path.resolve().as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8")}})
        published = self._until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                and m["params"]["uri"] == uri)
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        return list(published["params"]["diagnostics"])

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        self.reader.join(timeout=10)  # it reads to the end of the output, then the pipes close
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def editor(tmp_path: Path) -> Iterator[Editor]:
    running = Editor(tmp_path)
    try:
        yield running
    finally:
        running.close()


def _shown(found: list[dict[str, Any]]) -> str:
    return "; ".join(f"line {d['range']['start']['line'] + 1}: {d['message']}" for d in found)


def _files(root: Path) -> list[Path]:
    return sorted([*root.glob("register/*.yaml"), *root.glob("register/activities/*.yaml"), *root.glob("processes/*.yaml")])


def test_the_editor_underlines_nothing_in_valid_registers(tmp_path: Path, editor: Editor, ropa: Runner) -> None:
    """CentreCall's register and processes, and a synthetic register of 40 varied sheets (both
    kinds of record, joint controllers, transfers, processes): each validates with ropa, and the
    editor underlines nothing in any of their files."""
    synthetic = tmp_path / "synthetic"
    synth.make_register(synthetic, 40)
    shutil.copytree(REPO / "schema", synthetic / "schema")
    checked = 0
    for root in (REPO, synthetic):
        assert ropa("validate", "--root", root).returncode == 0, root
        for path in _files(root):
            found = editor.diagnostics(path)
            assert not found, f"{path.relative_to(root)}: {_shown(found)}"
            checked += 1
    assert checked > 50


def _expected(path: Path) -> list[tuple[str, int]]:
    text = path.read_bytes().decode("utf-8", errors="replace")  # the case of a file not in UTF-8 has none
    return [(rule, int(line)) for rule, line in re.findall(r"(?m)^# expect: (schema-\S+) (\d+):\d+", text)]


CASES = sorted(p for p in CORPUS.glob("*.yaml") if _expected(p) and p.name not in UNDERLINED_BY_ROPA_ONLY)


def test_the_corpus_has_schema_errors_for_the_editor() -> None:
    rules = {rule for case in CASES for rule, _ in _expected(case)}
    assert len(CASES) >= 15 and {"schema-required", "schema-enum", "schema-unknown-key", "schema-pattern", "schema-type"} <= rules


def test_the_editor_underlines_each_schema_error_where_ropa_reports_it(tmp_path: Path, editor: Editor) -> None:
    """Each corpus case with schema errors, its first line the schema line a sheet starts with:
    the editor underlines an error on each line where ropa reports a schema error (the cases'
    ``# expect:`` lines, which ropa's corpus test checks), but for the rules of ``ELSEWHERE``."""
    folder = tmp_path / "register" / "activities"
    folder.mkdir(parents=True)
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    missed = []
    for case in CASES:
        sheet = folder / case.name
        sheet.write_text(MODELINE + case.read_text(encoding="utf-8"), encoding="utf-8")  # every line one lower
        found = editor.diagnostics(sheet)
        errors = {d["range"]["start"]["line"] for d in found if d.get("severity") == 1}  # 0-based: the case's own numbers
        assert errors, f"{case.name}: the editor underlines nothing"
        missed += [f"{case.name}: {rule} on line {line}; the editor: {_shown(found)}"
                   for rule, line in _expected(case) if rule not in ELSEWHERE and line not in errors]
    assert not missed, "\n".join(missed)


def test_the_editor_suggests_the_titles_of_both_languages(tmp_path: Path, editor: Editor, ropa: Runner) -> None:
    """A person's ``title`` (schema/common.schema.json, person_title in data/vocabularies.yaml)
    has the titles of both languages: an English register's "Dr" validates and is underlined
    nowhere, and the editor offers them where a title is typed; a misspelt one is an error."""
    root = copy_register(tmp_path / "nordlys", REPO / "tests" / "english")
    shutil.copytree(REPO / "schema", root / "schema")
    org = root / "register" / "organization.yaml"
    text = org.read_text(encoding="utf-8")
    assert "\n  title: Mx\n" in text
    org.write_text(text.replace("\n  title: Mx\n", "\n  title: Dr\n"), encoding="utf-8")
    assert ropa("validate", "--root", root).returncode == 0
    assert not editor.diagnostics(org)
    typed = text.replace("\n  title: Mx\n", "\n  title: \n")
    line = typed[:typed.index("\n  title: \n")].count("\n") + 1
    uri = org.resolve().as_uri()
    editor.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 2, "text": typed}})
    answer = editor.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": {"line": line, "character": len("  title: ")}})
    result = answer["result"]
    offered = {item["label"] for item in (result["items"] if isinstance(result, dict) else result)}
    assert {"Mme", "M.", "Mx", "Mr", "Mrs", "Ms", "Dr", "Pr", "Me"} <= offered, sorted(offered)
    org.write_text(text.replace("\n  title: Mx\n", "\n  title: Doctor\n"), encoding="utf-8")
    done = ropa("validate", "--root", root)
    assert done.returncode == 1 and "[schema-enum]" in done.stdout, done.stdout
    assert [d for d in editor.diagnostics(org) if d["range"]["start"]["line"] == line]
