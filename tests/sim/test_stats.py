"""Estimates: the mean, 95% half-width and count of a sample, by hand."""

from __future__ import annotations

import dataclasses

import pytest

from acgsim.sim.stats import Estimate, mean_ci


def test_an_estimate_from_samples_by_hand():
    e = Estimate.from_samples([1.0, 2.0, None, 3.0])  # None: a run with no figure
    assert (e.mean, e.n) == (2.0, 3)
    assert e.half_width == round(4.303 * 1.0 / 3**0.5, 3)  # t(0.975, 2 df) x s / sqrt(n)
    assert e.upper == 2.0 + e.half_width


def test_one_value_has_no_interval_and_none_has_no_mean():
    assert Estimate.from_samples([5.0]) == Estimate(5.0, None, 1)
    assert Estimate.from_samples([None, None]) == Estimate(None, None, 0)
    assert Estimate.from_samples([]).upper is None


def test_an_estimate_is_frozen_and_mean_ci_is_its_dict():
    e = Estimate.from_samples([1.0, 2.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.mean = 0.0
    assert mean_ci([1.0, 2.0]) == {"mean": e.mean, "half_width": e.half_width, "n": 2}
