"""The held-out scenarios: files written from the README, `acgsim scenarios show` and the
error messages only, in the styles users write (block and flow YAML, JSON, regions by name)."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "scenarios"
ALL = sorted(p for p in FOLDER.iterdir() if p.suffix in (".yaml", ".json"))
IDS = [p.stem for p in ALL]


def path(stem_prefix: str) -> Path:
    """The scenario whose file name starts with this (h07, h20-thirty...)."""
    (found,) = [p for p in ALL if p.stem.startswith(stem_prefix)]
    return found
