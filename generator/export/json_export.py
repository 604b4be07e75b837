"""The JSON export: the whole normalised register (``model.normalise``), described by
``schema/export.schema.json``.

Written as it is encoded, one activity at a time (``model.stream``), in exactly the bytes of
``json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False)`` followed by a line break:
UTF-8, two spaces of indentation, keys in order. JSON has no NaN or infinity: such a float
(possible in free-form process data) is written as its YAML spelling, a string.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterable
from typing import IO, Any

from generator.export.model import Activities, Json

INDENT = "  "
FLUSH_PARTS = 4096
"""Pieces of text gathered before they are written out (a few tens of kilobytes)."""

_string: Callable[[str], str] = json.encoder.encode_basestring
"""The standard library's string encoder with ``ensure_ascii=False`` (its C version)."""


def _float(value: float) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    return _string(".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf"))


def _key(key: Any) -> str:
    """A mapping key as ``json.dumps`` writes it (a string; numbers, booleans and null as their
    JSON spelling)."""
    if isinstance(key, str):
        return _string(key)
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _string(int.__repr__(key))
    if isinstance(key, float) and math.isfinite(key):
        return _string(float.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


class _Encoder:
    """Encodes into ``parts`` and hands them to ``write`` every ``FLUSH_PARTS`` pieces (checked
    after each entry: one activity of the register at most)."""

    def __init__(self, write: Callable[[str], Any]) -> None:
        self.write = write
        self.parts: list[str] = []

    def flush(self) -> None:
        if self.parts:
            self.write("".join(self.parts))
            self.parts = []

    def value(self, value: Any, indent: str) -> None:
        parts = self.parts
        if isinstance(value, str):
            parts.append(_string(value))
        elif value is None:
            parts.append("null")
        elif value is True:
            parts.append("true")
        elif value is False:
            parts.append("false")
        elif isinstance(value, int):
            parts.append(int.__repr__(value))
        elif isinstance(value, float):
            parts.append(_float(value))
        elif isinstance(value, dict):
            self.mapping(value, indent)
        elif isinstance(value, (list, tuple, Activities)):
            self.sequence(value, indent)
        else:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    def mapping(self, value: Json, indent: str) -> None:
        self.items(((_key(k) + ": ", v) for k, v in value.items()), indent, "{", "}", bool(value))

    def sequence(self, value: Iterable[Any], indent: str) -> None:
        self.items((("", v) for v in value), indent, "[", "]", bool(value))

    def items(
        self, items: Iterable[tuple[str, Any]], indent: str, opening: str, closing: str, any_item: bool
    ) -> None:
        """The entries of a mapping (each after its key) or a list, one a line, indented."""
        if not any_item:
            self.parts.append(opening + closing)
            return
        inner = indent + INDENT
        separator = ",\n" + inner
        self.parts.append(opening + "\n" + inner)
        first = True
        for prefix, item in items:
            if not first:
                self.parts.append(separator)
            first = False
            if prefix:
                self.parts.append(prefix)
            self.value(item, inner)
            if len(self.parts) > FLUSH_PARTS:
                self.flush()
        self.parts.append("\n" + indent + closing)


def write(doc: Json, out: IO[bytes]) -> None:
    """Write the JSON file of a normalised register (``model.stream`` or ``model.normalise``)
    to ``out``: UTF-8, indented, keys in order."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    encoder = _Encoder(text.write)
    encoder.value(doc, "")
    encoder.parts.append("\n")
    encoder.flush()
    text.flush()
    text.detach()


def render(doc: Json) -> bytes:
    """The JSON file of a normalised register, as bytes."""
    buffer = io.BytesIO()
    write(doc, buffer)
    return buffer.getvalue()
