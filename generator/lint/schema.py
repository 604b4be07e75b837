"""JSON Schema validation of a loaded YAML document, each error placed at its line and column."""

from __future__ import annotations

import difflib
import functools
import unicodedata
from typing import Any, Iterator

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from generator import vocab
from generator.lint.diagnostics import Diagnostic
from generator.load.yamlload import Document
from generator.resources import load_schema, schema_dir

_PATTERN_HINTS = {
    "^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?$": "an ISO 8601 duration such as P1Y (1 year), P6M (6 months) or P30D (30 days)",
    "^[a-z0-9][a-z0-9-]*$": "an identifier of lowercase letters, digits and hyphens, such as 'payroll-2024'",
    "^[A-Z]{2}$": "an ISO 3166-1 alpha-2 country code in capitals, such as FR or US",
}

_TYPE_NAMES = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "an empty value",
}
_SCHEMA_TYPE_NAMES = {
    "object": "a mapping (key: value pairs)",
    "array": "a list (lines starting with '- ')",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "an empty value",
}


@functools.cache
def _registry() -> Registry:
    resources = []
    for path in sorted(schema_dir().glob("*.schema.json")):
        schema = load_schema(path.name[: -len(".schema.json")])
        # the schemas have no $id: a $ref such as "common.schema.json#/$defs/person" resolves
        # against the file's own location, for us (by file name) as for any other tool
        resources.append((path.name, Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name), registry=_registry(), format_checker=FormatChecker())


def field_name(path: Any) -> str:
    """``("data_categories", 0, "retention")`` → ``data_categories[0].retention``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _describe(schema: Any) -> str:
    """'(Transferts hors UE / Transfers outside the EU, Art. 30(1)(e))' from a property schema."""
    if not isinstance(schema, dict):
        return ""
    title = schema.get("title")
    return f" ({title})" if title else ""


def _property_schema(error: ValidationError, name: str) -> Any:
    """The schema of property ``name`` of the instance the error is about, wherever defined."""
    root = error._get_instance_schema_root() if hasattr(error, "_get_instance_schema_root") else None
    candidates = [error.schema, root]
    for schema in candidates:
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            prop = schema["properties"].get(name)
            if isinstance(prop, dict) and "title" in prop:
                return prop
    return None


def _errors(error: ValidationError) -> Iterator[ValidationError]:
    """The leaves of an error: for anyOf/oneOf the best match, for if/then the branch's errors."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        yield from _errors(best_match(error.context))
    else:
        yield error


def diagnostics(doc: Document, schema_name: str) -> list[Diagnostic]:
    """Every schema error of ``doc`` against ``schema/<schema_name>.schema.json``."""
    root_schema = load_schema(schema_name)
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    errors = [error for top in validator(schema_name).iter_errors(doc.data) for error in _errors(top)]
    for error in _undecided(errors):
        for diag in _convert(doc, error, root_schema):
            key = (diag.line, diag.column, diag.rule, diag.message)
            if key not in seen:
                seen.add(key)
                out.append(diag)
    return out


