"""The import graph of the installed package: no circles, and the layers DESIGN.md names.

Every module acgsim ships (the packages pyproject.toml lists) is parsed with `ast`, not imported,
so the graph holds every import wherever it is written: at module level, inside a function, or
under `if TYPE_CHECKING:`. `from acgsim.x import y` where y is a module is an edge to acgsim.x.y.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: pyproject.toml maps it to acgsim


def _modules(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> file, for every package pyproject.toml installs."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    tool = config["tool"]["setuptools"]
    top = next(name for name, folder in tool["package-dir"].items() if folder == ".")
    out = {}
    for package in tool["packages"]:
        folder = root.joinpath(*package.split(".")[1:])
        for file in sorted(folder.glob("*.py")):
            name = package if file.stem == "__init__" else f"{package}.{file.stem}"
            if name.split(".")[0] == top:
                out[name] = file
    return out


def _imports(name: str, file: Path, known: set[str]) -> tuple[set[str], set[str]]:
    """The acgsim modules a module imports (graph edges) and every name it imports at all."""
    tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
    package = name if file.stem == "__init__" else name.rpartition(".")[0]
    edges: set[str] = set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.name)
                edges.add(_owner(alias.name, known))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                edges.add(sub if sub in known else _owner(base, known))
    edges.discard("")
    edges.discard(name)
    return edges, names


def _owner(dotted: str, known: set[str]) -> str:
    """The longest known module that `dotted` names or lies in ("" if none: not acgsim)."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in known:
            return candidate
    return ""


def graph(root: Path = ROOT) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """acgsim-internal edges and all imported names, per module."""
    modules = _modules(root)
    known = set(modules)
    edges, names = {}, {}
    for name, file in modules.items():
        edges[name], names[name] = _imports(name, file, known)
    return edges, names


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_every_package_is_read():
    edges, _ = graph()
    for name in ("acgsim.cli", "acgsim.sim.engine", "acgsim.planner.export.arm", "acgsim.reports"):
        assert name in edges
    assert "acgsim.sim.scenario" in edges["acgsim.sim.engine"]


def test_no_import_cycles():
    edges, _ = graph()
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_find_cycle_sees_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_sim_does_not_import_the_layers_above_it():
    edges, _ = graph()
    above = ("acgsim.planner", "acgsim.reports", "acgsim.cli")
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in edges.items()
        if module.startswith("acgsim.sim")
        for target in targets
        if target.startswith(above)
    )
    assert not wrong, "sim/ imports a layer above it: " + ", ".join(wrong)


def test_only_reports_import_matplotlib():
    _, names = graph()
    wrong = sorted(
        module
        for module, imported in names.items()
        if not module.startswith("acgsim.reports")
        and any(n == "matplotlib" or n.startswith("matplotlib.") for n in imported)
    )
    assert not wrong, "matplotlib imported outside acgsim.reports: " + ", ".join(wrong)


def test_reports_render_exports_they_are_given():
    edges, _ = graph()
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in edges.items()
        if module.startswith("acgsim.reports")
        for target in targets
        if target.startswith("acgsim.planner.export")
    )
    assert not wrong, "reports run an exporter themselves: " + ", ".join(wrong)
