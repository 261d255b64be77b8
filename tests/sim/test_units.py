"""Durations: what a person writes, what the model reads, and the way back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from acgsim.sim.units import Duration, format_duration, human_duration, parse_duration


class Holder(BaseModel):
    d: Duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45s", 45),
        ("30m", 1800),
        ("6h", 21600),
        ("2d", 172800),
        ("1h30m", 5400),
        ("250ms", 0.25),
        ("1.5s", 1.5),
        (" 90 s ", 90),
        ("0s", 0),
        (0, 0),
        ("1d2h3m4s", 93784),
    ],
)
def test_parse(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds, abs=0, rel=1e-12)


@pytest.mark.parametrize(
    "bad", ["", "90", "5 minutes", "-5s", "1x", "h", "1h-30m", 90, 1.5, True, None, [1], "1e3s"]
)
def test_parse_refuses_with_a_hint(bad):
    with pytest.raises(Exception) as info:
        Holder.model_validate({"d": bad}, context={"from_file": True})
    assert "duration with a unit" in str(info.value) or "has no unit" in str(info.value)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (90, "90s"),
        (120, "2m"),
        (5400, "90m"),
        (7200, "2h"),
        (86400, "1d"),
        (1.5, "1.5s"),
        (0.25, "0.25s"),
    ],
)
def test_format(seconds, text):
    assert format_duration(seconds) == text


@given(st.one_of(st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False, allow_infinity=False)))
def test_round_trip_is_exact(seconds):
    assert parse_duration(format_duration(seconds)) == seconds


def test_human_duration_rounds_for_tables():
    assert human_duration(3.21) == "3.2s"
    assert human_duration(75.4) == "1m15s"
    assert human_duration(4321) == "1h12m"


def test_python_callers_may_give_seconds():
    assert Holder(d=90).d == 90.0 and Holder(d=1.5).d == 1.5
    with pytest.raises(ValidationError):
        Holder(d=-1)


def test_serialises_as_text():
    assert Holder(d="90m").model_dump(mode="json") == {"d": "90m"}
