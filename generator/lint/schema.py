"""JSON Schema validation of a loaded YAML document, each error placed at its line and column."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import yaml

from generator import vocab
from generator.lint.rules import Arg, Diagnostic, Text, either, phrase
from generator.load.yamlload import Document
from generator.render import i18n
from generator.resources import load_schema, schema_dir
from generator.shapes import value_at

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

_PATTERN_HINTS = {
    "^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?$": "pattern-duration",
    "^[a-z0-9][a-z0-9-]*$": "pattern-id",
    "^[A-Z]{2}$": "pattern-country",
}
"""The schemas' patterns → the piece of ``labels/lint.yaml`` that says what they want."""

_TYPE_NAMES = {dict: "got-mapping", list: "got-list", str: "got-string", bool: "got-boolean",
               int: "got-number", float: "got-number", type(None): "got-null"}
"""Python type of a wrong value → the piece naming it."""

_SCHEMA_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")
"""JSON Schema types, each named by the piece ``type-<name>``."""

_MONOLINGUAL_TITLES = {"N° / RÉF"}
"""Schema titles whose « / » is part of the CNIL's label, not a « Français / English » pair."""


_BASE = "file:///ropa/schema/"
"""Where the compiled validator places the schemas: each ``$ref`` names a file beside its own."""


@functools.cache
def _fast(name: str) -> Any:
    """The compiled validator of ``schema/<name>.schema.json`` (jsonschema-rs), or None where it
    is not installed. It only decides that a document is valid, the common case, ten to a hundred
    times faster; a document it does not accept is validated again by ``validator`` (jsonschema),
    whose errors give every message and position. Both read draft 2020-12 with the same formats
    (date, date-time, email), and every pattern of the schemas is as strict in jsonschema-rs's
    regular expressions (ASCII ``\\d``, no newline before ``$``) as in Python's: what it accepts,
    jsonschema accepts."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency, but validation does not need it
        return None
    names = sorted(p.name[: -len(".schema.json")] for p in schema_dir().glob("*.schema.json"))
    registry = jsonschema_rs.Registry([(f"{_BASE}{n}.schema.json", load_schema(n)) for n in names])
    return jsonschema_rs.Draft202012Validator(load_schema(name), validate_formats=True, registry=registry,
                                              base_uri=f"{_BASE}{name}.schema.json")


def is_valid(data: Any, schema_name: str) -> bool:
    """True when the compiled validator accepts ``data`` (False also when it cannot tell)."""
    fast = _fast(schema_name)
    if fast is None:
        return False
    try:
        return bool(fast.is_valid(data))
    except Exception:  # data it cannot take (a key that is not text): jsonschema decides
        return False


@functools.cache
def _registry() -> Registry:
    from referencing import Registry, Resource

    resources = []
    for path in sorted(schema_dir().glob("*.schema.json")):
        schema = load_schema(path.name[: -len(".schema.json")])
        # the schemas have no $id: a $ref such as "common.schema.json#/$defs/person" resolves
        # against the file's own location, for us (by file name) as for any other tool
        resources.append((path.name, Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(load_schema(name), registry=_registry(), format_checker=FormatChecker())


def field_arg(path: Any) -> Arg:
    """The field at ``path`` for a message: ``data_categories[0].retention``, or « (top level) »
    in the reader's language."""
    return field_name(path) if path else phrase("top-level")


def title_text(title: str) -> Text:
    """A schema title « Titre FR / Title EN » as its two languages (the same text when it is
    not such a pair)."""
    parts = title.split(" / ")
    if len(parts) == 2 and title not in _MONOLINGUAL_TITLES:
        return Text(fr=parts[0], en=parts[1])
    return Text(fr=title, en=title)


def field_name(path: Any) -> str:
    """``("data_categories", 0, "retention")`` → ``data_categories[0].retention``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _type_name(value: Any) -> Arg:
    key = _TYPE_NAMES.get(type(value))
    return phrase(key) if key else type(value).__name__


def _schema_type(name: str) -> Arg:
    return phrase(f"type-{name}") if name in _SCHEMA_TYPES else name


def _describe(schema: Any) -> Arg:
    """' (Transferts hors UE)' or ' (Transfers outside the EU, Art. 30(1)(e))' from a property
    schema titled « Transferts hors UE / Transfers outside the EU, Art. 30(1)(e) »."""
    if not isinstance(schema, dict) or not isinstance(schema.get("title"), str) or not schema["title"]:
        return ""
    return phrase("in-parentheses", text=title_text(schema["title"]))


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
    """The leaves of an error: for anyOf/oneOf those of the branch the value comes closest to,
    for if/then the branch's errors."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        for leaf in _closest_branch(error.context):
            yield from _errors(leaf)
    else:
        yield error