@functools.cache
def _condition_keys() -> frozenset[str]:
    """The properties that ``if`` conditions test (``role``, the DPO's ``type``...)."""
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            condition = node.get("if")
            if isinstance(condition, dict) and isinstance(condition.get("properties"), dict):
                keys.update(condition["properties"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for path in schema_dir().glob("*.schema.json"):
        walk(load_schema(path.name[: -len(".schema.json")]))
    return frozenset(keys)


def _undecided(errors: list[ValidationError]) -> list[ValidationError]:
    """The errors, less those of if/then/else branches chosen by a value that is itself wrong:
    with ``role: sous-traitant`` the record is neither a processor's nor a controller's, so the
    user hears about the role, not about the keys a controller record would need."""
    keys = _condition_keys()
    rejected = {
        tuple(e.absolute_path)[:-1]
        for e in errors
        if e.validator in ("enum", "type", "const", "pattern") and e.absolute_path and e.absolute_path[-1] in keys
    } | {  # or missing: "missing required key 'role'" is the one thing to say
        tuple(e.absolute_path)
        for e in errors
        if e.validator == "required" and isinstance(e.instance, dict)
        and any(k in keys and k not in e.instance for k in e.validator_value)
    }
    return [
        e for e in errors
        if not (rejected and tuple(e.absolute_path) in rejected
                and {"then", "else"} & set(map(str, e.absolute_schema_path)))
    ]


def _lookup(root_schema: dict[str, Any], path: tuple[Any, ...]) -> Any:
    """The subschema describing the instance at ``path`` (following properties, items, $ref)."""
    schema: Any = root_schema
    for part in path:
        schema = _deref(root_schema, schema)
        if not isinstance(schema, dict):
            return None
        if isinstance(part, int):
            schema = schema.get("items")
        else:
            schema = (schema.get("properties") or {}).get(part)
    return _deref(root_schema, schema)


def _deref(root_schema: dict[str, Any], schema: Any) -> Any:
    for _ in range(8):
        if not (isinstance(schema, dict) and "$ref" in schema):
            return schema
        ref = schema["$ref"]
        target_file, _, pointer = ref.partition("#")
        base = load_schema(target_file[: -len(".schema.json")]) if target_file else root_schema
        node: Any = base
        for part in pointer.strip("/").split("/") if pointer else []:
            node = node.get(part) if isinstance(node, dict) else None
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**node, **extra} if isinstance(node, dict) else node
        root_schema = base
    return schema


def _convert(doc: Document, error: ValidationError, root_schema: dict[str, Any]) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    where = field_name(path)
    prefix = f"{where}: " if path else ""
    instance = error.instance
    kind = error.validator
    if kind == "required":
        missing = [name for name in error.validator_value if isinstance(instance, dict) and name not in instance]
        for name in missing:
            prop = _lookup(root_schema, path + (name,))
            hint = _describe(prop)
            extra = ""
            if isinstance(prop, dict) and prop.get("type") == "array" and not prop.get("minItems"):
                extra = f"; write '{name}: []' if there is none"
            yield doc.diagnostic(
                path,
                "schema-required",
                f"{prefix}missing required key '{name}'{hint}{extra}",
                key=bool(path),
            )
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted((_lookup(root_schema, path) or {}).get("properties", {}))
        for name in instance:
            if name in allowed:
                continue
            hint = _key_hint(str(name), root_schema, path, allowed)
            yield doc.diagnostic(
                path + (name,), "schema-unknown-key", f"{prefix}unknown key '{name}'{hint}", key=True
            )
        return
    if kind == "not" and isinstance(error.validator_value, dict) and isinstance(instance, dict):
        for name in error.validator_value.get("required", []):
            yield doc.diagnostic(
                path + (name,),
                "schema-not-allowed",
                f"{prefix}'{name}' is not allowed here{_role_hint(name)}",
                key=True,
            )
        return
    if kind == "enum":
        choices = [str(v) for v in error.validator_value]
        hint = _enum_hint(instance, choices)
        yield doc.diagnostic(
            path,
            "schema-enum",
            f"{where}: {instance!r} is not one of: {', '.join(choices)}{hint}",
        )
        return
    if kind == "const":
        yield doc.diagnostic(path, "schema-const", f"{where}: must be {error.validator_value!r}, not {instance!r}")
        return
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_SCHEMA_TYPE_NAMES.get(n, n) for n in names)
        got = _type_name(instance)
        shown = "" if isinstance(instance, (dict, list)) or instance is None else f" {instance!r}"
        hint = ""
        if "string" in names and isinstance(instance, (int, float, bool)):
            hint = "; put it in quotes"
        yield doc.diagnostic(path, "schema-type", f"{where}: expected {wanted}, got {got}{shown}{hint}")
        return
    if kind == "format":
        if error.validator_value == "date":
            yield doc.diagnostic(
                path, "invalid-date", f"{where}: {instance!r} is not a real date written YYYY-MM-DD"
            )
        else:
            yield doc.diagnostic(
                path, "schema-format", f"{where}: {instance!r} is not a valid {error.validator_value}"
            )
        return
    if kind == "pattern":
        wanted = _PATTERN_HINTS.get(error.validator_value, f"text matching {error.validator_value}")
        yield doc.diagnostic(path, "schema-pattern", f"{where}: {instance!r} is not {wanted}")
        return
    if kind == "minLength":
        yield doc.diagnostic(path, "schema-empty", f"{where}: must not be empty")
        return
    if kind == "minItems":
        n = error.validator_value
        yield doc.diagnostic(path, "schema-min-items", f"{where}: needs at least {n} item{'s' if n > 1 else ''}")
        return
    if kind == "uniqueItems":
        yield doc.diagnostic(path, "schema-unique-items", f"{where}: the same value is listed twice")
        return
    if kind == "minimum":
        yield doc.diagnostic(path, "schema-minimum", f"{where}: must be at least {error.validator_value}")
        return
    rule = "schema-" + "".join("-" + c.lower() if c.isupper() else c for c in str(kind))
    yield doc.diagnostic(path, rule, f"{where}: {error.message}")


