"""The JSON export: the whole normalised register (``model.normalise``), described by
``schema/export.schema.json``."""

from __future__ import annotations

import json
import math
from typing import Any

from generator.export.model import Json


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: such a float (possible in free-form process data) is
    written as its YAML spelling, a string."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def render(doc: Json) -> bytes:
    """The JSON file of a normalised register, as bytes (UTF-8, indented, keys in order)."""
    return (json.dumps(_finite(doc), ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")
