"""``ropa export --format json`` read back: the normalised register (schema/export.schema.json)
with its labels dropped again, ``{"code": …, "label": …}`` → the code, party references
``{"id": …, "name": …}`` → the id, the retention texts in words left out (they are made from
the duration, start and end). The export carries everything, process models included, so this
import gives the register back as it was, ids and all."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.importer import MAX_BYTES, Entry, ImportProblem, Reason, Source, Where, mapping
from generator.importer.people import Ids
from generator.load.yamlload import MAX_INT_DIGITS

DERIVED = {"duration_text", "text", "has_sensitive_data", "adequacy_scope"}
"""Keys the export adds, made from others (``adequacy_scope``: from the transfer's country)."""


def decode(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        keys = set(value)
        if "code" in keys and keys <= {"code", "label"}:
            return value["code"]
        if "id" in keys and keys <= {"id", "name"}:
            return value["id"]
        if key in ("recipient", "international_organisation") and keys == {"name"}:
            return value["name"]
        if key == "derogation" and "code" in keys and keys <= {"code", "article"}:
            return value["code"]  # the article is the derogation's, from data/legal/
        return {k: decode(v, k) for k, v in value.items() if k not in DERIVED}
    if isinstance(value, list):
        return [decode(v, key) for v in value]
    return value


_CONTRACT = re.compile(r"^(?P<reference>.+) \((?P<date>[^()]+)\)$", re.DOTALL)


def contract(text: Any) -> Any:
    """« reference (date) », the export's one line (the date in words, « 15 janvier 2026 », or
    ISO as ropa wrote it before December 2026), back to ``{reference, date}``; any other text is
    kept as it is (an older register's contract)."""
    if isinstance(text, str) and (m := _CONTRACT.match(text)) and (day := mapping.date(m["date"])):
        return {"reference": m["reference"], "date": day}
    return text


def party(data: dict[str, Any]) -> dict[str, Any]:
    if "contract" in data:
        data["contract"] = contract(data["contract"])
    if "dpo_none" in data and "dpo" not in data:
        data["dpo"] = {"none": data.pop("dpo_none")}
    return data


def processors(data: dict[str, Any], contracts: dict[str, Any]) -> None:
    """The export's ``processor_contracts`` folded back into ``processors``: an entry whose contract
    is its party's and that has no authorisation is the party's id again, else a mapping."""
    terms = data.pop("processor_contracts", None)
    if not isinstance(terms, list) or not isinstance(data.get("processors"), list):
        return
    by_party = {t.get("party"): t for t in terms if isinstance(t, dict)}
    out: list[Any] = []
    for ident in data["processors"]:
        t = by_party.get(ident, {})
        entry: dict[str, Any] = {"party": ident}
        if t.get("contract") is not None and t.get("contract") != contracts.get(ident):
            entry["contract"] = contract(t["contract"])
        if isinstance(t.get("authorisation"), dict):
            entry["authorisation"] = t["authorisation"]
        out.append(entry if len(entry) > 1 else ident)
    data["processors"] = out


def _integer(where: Where) -> Callable[[str], int]:
    def read(digits: str) -> int:
        if len(digits) > MAX_INT_DIGITS:
            raise ImportProblem(where, "not_json", reason=Reason.of("long_number", digits=len(digits), limit=MAX_INT_DIGITS))
        return int(digits)

    return read


def _constant(where: Where) -> Callable[[str], Any]:
    def read(name: str) -> Any:  # NaN, Infinity, -Infinity: Python's, not JSON's (ropa never writes them)
        raise ImportProblem(where, "not_json", reason=Reason.of("not_a_number", value=name))

    return read


def read(path: Path, display: str, lang: str) -> Source:
    where = Where(display)
    if path.stat().st_size > MAX_BYTES:
        raise ImportProblem(where, "too_large", size=path.stat().st_size, limit=MAX_BYTES)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"), parse_int=_integer(where), parse_constant=_constant(where))
    except UnicodeDecodeError as exc:
        raise ImportProblem(where, "not_json", reason=Reason.of("not_utf8", problem=exc.reason, at=exc.start)) from None
    except json.JSONDecodeError as exc:
        raise ImportProblem(where.at(line=exc.lineno), "not_json", reason=Reason.of("json_at", problem=exc.msg, column=exc.colno)) from None
    except RecursionError:
        raise ImportProblem(where, "not_json", reason=Reason.of("nested")) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("activities"), list) or not isinstance(
        doc.get("organization"), dict
    ):
        raise ImportProblem(where, "not_json", reason=Reason.of("no_register"))
    source = Source()
    org = decode(doc["organization"])
    raw_parties = [p for p in doc.get("parties") or [] if isinstance(p, dict)]
    contracts: dict[str, Any] = {str(p.get("id")): p.get("contract") for p in raw_parties if isinstance(p.get("id"), str)}
    org["parties"] = [party(decode(p)) for p in raw_parties]
    source.entries.append(Entry("organization", org, where.at(field="organization")))
    ids = Ids()
    for n, activity in enumerate(doc["activities"]):
        if not isinstance(activity, dict):
            continue
        data = decode(activity)
        processors(data, contracts)
        wanted = data.get("id") if isinstance(data.get("id"), str) else None
        data["id"] = ids.new(str(data.get("name") or data.get("ref") or "activite"), wanted)
        source.entries.append(Entry("activity", data, where.at(field=f"activities[{n}]")))
    for n, process in enumerate(doc.get("processes") or []):
        if isinstance(process, dict) and isinstance(process.get("data"), dict) and isinstance(process.get("id"), str):
            source.entries.append(Entry("process", dict(process["data"]), where.at(field=f"processes[{n}]")))
    return source