def _closest_branch(context: list[ValidationError]) -> list[ValidationError]:
    """The errors of the anyOf/oneOf branch the value was meant for: the branch whose shape it
    fits best (no wrong type, then the fewest unknown or missing keys at its own level), then
    the one with the fewest errors. A DPO written in full with one mistyped email is told about
    the email, not that ``none`` is missing (jsonschema's ``best_match`` prefers the shallowest
    error, here the other branch's)."""
    branches: dict[Any, list[ValidationError]] = {}
    for error in context:
        branch = error.relative_schema_path[0] if error.relative_schema_path else None
        branches.setdefault(branch, []).append(error)

    def misfit(errors: list[ValidationError]) -> tuple[int, int, int]:
        own = [e for e in errors if not e.relative_path]
        wrong_type = sum(e.validator in ("type", "const", "enum") for e in own)
        shape = sum(e.validator in ("additionalProperties", "required") for e in own)
        return wrong_type, shape, len(errors)

    return min(branches.values(), key=misfit)


def diagnostics(doc: Document, schema_name: str) -> list[Diagnostic]:
    """Every schema error of ``doc`` against ``schema/<schema_name>.schema.json``."""
    if is_valid(doc.data, schema_name):
        return []
    root_schema = load_schema(schema_name)
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    errors = [error for top in validator(schema_name).iter_errors(doc.data) for error in _errors(top)]
    for error in _undecided(errors):
        for diag in _convert(doc, error, root_schema):
            key = (diag.line, diag.column, diag.rule, diag.args)
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
        and any(k in keys and k not in e.instance for k in _value(e))
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
        schema = schema.get("items") if isinstance(part, int) else (schema.get("properties") or {}).get(part)
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


def _value(error: ValidationError) -> Any:
    """The failing keyword's value in the schema (``required``'s list, ``minItems``' number...)."""
    value: Any = error.validator_value
    return value


