"""Named, seeded random streams: one SeedSequence per run, one generator per named purpose.

A stream's seed depends only on the run's seed and the stream's name (a stable CRC-32 of it), never
on the order streams are asked for. So adding a stream, a region or a replica leaves every other
stream's numbers unchanged: that is what makes common random numbers across design variants work
(the planner compares 3 and 4 replicas on the very same requests).
"""

from __future__ import annotations

import zlib

import numpy as np


def child_seeds(seed: int, count: int) -> list[np.random.SeedSequence]:
    """Independent seed sequences for `count` runs seeded with `seed` (run i gets the i-th)."""
    return np.random.SeedSequence(seed).spawn(count)


class Streams:
    """Random generators by name, all derived from one SeedSequence."""

    def __init__(self, root: np.random.SeedSequence | int):
        self.root = (
            root if isinstance(root, np.random.SeedSequence) else np.random.SeedSequence(root)
        )

    def rng(self, name: str) -> np.random.Generator:
        """The generator for `name`; asking twice gives two generators with the same numbers."""
        key = tuple(self.root.spawn_key) + (zlib.crc32(name.encode("utf-8")),)
        seq = np.random.SeedSequence(self.root.entropy, spawn_key=key)
        return np.random.Generator(np.random.PCG64(seq))


def lognormal_factor(rng: np.random.Generator, cv: float, size: int) -> np.ndarray:
    """Positive multipliers with mean 1 and the given coefficient of variation."""
    if cv <= 0:
        return np.ones(size)
    sigma2 = np.log1p(cv * cv)
    return rng.lognormal(mean=-sigma2 / 2.0, sigma=np.sqrt(sigma2), size=size)


def durations(rng: np.random.Generator, dist: str, mean: float, cv: float, size: int) -> np.ndarray:
    """`size` durations of a fixed, exponential or lognormal distribution with the given mean."""
    if dist == "fixed" or mean <= 0:
        return np.full(size, float(mean))
    if dist == "exponential":
        return rng.exponential(mean, size=size)
    return mean * lognormal_factor(rng, cv, size)
