"""The exports written as they are made (``model.stream``, one activity normalised at a time)
give the bytes of the exports made from the whole normalised register, and the JSON writer the
bytes of ``json.dumps``."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest
from conftest import REPO
from export_registers import full_register
from hypothesis import given
from hypothesis import strategies as st

from generator.export import Options, model, render_document, write, write_document
from generator.export.json_export import render as json_render
from generator.lint.runner import load_register
from generator.load.register import Register

OPTIONS = [
    Options("xlsx", "fr"),
    Options("xlsx", "en"),
    Options("csv", "fr"),
    Options("csv", "en", per="data-category", header="keys", bom=True),
    Options("json", "fr"),
    Options("json", "en"),
]


@pytest.fixture(scope="module", params=["centrecall", "full"])
def reg(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Register:
    root = REPO if request.param == "centrecall" else full_register(tmp_path_factory.mktemp("full"))
    found = load_register(root)
    assert found.ok
    return found


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: f"{o.format}-{o.lang}-{o.per}")
def test_streamed_export_is_the_export_of_the_whole_document(reg: Register, options: Options) -> None:
    whole = render_document(model.normalise(reg, options.lang), options)
    streamed = io.BytesIO()
    write(reg, options, streamed)
    assert streamed.getvalue() == whole
    again = io.BytesIO()
    write_document(model.stream(reg, options.lang), options, again)
    assert again.getvalue() == whole


def test_streamed_activities_are_made_when_read_and_not_kept(reg: Register) -> None:
    doc = model.stream(reg, "fr")
    activities = doc["activities"]
    assert isinstance(activities, model.Activities)
    assert len(activities) == len(reg.activities)
    first, second = list(activities), list(activities)
    assert first == second == model.normalise(reg, "fr")["activities"]
    assert all(a is not b for a, b in zip(first, second, strict=True))


def _finite(value: Any) -> Any:
    """What the JSON export writes for a float JSON cannot hold: its YAML spelling."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def reference(value: Any) -> bytes:
    return (json.dumps(_finite(value), ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
JSON_DATA = st.recursive(
    JSON_SCALAR,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=30,
)


@given(JSON_DATA)
def test_json_writer_gives_the_bytes_of_json_dumps(value: Any) -> None:
    assert json_render(value) == reference(value)


def test_json_of_a_register_is_what_json_dumps_gives(reg: Register) -> None:
    doc = model.normalise(reg, "fr")
    assert json_render(doc) == reference(dict(doc))
