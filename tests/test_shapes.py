"""Reading values of any shape: what checks and pages rely on when a file failed its schema."""

from __future__ import annotations

import datetime as dt

import pytest

from generator import shapes
from generator.model import review


def test_lists_of_the_wrong_shape_read_as_empty() -> None:
    assert list(shapes.dicts(5)) == []
    assert list(shapes.dicts([{"a": 1}, "x", {"b": 2}])) == [(0, {"a": 1}), (2, {"b": 2})]
    assert shapes.mappings("text") == []
    assert shapes.strings(["a", 1, None, "b"]) == ["a", "b"]
    assert shapes.items({"a": 1}) == []


def test_text_dates_and_durations() -> None:
    assert shapes.text("  ") is None and shapes.text(3) is None and shapes.text("x") == "x"
    assert shapes.parse_date("2020-09-15") == dt.date(2020, 9, 15)
    assert shapes.parse_date("2021-02-30") is None and shapes.parse_date(20200915) is None
    assert shapes.parse_duration("P1Y6M") == (1, 6, 0, 0)
    assert shapes.parse_duration("P") is None and shapes.parse_duration("1 an") is None


def test_walk_strings_gives_every_string_with_its_path() -> None:
    found = dict(shapes.walk_strings({"a": ["x", {"b": "y"}], "c": 1}))
    assert found == {("a", 0): "x", ("a", 1, "b"): "y"}


def test_today_is_fixed_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(shapes.TODAY_ENV, "2031-01-02")
    assert shapes.today() == dt.date(2031, 1, 2)
    monkeypatch.setenv(shapes.TODAY_ENV, "not a date")
    assert shapes.today() == dt.date.today()


@pytest.mark.parametrize("value", [5, "text", {"a": 1}, [1, 2], None])
def test_dpia_screening_survives_wrongly_typed_fields(value: object) -> None:
    activity = {"sensitive_data": value, "data_subjects": value, "dpia": {"criteria": value}}
    result = review.screening(activity)
    assert result.declared == ()
    assert result.derived == ()