def _words(text: str) -> list[str]:
    """'Finalité(s) du traitement' → ['finalites', 'du', 'traitement']: no accents, no case."""
    for separator in "_-'\u2019":
        text = text.replace(separator, " ")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return ["".join(c for c in word if c.isalnum()) for word in plain.split()]


def _french_match(text: str, french: dict[str, str]) -> str | None:
    """The key of ``french`` ({key: French label}) that ``text`` names: the label itself, give or
    take accents, case and separators (``prenom`` → « Prénom »), else the only label holding
    every word of ``text`` (``personnes_concernees`` → « Catégories de personnes concernées »),
    exactly or nearly."""
    wanted = _words(text)
    significant = [w for w in wanted if len(w) > 2]
    if not significant:
        return None
    folded = {key: "".join(_words(label)) for key, label in french.items()}
    close = difflib.get_close_matches("".join(wanted), list(folded.values()), n=1, cutoff=0.8)
    found = (
        [k for k, f in folded.items() if close and f == close[0]]
        or [k for k, label in french.items() if set(significant) <= set(_words(label))]
        or [k for k, label in french.items()  # « interet legitime » → « Intérêts légitimes »
            if all(difflib.get_close_matches(w, _words(label), n=1, cutoff=0.8) for w in significant)]
    )
    return found[0] if len(found) == 1 else None


def _key_hint(name: str, root_schema: dict[str, Any], path: tuple[Any, ...], allowed: list[str]) -> str:
    """'did you mean' the closest key, or the key whose French title the user wrote
    (``prenom`` → ``first_name``, titled « Prénom / First name »); else the allowed keys."""
    close = difflib.get_close_matches(name, allowed, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    titles: dict[str, str] = {}
    for key in allowed:
        title = (_lookup(root_schema, path + (key,)) or {}).get("title")
        if isinstance(title, str):
            titles[key] = title.split(" / ")[0]
    key = _french_match(name, titles)
    if key is not None:
        return f"; did you mean '{key}' ({titles[key]})? Keys are in English, values in French"
    return f"; allowed keys: {', '.join(allowed)}"


def _enum_hint(value: Any, choices: list[str]) -> str:
    """'did you mean' the closest value, or the value whose French label (from the vocabulary of
    these values) the user wrote: ``sous-traitant`` → ``processor``."""
    close = difflib.get_close_matches(str(value), choices, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    for entries in vocab.vocabularies().values():
        if set(entries) == set(choices):
            labels = {key: str(entry.get("fr", "")) for key, entry in entries.items() if isinstance(entry, dict)}
            key = _french_match(str(value), labels) if isinstance(value, str) else None
            if key is not None:
                return f"; did you mean '{key}' ({labels[key]})? Values of a list are written as their key"
    return ""


def _role_hint(name: Any) -> str:
    if name == "controller":
        return (
            " in a controller record: the organisation itself is the controller; "
            "'controller' names the client a processor record acts for"
        )
    return ""