def _convert(doc: Document, error: ValidationError, root_schema: dict[str, Any]) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    field = field_arg(path)
    where: Arg = phrase("field-prefix", field=field_name(path)) if path else ""
    instance = error.instance
    kind = error.validator
    value = _value(error)
    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        for name in missing:
            prop = _lookup(root_schema, (*path, name))
            extra: Arg = ""
            if isinstance(prop, dict) and prop.get("type") == "array" and not prop.get("minItems"):
                extra = phrase("hint-empty-list", name=name)
            yield doc.diagnostic(path, "schema-required", key=bool(path),
                                 where=where, name=name, title=_describe(prop), extra=extra)
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        # the keys of the schema that refused the value (an anyOf branch has its own), else
        # those of the property at that path
        own = error.schema.get("properties") if isinstance(error.schema, dict) else None
        allowed = sorted(own if isinstance(own, dict) else (_lookup(root_schema, path) or {}).get("properties", {}))
        for name in instance:
            if name in allowed:
                continue
            unknown = (phrase("hint-flow-comma") if instance[name] is None and " " in str(name)
                       else _misplaced_hint(str(name), root_schema, path, instance, doc.data)
                       or _key_hint(str(name), root_schema, path, allowed))
            yield doc.diagnostic((*path, name), "schema-unknown-key", key=True,
                                 where=where, name=str(name), hint=unknown)
        return
    if kind == "not" and isinstance(value, dict) and isinstance(instance, dict):
        for name in value.get("required", []):
            yield doc.diagnostic((*path, name), "schema-not-allowed", key=True,
                                 where=where, name=name, hint=_role_hint(name))
        return
    if kind == "enum":
        choices = [str(v) for v in value]
        yield doc.diagnostic(path, "schema-enum", field=field, value=repr(instance),
                             choices=", ".join(choices), hint=_enum_hint(instance, choices))
        return
    if kind == "const":
        yield doc.diagnostic(path, "schema-const", field=field, expected=repr(value), value=repr(instance))
        return
    if kind == "type":
        expected = value
        names = [expected] if isinstance(expected, str) else list(expected)
        shown = "" if isinstance(instance, (dict, list)) or instance is None else f" {instance!r}"
        hint: Arg = ""
        if "string" in names and isinstance(instance, (int, float, bool)):
            hint = phrase("hint-quote")
        elif "string" in names:
            hint = _colon_hint(instance)
        elif "object" in names and isinstance(instance, str) and path and path[-1] == "retention":
            hint = _retention_hint(instance)
        elif "array" in names and instance is None and path and isinstance(path[-1], str) \
                and not (_lookup(root_schema, path) or {}).get("minItems"):
            hint = phrase("hint-empty-list", name=path[-1])  # « transfers: » left empty (a list that may be)
        yield doc.diagnostic(path, "schema-type", field=field, wanted=either([_schema_type(n) for n in names]),
                             got=_type_name(instance), shown=shown, hint=hint)
        return
    if kind == "format":
        if value == "date":
            yield doc.diagnostic(path, "invalid-date", field=field, value=repr(instance), hint=_date_hint(instance))
        else:
            yield doc.diagnostic(path, "schema-format", field=field, value=repr(instance), format=str(value))
        return
    if kind == "pattern":
        piece = _PATTERN_HINTS.get(value)
        wanted = phrase(piece) if piece else phrase("pattern-other", pattern=str(value))
        hint = (_country_hint(instance) if piece == "pattern-country"
                else _duration_hint(instance, path) if piece == "pattern-duration" else "")
        yield doc.diagnostic(path, "schema-pattern", field=field, value=repr(instance), wanted=wanted, hint=hint)
        return
    if kind == "minLength":
        yield doc.diagnostic(path, "schema-empty", field=field)
        return
    if kind == "maxLength" and isinstance(instance, str):
        yield doc.diagnostic(path, "schema-max-length", field=field, length=len(instance), limit=value)
        return
    if kind == "minItems":
        n = value
        yield doc.diagnostic(path, "schema-min-items", field=field, count=n,
                             items=phrase("item-one" if n == 1 else "item-many"))
        return
    if kind == "uniqueItems":
        yield doc.diagnostic(path, "schema-unique-items", field=field)
        return
    if kind == "minimum":
        yield doc.diagnostic(path, "schema-minimum", field=field, minimum=value)
        return
    # a keyword the schemas do not use today: the validator's own (English) words
    yield doc.diagnostic(path, "schema-invalid", field=field, detail=f"{error.message} ({kind})")


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


_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def _date_hint(instance: Any) -> Arg:
    """A date written the French way, day first (« 18/11/2026 », « 18.11.2026 »): the same date
    written YYYY-MM-DD, when it is a real one."""
    match = _DAY_FIRST.fullmatch(instance.strip()) if isinstance(instance, str) else None
    if match is None:
        return ""
    day, month, year = (int(g) for g in match.groups())
    try:
        iso = dt.date(year, month, day).isoformat()
    except ValueError:
        return ""
    return phrase("hint-date-iso", iso=iso)


def _duration_hint(instance: Any, path: tuple[Any, ...]) -> Arg:
    """A duration in words (« 3 ans », « 1 an et 6 mois », "18 months"), read as ``ropa import``
    reads one (``importer.mapping.retention``): the ISO 8601 duration it means, and, for a
    retention's ``duration``, where its starting point goes (« à compter de la fin du contrat » →
    starts, its neighbour); nothing when the words say more than that."""
    if not isinstance(instance, str):
        return ""
    from generator.importer import mapping

    said = mapping.retention(instance)
    if said.duration is None or said.rest or said.end_action is not None:
        return ""
    if said.starts:
        retention = len(path) >= 2 and path[-2] == "retention" and path[-1] == "duration"
        return phrase("hint-duration-iso-starts", iso=said.duration, starts=said.starts) if retention else ""
    return phrase("hint-duration-iso", iso=said.duration)


def _retention_hint(instance: str) -> Arg:
    """A retention written as one text (« 3 ans à compter de la fin du contrat, puis
    suppression ») where keys are wanted: those keys, as far as ``importer.mapping.retention``
    reads the words (nothing when some of them are not understood), what they do not say (the
    start, the end of the period) left as the placeholder ``ropa validate`` asks to replace."""
    from generator.importer import mapping

    said = mapping.retention(instance)
    if (said.duration is None and said.until is None) or said.rest:
        return ""

    def block(lang: str) -> str:
        todo = i18n.t("review.placeholder", lang)
        period = {"duration": said.duration, "starts": said.starts or todo} if said.duration else {"until": said.until}
        keys = {**period, "end_action": said.end_action or todo}
        return yaml.safe_dump(keys, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**6).strip()

    return phrase("hint-retention-block", block=Text(fr=block("fr"), en=block("en")))


