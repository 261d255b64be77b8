"""acgsim: an offline simulator and capacity planner for Azure Compute Gallery.

The repository's top-level folders install as subpackages of this one import name:
`acgsim.sim` (scenario format, Azure facts, the SimPy engine), `acgsim.planner` (plans and
exports), `acgsim.reports` (tables, plots, files), `acgsim.cli` (the `acgsim` command) and
`acgsim.scenarios` (the bundled library). `acgsim.api` is the short way in from a notebook.

This module stays import-light on purpose: `acgsim --version` reads `__version__` from here
without loading numpy, SimPy or pydantic.
"""

__version__ = "0.2.0"

# The notebook API lives in acgsim.api; its names are offered here, imported on first use so that
# `import acgsim` stays light. Only these names: `from acgsim import sim` must stay a plain import.
_API = (
    "Plan",
    "RunResult",
    "Scenario",
    "bundled",
    "change",
    "export",
    "load",
    "plan",
    "records",
    "simulate",
    "simulate_many",
)


def __getattr__(name: str):
    if name in _API:
        from importlib import import_module

        return getattr(import_module("acgsim.api"), name)
    raise AttributeError(f"module 'acgsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