def _country_hint(instance: Any) -> Arg:
    """A country written by its name (« États-Unis », "Germany"), its alpha-3 code (``USA``) or in
    lower case: the alpha-2 code meant, read as ``ropa import`` reads a country (pycountry's
    names, imported only here, when a country is wrong)."""
    from generator.importer.mapping import country

    code = country(instance) if isinstance(instance, str) else None
    return phrase("hint-did-you-mean", name=code) if code else ""


def _colon_hint(instance: Any) -> Arg:
    """A text holding « : » and a space, unquoted, that YAML read as a one-key mapping
    (« - Le CCAS est distinct de la commune : il tiendra son registre »): the quoted text to write."""
    if not (isinstance(instance, dict) and len(instance) == 1):
        return ""
    (key, value), = instance.items()
    if not isinstance(key, str) or not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    text = f"{key}: {value}".replace("\\", "\\\\").replace('"', '\\"')
    return phrase("hint-quote-colon", fixed=f'"{text}"')


def _properties(root_schema: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    found = _lookup(root_schema, path)
    props = found.get("properties") if isinstance(found, dict) else None
    return props if isinstance(props, dict) else {}


def _misplaced_hint(name: str, root_schema: dict[str, Any], path: tuple[Any, ...], instance: dict[Any, Any],
                    data: Any) -> Arg:
    """A key at the wrong indentation: one that a neighbouring mapping takes (``end_action``
    written beside ``retention`` instead of under it), or the level above (``description``
    written under ``retention``, one level too deep); when that mapping has the key already, a
    second one is to remove, not to move."""
    for key, value in instance.items():
        if key != name and isinstance(value, dict) and name in _properties(root_schema, (*path, key)):
            return phrase("hint-indent-duplicate" if name in value else "hint-indent-under", name=name,
                          parent=str(key))
    outer = path
    while outer and isinstance(outer[-1], int):  # an entry of a list: the level of the list's key
        outer = outer[:-1]
    if outer and name in _properties(root_schema, outer[:-1]):
        above = value_at(data, outer[:-1])
        if isinstance(above, dict) and name in above:
            return phrase("hint-indent-duplicate", name=name, parent=field_arg(outer[:-1]))
        return phrase("hint-indent-less", name=name, parent=str(outer[-1]))
    return ""


def _key_hint(name: str, root_schema: dict[str, Any], path: tuple[Any, ...], allowed: list[str]) -> Arg:
    """'did you mean' the closest key, or the key whose French title the user wrote
    (``prenom`` → ``first_name``, titled « Prénom / First name »); else the allowed keys."""
    close = difflib.get_close_matches(name, allowed, n=1)
    if close:
        return phrase("hint-did-you-mean", name=close[0])
    titles: dict[str, str] = {}
    for key in allowed:
        title = (_lookup(root_schema, (*path, key)) or {}).get("title")
        if isinstance(title, str):
            titles[key] = title.split(" / ")[0]
    found = _french_match(name, titles)
    if found is not None:
        return phrase("hint-french-key", name=found, title=titles[found])
    return phrase("hint-allowed-keys", keys=", ".join(f"'{key}'" for key in allowed))


def _enum_hint(value: Any, choices: list[str]) -> Arg:
    """'did you mean' the closest value, or the value whose French label (from the vocabulary of
    these values) the user wrote: ``sous-traitant`` → ``processor``."""
    close = difflib.get_close_matches(str(value), choices, n=1)
    if close:
        return phrase("hint-did-you-mean", name=close[0])
    for entries in vocab.vocabularies().values():
        if set(entries) == set(choices):
            labels = {key: str(entry.get("fr", "")) for key, entry in entries.items() if isinstance(entry, dict)}
            key = _french_match(str(value), labels) if isinstance(value, str) else None
            if key is not None:
                return phrase("hint-french-value", name=key, label=labels[key])
    return ""


def _role_hint(name: Any) -> Arg:
    return phrase("hint-controller-record") if name == "controller" else ""
